"""The continuous service end to end, as a real process on a real database (issue 5).

At speed 900 one simulated 15-minute interval passes per wall second.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg

from tests.helpers import POINTS
from tests.service_process import Service, grid_report


def test_sigterm_exits_0_and_restart_continues_without_gap(settings):
    svc = Service(settings.database_url, settings.data_dir).start()
    try:
        first = svc.wait(lambda s: s["mode"] == "running", what="running")
        svc.wait(lambda s: s["last_tick"] >= first["last_tick"] + 3 * 900, what="three ticks")
        t0 = time.monotonic()
        assert svc.stop(signal.SIGTERM) == 0
        assert time.monotonic() - t0 < 10
    finally:
        svc.stop(signal.SIGKILL)
    with psycopg.connect(settings.database_url) as conn:
        assert conn.execute("SELECT status FROM core.simulator_state WHERE service_name LIKE 'haystack-tui/%'"
                            ).fetchone()[0] == "stopped"
        lock = conn.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'").fetchone()[0]
        assert lock == 0, "the writer lock was released"
    before = grid_report(settings.database_url)
    again = Service(settings.database_url, settings.data_dir).start()
    try:
        again.wait(lambda s: s["mode"] == "running" and s["last_tick"] >= before["last"] + 3 * 900, what="ticks")
    finally:
        assert again.stop() == 0
    after = grid_report(settings.database_url)
    assert after["points"] == POINTS and after["holes"] == 0 and after["off_grid"] == 0
    assert after["first"] == before["first"] and after["last"] > before["last"]


def test_second_instance_stands_by_and_takes_over(settings):
    a = Service(settings.database_url, settings.data_dir).start()
    b = None
    try:
        a.wait(lambda s: s["mode"] == "running", what="A running")
        b = Service(settings.database_url, settings.data_dir).start()
        standby = b.wait(lambda s: s["mode"] == "standby", what="B standby")
        code, health = b.get("/health")
        assert code == 200 and health["status"] == "healthy", "standby is healthy"
        request = urllib.request.Request(f"http://127.0.0.1:{b.port}/control/validate", method="POST",
                                         headers={"Authorization": "Bearer test-token"})
        try:
            urllib.request.urlopen(request, timeout=10)
            raise AssertionError("validation on a standby must be refused")
        except urllib.error.HTTPError as exc:
            assert exc.code == 400 and b"standing by" in exc.read()
        assert standby["counters"].get("rows_written", 0) == 0
        a.stop(signal.SIGKILL)
        killed_at = grid_report(settings.database_url)["last"]
        b.wait(lambda s: s["mode"] == "running" and s["last_tick"] >= killed_at + 3 * 900, timeout=60,
               what="B took over")
    finally:
        a.stop(signal.SIGKILL)
        if b is not None:
            b.stop()
    report = grid_report(settings.database_url)
    assert report["holes"] == 0 and report["off_grid"] == 0 and report["points"] == POINTS


def _start_private_server(data_dir: Path) -> str:
    """Start the embedded server in a fresh process (it keeps running after that process exits)."""
    out = subprocess.run([sys.executable, "-c", "import sys; from haystack_tui.store.embedded import embedded_url;"
                          " print(embedded_url(sys.argv[1]))", str(data_dir)], capture_output=True, text=True,
                         check=True, timeout=60)
    return out.stdout.strip().splitlines()[-1]


def test_database_outage_is_survived(tmp_path):
    from haystack_tui.store.embedded import stop_embedded

    data_dir = Path(tempfile.mkdtemp(prefix="hstui-outage-"))
    os.chmod(data_dir, 0o755)
    try:
        url = _start_private_server(data_dir)
        svc = Service(url, tmp_path / "unused").start()
        try:
            svc.wait(lambda s: s["mode"] == "running", what="running")
            stop_embedded(data_dir)
            down = svc.wait(lambda s: not s["healthy"], timeout=30, what="unhealthy")
            assert "database" in down["reason"]
            code, health = svc.get("/health")
            assert code == 503 and health["status"] == "unhealthy"
            time.sleep(3)                                   # a few simulated intervals pass while down
            _start_private_server(data_dir)
            up = svc.wait(lambda s: s["healthy"] and s["mode"] == "running", timeout=90, what="recovered")
            assert up["counters"].get("errors_database", 0) >= 1
        finally:
            assert svc.stop() == 0
        report = grid_report(url)
        assert report["holes"] == 0 and report["off_grid"] == 0 and report["points"] == POINTS
    finally:
        stop_embedded(data_dir)
        shutil.rmtree(data_dir, ignore_errors=True)


def test_port_in_use_fails_fast_and_writes_nothing(settings):
    blocker = Service(settings.database_url, settings.data_dir)
    import socket

    with socket.socket() as s:
        s.bind(("0.0.0.0", blocker.port))
        s.listen()
        proc = subprocess.run([sys.executable, "-m", "headless"], env=blocker.env, capture_output=True, text=True,
                              timeout=60)
    assert proc.returncode == 1
    assert "already in use" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    with psycopg.connect(settings.database_url) as conn:
        assert conn.execute("SELECT to_regclass('core.values_demo')").fetchone()[0] is None
