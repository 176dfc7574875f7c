"""What the database already holds: fast, index-only questions.

No full scans: every query walks the primary key (entity_id, ts) of one point
at a time or reads the small ``_current`` table, so detection stays well under
a second on tables of tens of millions of rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import psycopg

from haystack_tui.store.org_tables import OrgTables
from haystack_tui.timegrid import INTERVAL


@dataclass(frozen=True)
class Coverage:
    """Which grid timestamps of ``[lo, hi)`` are complete for every point."""

    lo: int
    hi: int
    missing: np.ndarray
    """Sorted epoch seconds of grid instants where at least one point has no row."""
    partial: np.ndarray
    """Sorted epoch seconds where some points have rows and others do not."""


def _epoch(col: str) -> str:
    """SQL for epoch seconds of a ts column of either timestamp type (session TimeZone is UTC)."""
    return f"extract(epoch from {col})::bigint"


def coverage(conn: psycopg.Connection, tables: OrgTables, entity_ids: list[int], lo: int, hi: int) -> Coverage:
    """Per-point counts in the window, then exact timestamps only for points that fall short."""
    grid = np.arange(lo, hi, INTERVAL, dtype=np.int64)
    if len(grid) == 0:
        empty = np.empty(0, dtype=np.int64)
        return Coverage(lo, hi, empty, empty)
    counts = dict(conn.execute(
        psycopg.sql.SQL(
            "SELECT e, (SELECT count(*) FROM {v} v WHERE v.entity_id = e"
            " AND v.ts >= to_timestamp(%s) AND v.ts < to_timestamp(%s)) FROM unnest(%s::int[]) AS e"
        ).format(v=tables.values),
        (lo, hi, entity_ids),
    ).fetchall())
    short = [e for e in entity_ids if counts.get(e, 0) < len(grid)]
    if not short:
        empty = np.empty(0, dtype=np.int64)
        return Coverage(lo, hi, empty, empty)
    present_count = np.zeros(len(grid), dtype=np.int64)
    full = len(entity_ids) - len(short)
    for eid in short:
        if counts.get(eid, 0) == 0:
            continue
        rows = conn.execute(
            psycopg.sql.SQL("SELECT {ep} FROM {v} WHERE entity_id = %s AND ts >= to_timestamp(%s)"
                            " AND ts < to_timestamp(%s)").format(ep=psycopg.sql.SQL(_epoch("ts")), v=tables.values),
            (eid, lo, hi)).fetchall()
        idx = (np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows)) - lo) // INTERVAL
        idx = idx[(idx >= 0) & (idx < len(grid))]
        present_count[idx] += 1
    present_count += full
    missing = grid[present_count < len(entity_ids)]
    partial = grid[(present_count > 0) & (present_count < len(entity_ids))]
    return Coverage(lo, hi, missing, partial)


def last_timestamp(conn: psycopg.Connection, tables: OrgTables, entity_ids: list[int]) -> int | None:
    """Newest stored timestamp over the points (per-point PK lookups, no scan)."""
    row = conn.execute(
        psycopg.sql.SQL("SELECT max(t) FROM unnest(%s::int[]) AS e, LATERAL (SELECT {ep} AS t FROM {v} v"
                        " WHERE v.entity_id = e ORDER BY v.ts DESC LIMIT 1) x").format(
            ep=psycopg.sql.SQL(_epoch("v.ts")), v=tables.values),
        (entity_ids,)).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def first_timestamp(conn: psycopg.Connection, tables: OrgTables, entity_ids: list[int]) -> int | None:
    row = conn.execute(
        psycopg.sql.SQL("SELECT min(t) FROM unnest(%s::int[]) AS e, LATERAL (SELECT {ep} AS t FROM {v} v"
                        " WHERE v.entity_id = e ORDER BY v.ts ASC LIMIT 1) x").format(
            ep=psycopg.sql.SQL(_epoch("v.ts")), v=tables.values),
        (entity_ids,)).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def reading_before(conn: psycopg.Connection, tables: OrgTables, entity_id: int, ts: int) -> tuple[int, float] | None:
    """The newest stored (ts, reading) of a totalizer at or before ``ts``."""
    row = conn.execute(
        psycopg.sql.SQL("SELECT {ep}, value_n FROM {v} WHERE entity_id = %s AND ts <= to_timestamp(%s)"
                        " AND value_n IS NOT NULL ORDER BY ts DESC LIMIT 1").format(
            ep=psycopg.sql.SQL(_epoch("ts")), v=tables.values), (entity_id, ts)).fetchone()
    return None if row is None else (int(row[0]), float(row[1]))


def reading_after(conn: psycopg.Connection, tables: OrgTables, entity_id: int, ts: int) -> tuple[int, float] | None:
    """The oldest stored (ts, reading) of a totalizer at or after ``ts``."""
    row = conn.execute(
        psycopg.sql.SQL("SELECT {ep}, value_n FROM {v} WHERE entity_id = %s AND ts >= to_timestamp(%s)"
                        " AND value_n IS NOT NULL ORDER BY ts ASC LIMIT 1").format(
            ep=psycopg.sql.SQL(_epoch("ts")), v=tables.values), (entity_id, ts)).fetchone()
    return None if row is None else (int(row[0]), float(row[1]))


def rows_in_range(conn: psycopg.Connection, tables: OrgTables, entity_ids: list[int], lo: int, hi: int) -> int:
    """How many rows of these points already lie in ``[lo, hi)`` (per-point PK range scans)."""
    row = conn.execute(
        psycopg.sql.SQL("SELECT coalesce(sum(c), 0) FROM unnest(%s::int[]) AS e, LATERAL (SELECT count(*) AS c"
                        " FROM {v} v WHERE v.entity_id = e AND v.ts >= to_timestamp(%s) AND v.ts < to_timestamp(%s)) x"
                        ).format(v=tables.values), (entity_ids, lo, hi)).fetchone()
    return int(row[0])
