"""Integrity: refs resolve, no values of unknown entities, ``_current`` matches the newest row.

All three are catalogue or index-only questions: the refs of the org's
entities (about a thousand rows), a loose index scan for the distinct
entity ids of the values table (one primary-key probe per entity, not a
table scan; a table with no index led by entity_id is scanned over the
window instead), and the newest row of each point by a descending key probe.
"""

from __future__ import annotations

from datetime import datetime, timezone

from psycopg import sql

from haystack_tui.validate.result import MAX_ROWS, CheckResult, at, n, verdict
from haystack_tui.validate.window import Window

_REFS = """
WITH ids AS (SELECT et.entity_id, et.value_s FROM core.entity_tag et JOIN core.tag_def d ON d.id = et.tag_id
             WHERE d.name = 'id' AND et.disabled_ts IS NULL)
SELECT sid.value_s, d.name, et.value_s,
       CASE WHEN et.value_ref IS NULL THEN 'no value_ref'
            WHEN t.id IS NULL THEN 'value_ref ' || et.value_ref || ' is no live entity'
            WHEN t.value_table_id IS DISTINCT FROM %(org)s THEN 'target belongs to another org'
            WHEN tid.value_s IS DISTINCT FROM et.value_s THEN 'target''s id is ' || coalesce(tid.value_s, 'missing')
       END
FROM core.entity e
JOIN core.entity_tag et ON et.entity_id = e.id AND et.disabled_ts IS NULL
JOIN core.tag_def d ON d.id = et.tag_id AND d.name LIKE '%%Ref'
LEFT JOIN core.entity t ON t.id = et.value_ref AND t.disabled_ts IS NULL
LEFT JOIN ids tid ON tid.entity_id = t.id
LEFT JOIN ids sid ON sid.entity_id = e.id
WHERE e.value_table_id = %(org)s AND e.disabled_ts IS NULL
ORDER BY sid.value_s, d.name
"""
_DISTINCT_IDS = """
WITH RECURSIVE ids AS ((SELECT entity_id FROM {v} ORDER BY entity_id LIMIT 1)
  UNION ALL SELECT (SELECT v.entity_id FROM {v} v WHERE v.entity_id > ids.entity_id ORDER BY v.entity_id LIMIT 1)
  FROM ids WHERE ids.entity_id IS NOT NULL),
unknown AS (SELECT u.entity_id FROM ids u WHERE u.entity_id IS NOT NULL AND NOT {known})
SELECT u.entity_id, x.c, x.first FROM unknown u, LATERAL (SELECT count(*) AS c, min(ts) AS first FROM {v} v
  WHERE v.entity_id = u.entity_id AND v.ts >= to_timestamp(%(lo)s) AND v.ts < to_timestamp(%(hi)s)) x
WHERE x.c > 0
"""
_SCAN_IDS = """
SELECT v.entity_id, count(*), min(v.ts) FROM {v} v WHERE v.ts >= to_timestamp(%(lo)s) AND v.ts < to_timestamp(%(hi)s)
  AND NOT {known} GROUP BY v.entity_id
"""
_CURRENT = """
SELECT u.e, c.ts, c.value_n::text, c.value_b, c.status, r.ts, r.value_n::text, r.value_b, r.status
FROM unnest(%s::int[]) AS u(e)
LEFT JOIN {cur} c ON c.entity_id = u.e
LEFT JOIN LATERAL (SELECT ts, value_n, value_b, status FROM {v} WHERE entity_id = u.e ORDER BY ts DESC LIMIT 1) r ON true
WHERE (c.ts, c.value_n, c.value_b, c.status) IS DISTINCT FROM (r.ts, r.value_n, r.value_b, r.status)
"""


def check_refs(w: Window) -> CheckResult:
    found = w.conn.execute(_REFS, {"org": w.prepared.org}).fetchall()
    bad = [f"{src} {tag} -> {target}: {why}" for src, tag, target, why in found if why is not None]
    return verdict("integrity.refs", len(bad), f"{n(len(bad))} of {n(len(found))} refs of the org's entities"
                   " do not resolve", bad)


def _known(column: str) -> sql.Composed:
    """SQL: the entity in ``column`` is a live entity of the org (parameter ``org``)."""
    return sql.SQL("EXISTS (SELECT 1 FROM core.entity k WHERE k.id = {} AND k.value_table_id = %(org)s"
                   " AND k.disabled_ts IS NULL)").format(sql.SQL(column))


def check_unknown(w: Window) -> CheckResult:
    params = {"org": w.prepared.org, "lo": w.lo, "hi": w.hi}
    if _leads_with_entity_id(w):
        query = sql.SQL(_DISTINCT_IDS).format(v=w.tables.values, known=_known("u.entity_id"))
    else:
        query = sql.SQL(_SCAN_IDS).format(v=w.tables.values, known=_known("v.entity_id"))
    found = w.conn.execute(query, params).fetchall()
    current = w.conn.execute(sql.SQL("SELECT count(*) FROM {} c WHERE NOT {}").format(
        w.tables.current, _known("c.entity_id")), params).fetchone()[0]
    rows = sum(int(c) for _, c, _ in found)
    shown = [f"entity {e}: {n(c)} rows from {at(epoch(first))}" for e, c, first in found[:MAX_ROWS]]
    if current:
        shown.append(f"{n(current)} _current rows of unknown entities")
    return verdict("integrity.unknown", rows + current, f"{n(rows)} rows of {n(len(found))} unknown entities in"
                   f" the window, {n(current)} unknown entities in _current", shown)


def _leads_with_entity_id(w: Window) -> bool:
    """Whether an index starts with entity_id (else a loose index scan would scan the table per entity)."""
    return w.conn.execute(
        "SELECT EXISTS (SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
        " AND a.attnum = i.indkey[0] WHERE i.indrelid = to_regclass(%s) AND a.attname = 'entity_id'"
        " AND i.indisvalid AND i.indpred IS NULL)", (f"core.{w.tables.values_name}",)).fetchone()[0]


def check_current(w: Window) -> CheckResult:
    found = w.conn.execute(sql.SQL(_CURRENT).format(cur=w.tables.current, v=w.tables.values),
                           (w.entity_ids,)).fetchall()
    names = {eid: pid for pid, eid in w.prepared.entity_ids.items()}
    shown = [f"{names.get(r[0], r[0])}: _current {_row(r[1:5])} vs newest {_row(r[5:])}" for r in found[:MAX_ROWS]]
    return verdict("integrity.current", len(found), f"{n(len(found))} of {n(len(w.entity_ids))} points whose"
                   " _current row differs from their newest stored row", shown)


def _row(r) -> str:
    ts, value_n, value_b, status = r
    if ts is None:
        return "none"
    value = value_n if value_n is not None else ("null" if value_b is None else str(value_b).lower())
    return f"({at(epoch(ts))}, {value}, {status})"


def epoch(ts: datetime) -> float:
    """Epoch seconds of a stored timestamp; naive ones (original-platform columns) are UTC."""
    return (ts if ts.tzinfo else ts.replace(tzinfo=timezone.utc)).timestamp()
