"""Writing the building's Haystack entities: bulk, atomic, only what is missing.

Entities are matched by their Haystack ``id`` tag within the org (the
predecessor matched globally and duplicated or crossed tenants). One
transaction allocates entity ids from the sequence, then COPYs entity,
entity_tag and permission rows, so a crash leaves the whole building or
none of the new part of it. Refs are stored both as the target's string id
(``value_s``, what the original platform reads) and its entity id
(``value_ref``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import psycopg

from haystack_tui.model.building import Building, Entity
from haystack_tui.model.tags import MARKER, Coord, Number, Ref, TagValue

_ENTITY_LOCK = 0x4853_5455_454E  # "HSTUEN": serialises entity creation per database


@dataclass(frozen=True)
class EntitySync:
    created: int
    """Entities written by this call."""
    existing: int
    """Entities that were already there (left untouched)."""
    ids: dict[str, int]
    """Haystack id -> core.entity id for every entity of the building."""


def existing_entity_ids(conn: psycopg.Connection, org: str) -> dict[str, int]:
    """Haystack id -> entity id for the org's live entities."""
    rows = conn.execute(
        "SELECT et.value_s, e.id FROM core.entity e"
        " JOIN core.entity_tag et ON et.entity_id = e.id AND et.disabled_ts IS NULL"
        " JOIN core.tag_def td ON td.id = et.tag_id AND td.name = 'id'"
        " WHERE e.value_table_id = %s AND e.disabled_ts IS NULL",
        (org,),
    ).fetchall()
    return {hid: eid for hid, eid in rows if hid is not None}


def sync_entities(conn: psycopg.Connection, building: Building, org: str) -> EntitySync:
    """Create the building's missing entities in one transaction."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_ENTITY_LOCK,))
        ids = existing_entity_ids(conn, org)
        missing = [e for e in building.entities if e.id not in ids]
        if missing:
            new_ids = _allocate(conn, len(missing))
            ids.update({e.id: i for e, i in zip(missing, new_ids)})
            tag_ids = _ensure_tag_defs(conn, {name for e in missing for name in e.tags} | {"id"})
            _copy_entities(conn, missing, ids, tag_ids, org)
    return EntitySync(len(missing), len(building.entities) - len(missing),
                      {e.id: ids[e.id] for e in building.entities})


def _allocate(conn: psycopg.Connection, n: int) -> list[int]:
    rows = conn.execute(
        "SELECT nextval(pg_get_serial_sequence('core.entity', 'id')) FROM generate_series(1, %s)", (n,)
    ).fetchall()
    return [r[0] for r in rows]


def _ensure_tag_defs(conn: psycopg.Connection, names: set[str]) -> dict[str, int]:
    ordered = sorted(names)
    conn.execute(
        "INSERT INTO core.tag_def (name) SELECT n FROM unnest(%s::varchar[]) AS n"
        " WHERE NOT EXISTS (SELECT 1 FROM core.tag_def d WHERE d.name = n)",
        (ordered,),
    )
    rows = conn.execute("SELECT name, id FROM core.tag_def WHERE name = ANY(%s)", (ordered,)).fetchall()
    return dict(rows)


def _copy_entities(conn, missing: list[Entity], ids: dict[str, int], tag_ids: dict[str, int], org: str) -> None:
    with conn.cursor() as cur:
        with cur.copy("COPY core.entity (id, value_table_id) FROM STDIN") as copy:
            for e in missing:
                copy.write_row((ids[e.id], org))
        with cur.copy(
            "COPY core.entity_tag (entity_id, tag_id, value_n, value_b, value_s, value_dict, value_ref) FROM STDIN"
        ) as copy:
            for e in missing:
                eid = ids[e.id]
                copy.write_row((eid, tag_ids["id"], None, None, e.id, None, None))
                for name, value in e.tags.items():
                    copy.write_row((eid, tag_ids[name], *tag_columns(value, ids)))
        org_id = conn.execute("SELECT id FROM core.org WHERE key = %s OR name = %s ORDER BY (key = %s) DESC, id"
                              " LIMIT 1", (org, org, org)).fetchone()
        if org_id:
            cur.execute(
                "INSERT INTO core.org_entity_permission (org_id, entity_id)"
                " SELECT %s, unnest(%s::int[]) ON CONFLICT DO NOTHING",
                (org_id[0], [ids[e.id] for e in missing]),
            )


def tag_columns(value: TagValue, ids: dict[str, int]) -> tuple:
    """(value_n, value_b, value_s, value_dict, value_ref) for one tag value."""
    if value is MARKER:
        return None, True, None, None, None
    if isinstance(value, bool):
        return None, value, None, None, None
    if isinstance(value, Number):
        return value.val, None, value.unit, None, None
    if isinstance(value, Ref):
        return None, None, value.id, None, ids.get(value.id)
    if isinstance(value, Coord):
        return None, None, None, json.dumps({"_kind": "coord", "lat": value.lat, "lng": value.lng}), None
    if isinstance(value, str):
        return None, None, value, None, None
    raise TypeError(f"unsupported tag value {value!r}")  # pragma: no cover
