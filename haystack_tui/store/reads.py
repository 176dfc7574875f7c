"""Reading stored values back: recent rows for live displays, one point's history.

Per-point primary-key range scans only, so the cost does not grow with the
table.
"""

from __future__ import annotations

import psycopg
from psycopg import sql

from haystack_tui.store.org_tables import OrgTables


def recent_rows(conn: psycopg.Connection, tables: OrgTables, entity_ids: list[int], since: int
                ) -> list[tuple[int, int, float | None, str | None]]:
    """(entity_id, epoch, value, status) of every point's rows at or after ``since``."""
    return conn.execute(
        sql.SQL("SELECT e, extract(epoch from v.ts)::bigint, coalesce(v.value_n::float8, v.value_b::int::float8),"
                " v.status FROM unnest(%s::int[]) AS e, LATERAL (SELECT ts, value_n, value_b, status FROM {v} x"
                " WHERE x.entity_id = e AND x.ts >= to_timestamp(%s) ORDER BY x.ts) v").format(v=tables.values),
        (entity_ids, since)).fetchall()


def history(conn: psycopg.Connection, tables: OrgTables, entity_id: int, lo: int, hi: int, limit: int = 100_000
            ) -> list[tuple[int, float | None, str | None]]:
    """(epoch, value, status) of one point over ``[lo, hi)``, oldest first."""
    return conn.execute(
        sql.SQL("SELECT extract(epoch from ts)::bigint, coalesce(value_n::float8, value_b::int::float8), status"
                " FROM {v} WHERE entity_id = %s AND ts >= to_timestamp(%s) AND ts < to_timestamp(%s)"
                " ORDER BY ts LIMIT %s").format(v=tables.values), (entity_id, lo, hi, limit)).fetchall()


def current_rows(conn: psycopg.Connection, tables: OrgTables) -> list[tuple[int, int, float | None, str | None]]:
    """(entity_id, epoch, value, status) of the ``_current`` table."""
    return conn.execute(
        sql.SQL("SELECT entity_id, extract(epoch from ts)::bigint, coalesce(value_n::float8, value_b::int::float8),"
                " status FROM {c}").format(c=tables.current)).fetchall()


def extents(conn: psycopg.Connection, tables: OrgTables, entity_ids: list[int]
            ) -> list[tuple[int, int | None, int | None, int]]:
    """(entity_id, first epoch, last epoch, row count) per point, by primary-key scans."""
    return conn.execute(
        sql.SQL("SELECT e, (SELECT extract(epoch from ts)::bigint FROM {v} WHERE entity_id = e ORDER BY ts LIMIT 1),"
                " (SELECT extract(epoch from ts)::bigint FROM {v} WHERE entity_id = e ORDER BY ts DESC LIMIT 1),"
                " (SELECT count(*) FROM {v} WHERE entity_id = e) FROM unnest(%s::int[]) AS e").format(v=tables.values),
        (entity_ids,)).fetchall()
