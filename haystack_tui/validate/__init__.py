"""Data-quality checks over a window of stored values: each a function returning a ``CheckResult``.

``run_suite`` reads one consistent snapshot (a read-only REPEATABLE READ
transaction), so a live writer committing meanwhile cannot make ``_current``
and the values table disagree, and fetches the window's rows once for all
the checks that need values. A check that breaks (a bug, a surprising
table) becomes a failed result naming the exception; the others still run.
Connection failures propagate: the caller reports the database as down.

Reads through ``psycopg`` and ``haystack_tui.store``; never imports a front end.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Callable, Iterator

import psycopg

from haystack_tui.timegrid import align_up
from haystack_tui.validate import coherence, completeness, cooling, freshness, integrity, quality, ranges, totalizers
from haystack_tui.validate.result import CheckResult
from haystack_tui.validate.window import Window

if TYPE_CHECKING:
    from haystack_tui.engine.setup import Prepared

__all__ = ["CHECKS", "CheckResult", "run_suite"]

CHECKS: tuple[tuple[str, Callable[[Window], CheckResult]], ...] = (
    ("gaps", completeness.check_gaps),
    ("duplicates", completeness.check_duplicates),
    ("grid", completeness.check_grid),
    ("totalizers", totalizers.check_totalizers),
    ("ranges", ranges.check_ranges),
    ("coherence.airflow", coherence.check_airflow),
    ("coherence.cooling", cooling.check_cooling),
    ("coherence.power", coherence.check_power),
    ("coherence.gas", coherence.check_gas),
    ("quality.rates", quality.check_rates),
    ("quality.status", quality.check_status),
    ("freshness", freshness.check_freshness),
    ("integrity.refs", integrity.check_refs),
    ("integrity.unknown", integrity.check_unknown),
    ("integrity.current", integrity.check_current),
)
"""Every check, in the order they are reported."""


def run_suite(conn: psycopg.Connection, prepared: Prepared, lo: int, hi: int, *, running: bool,
              now: float) -> list[CheckResult]:
    """Run every check over ``[lo, hi)`` (epoch seconds, aligned up to the grid)."""
    window = Window(conn, prepared, align_up(lo), align_up(hi), running=running, now=now)
    with snapshot(conn):
        return [_run(name, check, window) for name, check in CHECKS]


@contextlib.contextmanager
def snapshot(conn: psycopg.Connection) -> Iterator[None]:
    """One read-only REPEATABLE READ transaction, or a savepoint in the caller's open transaction."""
    idle = conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
    with conn.transaction():
        if idle:
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _run(name: str, check: Callable[[Window], CheckResult], window: Window) -> CheckResult:
    try:
        with window.conn.transaction():  # a savepoint: a failing query leaves the snapshot usable
            return check(window)
    except (psycopg.OperationalError, psycopg.InterfaceError):
        raise
    except Exception as exc:  # noqa: BLE001 - reported as this check's failure, the rest still run
        return CheckResult(name, False, "error", f"check could not run: {exc.__class__.__name__}: {exc}")
