"""Completeness and regularity: gaps, duplicates, the 15-minute grid.

Gaps and grid read the shared rows; duplicates asks the catalogue first:
with a unique index on (entity_id, ts) PostgreSQL itself rules them out, and
the check says so. Without one (some hypertables, hand-made tables) it
groups the window's rows by key, every entity of the table included.
"""

from __future__ import annotations

from datetime import datetime, timezone

import numpy as np
from psycopg import sql

from haystack_tui.validate.data import MISSING, US, Grid, Rows
from haystack_tui.validate.result import MAX_ROWS, CheckResult, at, n, verdict
from haystack_tui.validate.window import Window


def check_gaps(w: Window) -> CheckResult:
    return gaps_result(w.grid, w.due_until, [p.id for p in w.points])


def gaps_result(grid: Grid, due_until: int, point_ids: list[str]) -> CheckResult:
    due = grid.times < due_until
    missing = grid.status[due] == MISSING
    per_point = missing.sum(axis=0)
    rows = []
    for j in np.argsort(-per_point, kind="stable")[:MAX_ROWS]:
        if per_point[j]:
            first = grid.times[due][np.argmax(missing[:, j])]
            rows.append(f"{point_ids[j]}: {n(per_point[j])} missing, first {at(first)}")
    figure = f"{n(missing.sum())} of {n(missing.size)} point-intervals missing"
    not_due = int((~due).sum())
    if not_due:
        figure += f" ({n(not_due)} newest instants not due yet)"
    return verdict("gaps", int(missing.sum()), figure, rows)


def check_grid(w: Window) -> CheckResult:
    return grid_result(w.rows, [p.id for p in w.points])


def grid_result(rows: Rows, point_ids: list[str]) -> CheckResult:
    off = np.flatnonzero(~rows.on_grid)
    shown = [f"{point_ids[rows.column[i]]} {_precise(int(rows.ts_us[i]))}" for i in off[:MAX_ROWS]]
    return verdict("grid", len(off), f"{n(len(off))} of {n(len(rows.ts_us))} rows off the 15-minute grid", shown)


def _precise(ts_us: int) -> str:
    dt = datetime.fromtimestamp(ts_us / US, tz=timezone.utc)
    return dt.isoformat(timespec="microseconds" if ts_us % US else "seconds").replace("+00:00", "Z")


def check_duplicates(w: Window) -> CheckResult:
    index = unique_key_index(w)
    if index is not None:
        return CheckResult("duplicates", True, "error", f"none possible: unique index {index} on (entity_id, ts)")
    found = w.conn.execute(sql.SQL(
        "SELECT entity_id, extract(epoch from ts)::float8, c, count(*) OVER (), sum(c - 1) OVER ()"
        " FROM (SELECT entity_id, ts, count(*) AS c FROM {v} WHERE ts >= to_timestamp(%s) AND ts < to_timestamp(%s)"
        " GROUP BY entity_id, ts HAVING count(*) > 1) d ORDER BY c DESC, entity_id, ts LIMIT %s").format(
        v=w.tables.values), (w.lo, w.hi, MAX_ROWS)).fetchall()
    keys = int(found[0][3]) if found else 0
    extra = int(found[0][4]) if found else 0
    names = {eid: pid for pid, eid in w.prepared.entity_ids.items()}
    rows = [f"{names.get(e, f'entity {e}')} {at(t)}: {c} rows" for e, t, c, _, _ in found]
    return verdict("duplicates", keys, f"{n(keys)} duplicated (entity_id, ts) keys, {n(extra)} extra rows"
                   " (no unique index: checked by grouping)", rows)


def unique_key_index(w: Window) -> str | None:
    """Name of a valid unique index on exactly (entity_id, ts) of the values table, if any."""
    row = w.conn.execute(
        "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
        " WHERE i.indrelid = to_regclass(%s) AND i.indisunique AND i.indisvalid AND i.indpred IS NULL"
        " AND i.indexprs IS NULL AND i.indnkeyatts = 2 AND (SELECT array_agg(a.attname::text ORDER BY a.attname::text)"
        " FROM pg_attribute a WHERE a.attrelid = i.indrelid AND a.attnum = ANY ((i.indkey::int2[])[0:1]))"
        " = ARRAY['entity_id', 'ts'] LIMIT 1", (f"core.{w.tables.values_name}",)).fetchone()
    return None if row is None else row[0]
