"""Bringing a database to a writable state: migrate, org tables, entities.

Used by ``init``, ``backfill`` and the engine's start-up alike, so all three
agree on what "initialised" means. Idempotent: a second run creates nothing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import psycopg

from haystack_tui.model.building import Building
from haystack_tui.store.entities import sync_entities
from haystack_tui.store.migrate import migrate
from haystack_tui.store.org_tables import OrgTables, ensure_org_tables
from haystack_tui.store.state import save_state, service_name
from haystack_tui.store.values import PointColumns


@dataclass(frozen=True)
class Prepared:
    """A database ready for this building and org."""

    building: Building
    org: str
    tables: OrgTables
    entity_ids: dict[str, int]
    columns: PointColumns
    created: int
    """Entities created by this preparation (0 when already complete)."""
    migrations: tuple[str, ...]
    seconds: float

    @property
    def state_name(self) -> str:
        return service_name(self.org, self.building.site_id)

    @property
    def point_entity_ids(self) -> list[int]:
        return [int(e) for e in self.columns.entity_ids]


def prepare(conn: psycopg.Connection, building: Building, org: str) -> Prepared:
    """Migrate, create the org's tables and the missing entities, ensure the state row."""
    t0 = time.perf_counter()
    applied = migrate(conn)
    tables = ensure_org_tables(conn, org)
    synced = sync_entities(conn, building, org)
    with conn.transaction():
        save_state(conn, service_name(org, building.site_id))
    return Prepared(building, org, tables, synced.ids, point_columns(building, synced.ids), synced.created,
                    tuple(applied), time.perf_counter() - t0)


def point_columns(building: Building, ids: dict[str, int]) -> PointColumns:
    pts = building.points
    return PointColumns(
        entity_ids=np.array([ids[p.id] for p in pts], dtype=np.int32),
        point_ids=tuple(p.id for p in pts),
        decimals=np.array([max(0, p.type.decimals) for p in pts], dtype=np.int16),
        is_bool=np.array([p.kind == "Bool" for p in pts], dtype=bool),
        totalizer_ids=tuple(p.id for p in building.totalizers),
    )


def attach(conn: psycopg.Connection, building: Building, org: str) -> Prepared:
    """A Prepared for reading only: nothing is created. Fails when the database is not initialised."""
    from haystack_tui.errors import RuntimeFailure
    from haystack_tui.store.entities import existing_entity_ids
    from haystack_tui.store.inspect import schema_present
    from haystack_tui.store.org_tables import describe_org_tables

    t0 = time.perf_counter()
    tables = describe_org_tables(conn, org) if schema_present(conn) else None
    if tables is None:
        raise RuntimeFailure(f"the database holds no data for org {org!r}; run 'haystack-tui init' or 'backfill'")
    ids = existing_entity_ids(conn, org)
    missing = [p.id for p in building.points if p.id not in ids]
    if missing:
        raise RuntimeFailure(f"{len(missing)} points of the building are not in the database (e.g. {missing[0]});"
                             " run 'haystack-tui init'")
    return Prepared(building, org, tables, ids, point_columns(building, ids), 0, (), time.perf_counter() - t0)
