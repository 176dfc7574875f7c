"""The per-org values tables, ``core.values_<org>`` and ``core.values_<org>_current``.

The org key becomes part of a table name, so it is checked against the strict
pattern again here (defence in depth) and only ever spliced in through
``psycopg.sql.Identifier``. Existing tables (the original platform's, with
``timestamp without time zone``) are used as they are, never altered.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
from psycopg import sql

from haystack_tui.config import ORG_PATTERN
from haystack_tui.errors import ConfigError


_ORG_TABLES_LOCK = 0x4853_5455_4F52  # "HSTUOR"


@dataclass(frozen=True)
class OrgTables:
    org: str
    values_name: str
    current_name: str
    ts_with_tz: bool
    """False for an original-platform table (timestamp without time zone, UTC)."""
    hypertable: bool

    @property
    def values(self) -> sql.Composed:
        return sql.SQL("core.{}").format(sql.Identifier(self.values_name))

    @property
    def current(self) -> sql.Composed:
        return sql.SQL("core.{}").format(sql.Identifier(self.current_name))


def table_names(org: str) -> tuple[str, str]:
    if not ORG_PATTERN.match(org):
        raise ConfigError(f"HAYSTACK_ORG={org!r} is not a valid org key")
    return f"values_{org}", f"values_{org}_current"


_COLUMNS = """
    entity_id  integer NOT NULL,
    ts         timestamptz NOT NULL,
    value_n    numeric,
    value_b    boolean,
    value_s    varchar,
    value_ts   timestamptz,
    value_dict jsonb,
    status     varchar
"""


def ensure_org_tables(conn: psycopg.Connection, org: str) -> OrgTables:
    """Create the org's tables and org row where missing; describe what exists."""
    values_name, current_name = table_names(org)
    with conn.transaction():
        # CREATE TABLE IF NOT EXISTS is not safe against a concurrent twin (a catalog unique violation),
        # so two commands starting at once take turns here.
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_ORG_TABLES_LOCK,))
        existed = _exists(conn, values_name)
        conn.execute(sql.SQL("CREATE TABLE IF NOT EXISTS core.{} ({}, PRIMARY KEY (entity_id, ts))").format(
            sql.Identifier(values_name), sql.SQL(_COLUMNS)))
        conn.execute(sql.SQL("CREATE TABLE IF NOT EXISTS core.{} ({}, PRIMARY KEY (entity_id))").format(
            sql.Identifier(current_name), sql.SQL(_COLUMNS)))
        hyper = False if existed else _maybe_hypertable(conn, values_name)
        conn.execute(
            "INSERT INTO core.org (name, key, value_table, schema_name) SELECT %s, %s, %s, 'core'"
            " WHERE NOT EXISTS (SELECT 1 FROM core.org WHERE key = %s OR name = %s OR value_table = %s)",
            (org, org, values_name, org, org, values_name),
        )
        ts_type = conn.execute(
            "SELECT data_type FROM information_schema.columns"
            " WHERE table_schema = 'core' AND table_name = %s AND column_name = 'ts'",
            (values_name,),
        ).fetchone()
    return OrgTables(org, values_name, current_name, ts_type is not None and "with time zone" in ts_type[0],
                     hyper or _is_hypertable(conn, values_name))


def describe_org_tables(conn: psycopg.Connection, org: str) -> OrgTables | None:
    """The org's tables as they are, or None when they do not exist (creates nothing)."""
    values_name, current_name = table_names(org)
    if not (_exists(conn, values_name) and _exists(conn, current_name)):
        return None
    ts_type = conn.execute(
        "SELECT data_type FROM information_schema.columns"
        " WHERE table_schema = 'core' AND table_name = %s AND column_name = 'ts'", (values_name,)).fetchone()
    return OrgTables(org, values_name, current_name, ts_type is not None and "with time zone" in ts_type[0],
                     _is_hypertable(conn, values_name))


def _exists(conn: psycopg.Connection, name: str) -> bool:
    return conn.execute("SELECT to_regclass(%s) IS NOT NULL", (f"core.{name}",)).fetchone()[0]


def _maybe_hypertable(conn: psycopg.Connection, name: str) -> bool:
    """Turn a new values table into a hypertable when TimescaleDB is installable."""
    available = conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'").fetchone()
    if not available:
        return False
    conn.execute("CREATE EXTENSION IF NOT EXISTS timescaledb")
    conn.execute("SELECT create_hypertable(%s, 'ts', chunk_time_interval => interval '7 days', if_not_exists => true)",
                 (f"core.{name}",))
    return True


def _is_hypertable(conn: psycopg.Connection, name: str) -> bool:
    if not conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'").fetchone():
        return False
    row = conn.execute(
        "SELECT 1 FROM timescaledb_information.hypertables WHERE hypertable_schema = 'core' AND hypertable_name = %s",
        (name,)).fetchone()
    return row is not None
