"""Whole-command behaviour that only shows across processes (issues 2, 4 and 5)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg

from tests.helpers import POINTS, count_values, wait_for_first_chunk
from tests.service_process import Service


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL" and not k.startswith("HAYSTACK_")}
    env.update(extra)
    return env


def test_two_commands_start_the_embedded_server_at_once():
    from haystack_tui.store.embedded import stop_embedded

    data = Path(tempfile.mkdtemp(prefix="hstui-twice-"))
    os.chmod(data, 0o755)
    try:
        env = _env(HAYSTACK_DATA_DIR=str(data))
        procs = [subprocess.Popen([sys.executable, "-m", "haystack_tui", "init"], env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(2)]
        results = [p.communicate(timeout=120) for p in procs]
        assert [p.returncode for p in procs] == [0, 0], results
        created = sorted(int(out.split(": ")[1].split()[0]) for out, _ in results)
        assert created[0] == 0 and created[1] > 400, "one created the building, the other found it"
        url = subprocess.run([sys.executable, "-m", "haystack_tui", "db-url", "--show-password"], env=env,
                             capture_output=True, text=True, check=True).stdout.strip()
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT count(*) FROM core.entity").fetchone()[0] == created[1]
    finally:
        stop_embedded(data)
        shutil.rmtree(data, ignore_errors=True)


def test_ctrl_c_stops_backfill_after_a_whole_chunk(settings):
    env = _env(DATABASE_URL=settings.database_url, HAYSTACK_DATA_DIR=str(settings.data_dir))
    args = [sys.executable, "-m", "haystack_tui", "backfill", "--start", "2026-01-01", "--end", "2026-03-01"]
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for_first_chunk(settings.database_url)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, err
    assert out.startswith("stopped after") and "Traceback" not in err
    stored = count_values(settings.database_url)
    assert 0 < stored < 59 * 96 * POINTS and stored % (7 * 96 * POINTS) == 0, "whole one-week chunks only"
    with psycopg.connect(settings.database_url) as conn:
        last = conn.execute("SELECT extract(epoch from last_run_timestamp)::bigint FROM core.simulator_state"
                            " WHERE service_name LIKE 'haystack-tui/%'").fetchone()[0]
        newest = conn.execute("SELECT extract(epoch from max(ts))::bigint FROM core.values_demo").fetchone()[0]
    assert last == newest, "the state row records exactly what was committed"
    again = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0 and count_values(settings.database_url) == 59 * 96 * POINTS


def test_service_logs_json_lines_when_not_a_terminal(settings):
    svc = Service(settings.database_url, settings.data_dir).start()
    try:
        svc.wait(lambda s: s["mode"] == "running", what="running")
    finally:
        assert svc.stop() == 0
    lines = [line for line in svc.output().splitlines() if line.strip()]
    assert lines, "the service logged something"
    for line in lines:
        record = json.loads(line)
        assert {"ts", "level", "logger", "msg"} <= record.keys()
    assert any(r["msg"].startswith("listening on") for r in map(json.loads, lines))
