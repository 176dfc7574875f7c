"""Backfill: exact, idempotent, order-independent, crash-safe (issue 4)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import numpy as np
import psycopg
import pytest

from haystack_tui.engine.commands import backfill, database_status
from haystack_tui.engine.plan import Chunk, plan_chunks, runs
from haystack_tui.errors import ConfigError
from haystack_tui.store.urls import mask_url
from haystack_tui.timegrid import DAY, INTERVAL, parse_instant, resolve_range
from tests.fix_database import create_database, drop_database
from tests.helpers import POINTS, count_values, dump_values, wait_for_first_chunk

T0 = parse_instant("2026-03-01", "t0")


def test_plan_chunks_is_pure_and_ordered():
    missing = np.array([0, 900, 1800, 5400, 6300], dtype=np.int64) + T0
    assert runs(missing) == [(T0, 3), (T0 + 5400, 2)]
    chunks = plan_chunks(missing, chunk_intervals=2)
    assert chunks == [Chunk(T0, 2, True), Chunk(T0 + 1800, 1, False), Chunk(T0 + 5400, 2, True)]
    assert plan_chunks(np.empty(0, dtype=np.int64)) == []


def test_resolve_range_rejects_bad_input():
    now = T0 + 3600
    assert resolve_range(now, days=1) == (T0 + 4500 - DAY, T0 + 4500)
    for kwargs in ({"days": -1}, {"start": "yesterday"}, {"start": "2026-03-02", "end": "2026-03-01"},
                   {"days": 2, "start": "2026-03-01"}):
        with pytest.raises(ConfigError):
            resolve_range(now, **kwargs)


def test_split_backfill_equals_single_run(settings, server_url):
    mid, end = T0 + DAY, T0 + 2 * DAY
    first = backfill(settings, mid, end)             # the later half first,
    second = backfill(settings, T0, mid)             # then the earlier half: order must not matter
    assert first.rows + second.rows == 2 * 96 * POINTS
    other = create_database(server_url)
    try:
        single = backfill(settings.with_overrides(database_url=other), T0, end)
        assert single.rows == first.rows + second.rows
        assert dump_values(settings.database_url) == dump_values(other)
    finally:
        drop_database(server_url, other)


def test_rerun_changes_nothing(settings):
    backfill(settings, T0, T0 + DAY)
    before = dump_values(settings.database_url)
    again = backfill(settings, T0, T0 + DAY)
    assert again.rows == 0 and again.missing == 0
    assert dump_values(settings.database_url) == before


def test_holes_are_found_and_filled(settings, server_url):
    backfill(settings, T0, T0 + DAY)
    reference = dump_values(settings.database_url)
    with psycopg.connect(settings.database_url) as conn:
        conn.execute("DELETE FROM core.values_demo WHERE ts >= to_timestamp(%s) AND ts < to_timestamp(%s)",
                     (T0 + 6 * 3600, T0 + 8 * 3600))
        # one point loses a single row elsewhere: a partial interval
        conn.execute("DELETE FROM core.values_demo WHERE ts = to_timestamp(%s) AND entity_id ="
                     " (SELECT min(entity_id) FROM core.values_demo)", (T0 + 12 * 3600,))
    result = backfill(settings, T0, T0 + DAY)
    assert result.missing == 9 and result.rows == 8 * POINTS + 1
    assert dump_values(settings.database_url) == reference


def test_totalizers_continue_without_jump(settings):
    backfill(settings, T0, T0 + DAY)
    backfill(settings, T0 + DAY, T0 + 2 * DAY)
    rows = [r for r in dump_values(settings.database_url) if r[0] == "point-meter-main-electric-energy"]
    power = {r[1]: float(r[2]) for r in dump_values(settings.database_url) if r[0] == "point-meter-main-electric-power"}
    readings = [(t, float(v)) for _, t, v, _, _ in rows]
    assert len(readings) == 192
    for (t0, a), (t1, b) in zip(readings, readings[1:]):
        assert t1 - t0 == INTERVAL
        assert b >= a
        assert abs((b - a) - power[t1] * 0.25) <= 0.05 + 1e-9


def test_status_reports_counts_and_last_timestamp(settings):
    backfill(settings, T0, T0 + 3600)
    status = database_status(settings)
    assert status["counts"] == {"sites": 1, "equips": 60, "points": POINTS}
    assert status["last_timestamp"] == "2026-03-01T00:45:00Z"
    assert status["state"]["status"] in ("initialized", "stopped", "running")
    assert status["database"]["embedded"] is False
    assert status["database"]["url"] == mask_url(settings.database_url)


def _cli(settings, *args, **popen):
    env = {**os.environ, "DATABASE_URL": settings.database_url, "HAYSTACK_DATA_DIR": str(settings.data_dir)}
    return subprocess.Popen([sys.executable, "-m", "haystack_tui", *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **popen)


def test_sigkill_mid_backfill_then_rerun_is_exact(settings, server_url):
    start, end = "2026-01-01T00:00Z", "2026-02-20T00:00Z"     # 50 days: several chunks
    proc = _cli(settings, "backfill", "--start", start, "--end", end)
    wait_for_first_chunk(settings.database_url)  # kill as soon as the first chunk has committed
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = count_values(settings.database_url)
    assert 0 < partial < 50 * 96 * POINTS, "killed mid-run"
    assert partial % (96 * POINTS * 7) == 0, "only whole chunks (one week each) were committed"
    done = _cli(settings, "backfill", "--start", start, "--end", end)
    out, err = done.communicate(timeout=300)
    assert done.returncode == 0, err
    other = create_database(server_url)
    try:
        clean = _cli(settings.with_overrides(database_url=other), "backfill", "--start", start, "--end", end)
        clean.communicate(timeout=300)
        assert dump_values(settings.database_url) == dump_values(other)
    finally:
        drop_database(server_url, other)


def test_cli_backfill_errors_exit_2(settings):
    for args in (["--days", "-1"], ["--start", "garbage"], ["--start", "2026-02-01", "--end", "2026-01-01"]):
        p = _cli(settings, "backfill", *args)
        out, err = p.communicate(timeout=60)
        assert p.returncode == 2, (args, err)
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert count_values_or_none(settings.database_url) is None, "nothing was written"


def count_values_or_none(url):
    with psycopg.connect(url) as conn:
        if conn.execute("SELECT to_regclass('core.values_demo')").fetchone()[0] is None:
            return None
    return count_values(url)
