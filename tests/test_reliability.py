"""Reliability under faults (issue 8): nothing lost, nothing duplicated.

Each fault test ends the same way: the stored rows equal, row for row, a
clean backfill of the same span into a fresh database, and the validation
suite passes. Marked ``slow``; CI runs them all the same.
"""

from __future__ import annotations

import asyncio
import random
import signal
import time

import pytest

from haystack_tui.engine.clock import SimClock
from haystack_tui.engine.commands import backfill, run_validation
from haystack_tui.engine.compose import build_engine
from haystack_tui.timegrid import INTERVAL
from tests.fix_database import create_database, drop_database
from tests.helpers import POINTS, dump_values
from tests.service_process import Service, grid_report

pytestmark = pytest.mark.slow


def assert_equals_clean_backfill(settings, server_url) -> dict:
    """Stored rows == a fresh backfill of [first, last]; returns the grid report."""
    report = grid_report(settings.database_url)
    assert report["holes"] == 0 and report["off_grid"] == 0 and report["points"] == POINTS, report
    other = create_database(server_url)
    try:
        backfill(settings.with_overrides(database_url=other), report["first"], report["last"] + INTERVAL)
        assert dump_values(settings.database_url) == dump_values(other)
    finally:
        drop_database(server_url, other)
    return report


def assert_validation_passes(settings, report) -> None:
    _, results = run_validation(settings, max(report["first"], report["last"] + INTERVAL - 7 * 86400),
                                report["last"] + INTERVAL, running=False)
    failed = [(r.name, r.figure) for r in results if not r.passed and r.severity == "error"]
    assert not failed, failed


def test_repeated_sigkill_then_restart(settings, server_url):
    rng = random.Random(8)
    kills = []
    for i in range(10):
        svc = Service(settings.database_url, settings.data_dir, history_days=2).start()
        delay = rng.uniform(0.5, 4.0)          # start-up backfill, between ticks, or inside a tick
        time.sleep(delay)
        status = svc.status()
        kills.append((round(delay, 2), status and status["mode"]))
        svc.stop(signal.SIGKILL)
    svc = Service(settings.database_url, settings.data_dir, history_days=2).start()
    try:
        first = svc.wait(lambda s: s["mode"] == "running", what="running after the kills")
        svc.wait(lambda s: s["last_tick"] >= first["last_tick"] + 2 * INTERVAL, what="ticks")
    finally:
        assert svc.stop() == 0
    report = assert_equals_clean_backfill(settings, server_url)
    assert_validation_passes(settings, report)
    assert any(mode in ("starting", "backfilling", None) for _, mode in kills), kills
    assert any(mode == "running" for _, mode in kills), kills


def test_three_instances_killed_in_turn_one_writer_at_a_time(settings, server_url):
    services = [Service(settings.database_url, settings.data_dir).start() for _ in range(3)]
    try:
        for victim in range(3):
            alive = [s for s in services if s.proc.poll() is None]
            writer = None
            deadline = time.monotonic() + 60
            while writer is None and time.monotonic() < deadline:
                modes = {s: (s.status() or {}).get("mode") for s in alive}
                writers = [s for s, m in modes.items() if m in ("running", "backfilling")]
                assert len(writers) <= 1, f"two writers at once: {modes.values()}"
                writer = writers[0] if writers else None
                time.sleep(0.2)
            assert writer is not None, "no instance took the writer lock"
            others = [s for s in alive if s is not writer]
            for s in others:
                s.wait(lambda st: st["mode"] == "standby", timeout=30, what="standby")
            last = writer.wait(lambda st: st["mode"] == "running", what="writer running")["last_tick"]
            writer.wait(lambda st: st["last_tick"] >= last + 2 * INTERVAL, what="writer ticks")
            writer.stop(signal.SIGKILL)
    finally:
        for s in services:
            s.stop(signal.SIGKILL)
    assert_equals_clean_backfill(settings, server_url)


