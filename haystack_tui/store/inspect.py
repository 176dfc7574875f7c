"""Read-only questions for ``status``: nothing here writes, not even migrations."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import sql

from haystack_tui.store.org_tables import table_names


def schema_present(conn: psycopg.Connection) -> bool:
    return bool(conn.execute("SELECT to_regclass('core.haystack_tui_schema') IS NOT NULL").fetchone()[0])


def entity_counts(conn: psycopg.Connection, org: str) -> dict[str, int]:
    """Sites, equips and points of the org, by their Haystack markers."""
    if not conn.execute("SELECT to_regclass('core.entity_tag') IS NOT NULL").fetchone()[0]:
        return {"sites": 0, "equips": 0, "points": 0}
    rows = conn.execute(
        "SELECT d.name, count(DISTINCT e.id) FROM core.entity e"
        " JOIN core.entity_tag t ON t.entity_id = e.id AND t.disabled_ts IS NULL AND t.value_b"
        " JOIN core.tag_def d ON d.id = t.tag_id AND d.name IN ('site', 'equip', 'point')"
        " WHERE e.value_table_id = %s AND e.disabled_ts IS NULL GROUP BY d.name", (org,)).fetchall()
    found = dict(rows)
    return {"sites": found.get("site", 0), "equips": found.get("equip", 0), "points": found.get("point", 0)}


def values_summary(conn: psycopg.Connection, org: str) -> dict[str, Any]:
    """Newest timestamp (from the small _current table) and the planner's row estimate (None before
    the table was first analyzed; counting rows exactly would scan the whole table)."""
    values, current = table_names(org)
    if not conn.execute("SELECT to_regclass(%s) IS NOT NULL", (f"core.{current}",)).fetchone()[0]:
        return {"last_timestamp": None, "rows_estimate": 0}
    last = conn.execute(sql.SQL("SELECT max(ts) FROM core.{}").format(sql.Identifier(current))).fetchone()[0]
    est = conn.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)",
                       (f"core.{values}",)).fetchone()[0]
    return {"last_timestamp": last, "rows_estimate": None if est is None or est < 0 else int(est)}


def state_row(conn: psycopg.Connection, name: str) -> dict[str, Any] | None:
    if not conn.execute("SELECT to_regclass('core.simulator_state') IS NOT NULL").fetchone()[0]:
        return None
    from haystack_tui.store.state import read_state

    return read_state(conn, name)
