"""Ordered SQL migrations from ``schema/``, applied once each, idempotently.

The files ship inside the wheel as ``haystack_tui/_schema``; from a source
checkout they are read from the top-level ``schema/`` folder. Concurrent
starters serialise on an advisory lock, so two commands starting at once
apply each migration exactly once.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import psycopg

from haystack_tui.errors import RuntimeFailure

_MIGRATION_LOCK = 0x4853_5455_4D49  # arbitrary constant: "HSTUMI"
_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


def schema_files() -> list[tuple[int, str, str]]:
    """(version, name, sql) of every migration, in order."""
    root = _schema_root()
    found = []
    for entry in root.iterdir():
        m = _NAME.match(entry.name)
        if m:
            found.append((int(m.group(1)), entry.name, entry.read_text("utf-8")))
    return sorted(found)


def _schema_root():
    packaged = resources.files("haystack_tui").joinpath("_schema")
    if packaged.is_dir():
        return packaged
    source = Path(__file__).resolve().parents[2] / "schema"
    if source.is_dir():
        return source
    raise RuntimeFailure("the schema files are missing from this installation")  # pragma: no cover


def migrate(conn: psycopg.Connection) -> list[str]:
    """Apply pending migrations; return the names applied (empty when up to date)."""
    applied: list[str] = []
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
        conn.execute("CREATE SCHEMA IF NOT EXISTS core")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS core.haystack_tui_schema ("
            " version integer PRIMARY KEY, name text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = {r[0] for r in conn.execute("SELECT version FROM core.haystack_tui_schema")}
        for version, name, sql_text in schema_files():
            if version in done:
                continue
            conn.execute(sql_text)
            conn.execute("INSERT INTO core.haystack_tui_schema (version, name) VALUES (%s, %s)", (version, name))
            applied.append(name)
    return applied
