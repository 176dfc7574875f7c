"""Helpers shared by database tests: dumping stored values in a comparable form."""

from __future__ import annotations

import psycopg
from psycopg import sql

ID_SQL = ("SELECT et.entity_id, et.value_s FROM core.entity_tag et JOIN core.tag_def d ON d.id = et.tag_id"
          " WHERE d.name = 'id'")


def dump_values(url_or_conn, org: str = "demo") -> list[tuple]:
    """Every stored row as (point id, epoch, value text, bool, status), sorted.

    Entity ids differ between databases, so rows are keyed by Haystack id;
    values compare as PostgreSQL prints them, i.e. exactly as stored.
    """
    conn = psycopg.connect(url_or_conn) if isinstance(url_or_conn, str) else url_or_conn
    try:
        rows = conn.execute(sql.SQL(
            "SELECT i.value_s, extract(epoch from v.ts)::bigint, v.value_n::text, v.value_b, v.status"
            " FROM core.{} v JOIN (" + ID_SQL + ") i ON i.entity_id = v.entity_id ORDER BY 1, 2").format(
            sql.Identifier(f"values_{org}"))).fetchall()
    finally:
        if isinstance(url_or_conn, str):
            conn.close()
    return rows


def count_values(url: str, org: str = "demo") -> int:
    with psycopg.connect(url) as conn:
        return conn.execute(sql.SQL("SELECT count(*) FROM core.{}").format(sql.Identifier(f"values_{org}"))).fetchone()[0]


def wait_for_first_chunk(url: str, timeout: float = 120.0) -> None:
    """Return as soon as a backfill has committed its first chunk (the state row records it)."""
    import time

    deadline = time.time() + timeout
    with psycopg.connect(url, autocommit=True) as watch:
        while time.time() < deadline:
            try:
                row = watch.execute("SELECT last_run_timestamp FROM core.simulator_state"
                                    " WHERE service_name LIKE 'haystack-tui/%'").fetchone()
            except psycopg.errors.UndefinedTable:
                row = None
            if row and row[0] is not None:
                return
            time.sleep(0.005)
    raise AssertionError("no chunk was committed in time")


def _points() -> int:
    from haystack_tui.model import load_building

    return len(load_building().points)


POINTS = _points()
"""Points of the default building: rows per interval."""
