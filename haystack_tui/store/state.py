"""The simulator's own rows: the state row, the activity log, the writer lock.

One state row per (org, site), named ``haystack-tui/<org>/<site>``; the
original platform's rows (other names) are never touched. The single-writer
rule is a PostgreSQL session advisory lock keyed by (org, site): it dies with
the holder's connection, so a killed writer frees it at once.
"""

from __future__ import annotations

import json
import zlib
from datetime import datetime
from typing import Any

import psycopg
from psycopg.types.json import Jsonb


def service_name(org: str, site_id: str) -> str:
    return f"haystack-tui/{org}/{site_id}"


def lock_key(org: str, site_id: str) -> int:
    """A stable signed 64-bit advisory-lock key for (org, site)."""
    digest = zlib.crc32(service_name(org, site_id).encode()) | (0x4854 << 32)
    return digest - (1 << 63) if digest >= (1 << 63) else digest


def try_lock(conn: psycopg.Connection, key: int) -> bool:
    """Take the writer lock on ``conn`` (autocommit session) if it is free."""
    return bool(conn.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()[0])


def unlock(conn: psycopg.Connection, key: int) -> None:
    conn.execute("SELECT pg_advisory_unlock(%s)", (key,))


def lock_holder(conn: psycopg.Connection, key: int) -> int | None:
    """PID of the backend holding the writer lock, or None."""
    hi, lo = (key >> 32) & 0xFFFFFFFF, key & 0xFFFFFFFF
    row = conn.execute(
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted"
        " AND classid::bigint = %s AND objid::bigint = %s AND objsubid = 1",
        (hi, lo),
    ).fetchone()
    return row[0] if row else None


def read_state(conn: psycopg.Connection, name: str) -> dict[str, Any] | None:
    row = conn.execute(
        "SELECT last_run_timestamp, totalizers, status, config, error_message, updated_at"
        " FROM core.simulator_state WHERE service_name = %s", (name,)).fetchone()
    if row is None:
        return None
    keys = ("last_timestamp", "totalizers", "status", "config", "error", "updated_at")
    return dict(zip(keys, row))


def save_state(conn: psycopg.Connection, name: str, *, status: str | None = None,
               last_ts: datetime | None = None, totalizers: dict[str, float] | None = None,
               error: str | None = None, clear_error: bool = False, config: dict | None = None) -> None:
    """Upsert the state row. ``last_ts`` only ever moves forward; totalizers go with it."""
    conn.execute(
        "INSERT INTO core.simulator_state (service_name, status, last_run_timestamp, totalizers, config,"
        " error_message) VALUES (%(n)s, coalesce(%(s)s, 'initialized'), %(t)s, %(z)s, %(c)s, %(e)s)"
        " ON CONFLICT (service_name) WHERE service_name LIKE 'haystack-tui/%%' DO UPDATE SET"
        " status = coalesce(%(s)s, simulator_state.status),"
        " totalizers = CASE WHEN %(t)s::timestamptz IS NOT NULL AND (simulator_state.last_run_timestamp IS NULL"
        "   OR %(t)s::timestamptz >= simulator_state.last_run_timestamp) THEN coalesce(%(z)s, simulator_state.totalizers)"
        "   ELSE simulator_state.totalizers END,"
        " last_run_timestamp = greatest(simulator_state.last_run_timestamp, %(t)s::timestamptz),"
        " config = coalesce(%(c)s, simulator_state.config),"
        " error_message = CASE WHEN %(clear)s THEN NULL ELSE coalesce(%(e)s, simulator_state.error_message) END,"
        " updated_at = now()",
        {"n": name, "s": status, "t": last_ts, "z": Jsonb(totalizers) if totalizers is not None else None,
         "c": Jsonb(config) if config is not None else None, "e": error, "clear": clear_error},
    )


def log_activity(conn: psycopg.Connection, event_type: str, message: str, details: dict | None = None) -> None:
    conn.execute(
        "INSERT INTO core.simulator_activity_log (event_type, message, details) VALUES (%s, %s, %s)",
        (event_type[:50], message, Jsonb(json.loads(json.dumps(details, default=str))) if details else None),
    )
