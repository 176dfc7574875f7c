"""The one-shot operations behind the CLI: init, status, backfill.

Front ends call these; they never see SQL. Each opens its own connection and
returns plain data the caller renders.
"""

from __future__ import annotations

import contextlib
from datetime import datetime, timezone
from typing import Any, Callable, Iterator

import psycopg

from haystack_tui.config import Settings
from haystack_tui.engine.backfill import BackfillProgress, BackfillResult, run_backfill
from haystack_tui.engine.setup import Prepared, prepare
from haystack_tui.errors import RuntimeFailure
from haystack_tui.model import Building, load_building
from haystack_tui.store import inspect as inspect_db
from haystack_tui.store.connect import Database, first_line, resolve_database
from haystack_tui.store.state import lock_holder, lock_key, service_name, try_lock, unlock


@contextlib.contextmanager
def database_errors(db: Database) -> Iterator[None]:
    """Turn driver errors into one line naming the server, password masked."""
    try:
        yield
    except psycopg.errors.InsufficientPrivilege as exc:
        raise RuntimeFailure(f"the database user may not do this on {db.masked}: {first_line(exc)}") from None
    except psycopg.Error as exc:
        raise RuntimeFailure(f"database error on {db.masked}: {first_line(exc)}") from None


def init_database(settings: Settings, building: Building | None = None) -> tuple[Database, Prepared]:
    building = building or load_building(settings.building)
    db = resolve_database(settings)
    with db.connect() as conn, database_errors(db):
        return db, prepare(conn, building, settings.org)


def database_status(settings: Settings, building: Building | None = None) -> dict[str, Any]:
    building = building or load_building(settings.building)
    db = resolve_database(settings)
    with db.connect() as conn, database_errors(db):
        counts = inspect_db.entity_counts(conn, settings.org)
        values = inspect_db.values_summary(conn, settings.org)
        state = inspect_db.state_row(conn, service_name(settings.org, building.site_id))
        initialised = inspect_db.schema_present(conn)
    last = values["last_timestamp"]
    return {
        "database": {"url": db.masked, "embedded": db.embedded},
        "org": settings.org,
        "site": building.site_id,
        "initialized": initialised,
        "counts": counts,
        "last_timestamp": _iso(last),
        "rows_estimate": values["rows_estimate"],
        "state": None if state is None else {
            "status": state["status"], "last_timestamp": _iso(state["last_timestamp"]),
            "totalizers": state["totalizers"], "error": state["error"], "updated_at": _iso(state["updated_at"]),
        },
    }


def backfill(settings: Settings, lo: int, hi: int, *, progress: Callable[[BackfillProgress], None] | None = None,
             should_stop: Callable[[], bool] | None = None, building: Building | None = None) -> BackfillResult:
    """Initialise if needed, take the writer lock, fill ``[lo, hi)``."""
    building = building or load_building(settings.building)
    db = resolve_database(settings)
    with db.connect() as conn, database_errors(db):
        prepared = prepare(conn, building, settings.org)
        with db.connect(autocommit=True) as lock_conn:
            key = lock_key(settings.org, building.site_id)
            if not try_lock(lock_conn, key):
                pid = lock_holder(lock_conn, key)
                raise RuntimeFailure(
                    f"another haystack-tui instance (database backend pid {pid}) is writing {settings.org}/"
                    f"{building.site_id}; use its /control/backfill or stop it first")
            try:
                return run_backfill(conn, prepared, settings.seed, lo, hi, progress=progress, should_stop=should_stop)
            finally:
                with contextlib.suppress(psycopg.Error):
                    unlock(lock_conn, key)


def _iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with a Z; naive values (original-platform columns) are UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def run_validation(settings: Settings, lo: int, hi: int, *, running: bool = False, now: float | None = None,
                   building: Building | None = None) -> tuple[Database, list]:
    """Run the validation suite read-only over ``[lo, hi)``; returns (database, results)."""
    import time as _time

    from haystack_tui.engine.setup import attach
    from haystack_tui.validate import run_suite

    building = building or load_building(settings.building)
    db = resolve_database(settings)
    with db.connect(autocommit=True) as conn, database_errors(db):
        prepared = attach(conn, building, settings.org)
        return db, run_suite(conn, prepared, lo, hi, running=running, now=_time.time() if now is None else now)


def stored_span(settings: Settings, building: Building | None = None) -> tuple[int, int]:
    """The oldest and newest stored instants of the building's points (RuntimeFailure when none)."""
    from haystack_tui.engine.setup import attach
    from haystack_tui.store.detect import first_timestamp, last_timestamp

    building = building or load_building(settings.building)
    db = resolve_database(settings)
    with db.connect(autocommit=True) as conn, database_errors(db):
        prepared = attach(conn, building, settings.org)
        newest = last_timestamp(conn, prepared.tables, prepared.point_entity_ids)
        oldest = first_timestamp(conn, prepared.tables, prepared.point_entity_ids)
    if newest is None or oldest is None:
        raise RuntimeFailure(f"no values stored for org {settings.org!r}: nothing to validate"
                             " (run 'haystack-tui backfill' first)")
    return oldest, newest