def test_repeated_database_outages(tmp_path, server_url):
    """The private server dies three times under a running service; each time it recovers."""
    import os
    import shutil
    import tempfile
    from pathlib import Path

    from haystack_tui.config import Settings
    from haystack_tui.store.embedded import stop_embedded
    from tests.test_engine_service import _start_private_server

    data_dir = Path(tempfile.mkdtemp(prefix="hstui-outages-"))
    os.chmod(data_dir, 0o755)
    try:
        url = _start_private_server(data_dir)
        svc = Service(url, tmp_path / "unused").start()
        unhealthy_seen = 0
        try:
            svc.wait(lambda s: s["mode"] == "running", what="running")
            for _ in range(3):
                stop_embedded(data_dir)
                svc.wait(lambda s: not s["healthy"], timeout=30, what="unhealthy")
                unhealthy_seen += 1
                time.sleep(2)
                _start_private_server(data_dir)
                svc.wait(lambda s: s["healthy"] and s["mode"] == "running", timeout=90, what="recovered")
        finally:
            assert svc.stop() == 0
        assert unhealthy_seen == 3
        settings = Settings(database_url=url, data_dir=tmp_path / "d")
        report = assert_equals_clean_backfill(settings, url)
        assert_validation_passes(settings, report)
    finally:
        stop_embedded(data_dir)
        shutil.rmtree(data_dir, ignore_errors=True)


def test_stopped_for_a_simulated_week_catches_up(settings, server_url):
    svc = Service(settings.database_url, settings.data_dir, history_days=1).start()
    try:
        svc.wait(lambda s: s["mode"] == "running", what="running")
    finally:
        svc.stop()
    before = grid_report(settings.database_url)
    # A week later on the simulated clock: speed 1 at a wall clock a week ahead of the stored data.
    week_later = before["last"] + 7 * 86400
    t_start = time.time()
    clock = SimClock(1.0, wall=lambda: week_later + (time.time() - t_start))

    async def run() -> float:
        engine = build_engine(settings, clock=clock)
        t0 = time.perf_counter()
        await engine.start()
        while engine.snapshot.mode != "running" or (engine.snapshot.last_tick or 0) < week_later - INTERVAL:
            await asyncio.sleep(0.05)
            assert time.perf_counter() - t0 < 120
        elapsed = time.perf_counter() - t0
        await engine.stop()
        return elapsed

    elapsed = asyncio.run(run())
    rows = 7 * 96 * POINTS
    assert rows / elapsed >= 50_000, f"catch-up of a week took {elapsed:.1f} s"
    assert_equals_clean_backfill(settings, server_url)


def test_clock_steps_backwards_and_forwards(settings, server_url):
    offset = [0.0]
    base = time.time()
    clock = SimClock(900.0, wall=lambda: time.time() + offset[0], anchor_sim=base)

    async def run() -> dict:
        engine = build_engine(settings.with_overrides(history_days=1), clock=clock)
        await engine.start()

        async def until(pred, timeout=60):
            t0 = time.monotonic()
            while not pred(engine.snapshot):
                assert time.monotonic() - t0 < timeout, engine.snapshot.mode
                await asyncio.sleep(0.05)

        await until(lambda s: s.mode == "running")
        t = engine.snapshot.last_tick
        await until(lambda s: s.last_tick >= t + 3 * INTERVAL)
        offset[0] -= 8.0                       # back two simulated hours
        await asyncio.sleep(3)
        t = engine.snapshot.last_tick
        offset[0] += 40.0                      # forward ten simulated hours
        await until(lambda s: s.last_tick >= t + 10 * 3600 // INTERVAL * INTERVAL)
        snap = engine.snapshot
        await engine.stop()
        return snap.counters

    counters = asyncio.run(run())
    assert counters.get("errors", 0) == 0, counters
    assert_equals_clean_backfill(settings, server_url)


def test_token_and_password_never_leak(settings):
    from psycopg.conninfo import make_conninfo

    # Trust authentication accepts (and ignores) the password, so it can be a real secret in the URL.
    secret_url = make_conninfo(settings.database_url, password="hunter2-secret")
    svc = Service(secret_url, settings.data_dir).start()
    try:
        status = svc.wait(lambda s: s["mode"] == "running", what="running")
        assert "***" in status["database"]
        code, full = svc.get("/status")
        assert code == 200 and "test-token" not in str(full) and "hunter2-secret" not in str(full)
    finally:
        svc.stop()
    output = svc.output()
    assert "test-token" not in output and "hunter2-secret" not in output
