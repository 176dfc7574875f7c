"""Reliability figures: how fast faults are noticed and recovered from.

Usage: python bench/reliability.py [--repeats 3]

Each run uses real processes (``python -m headless`` at speed 900) on a
private embedded PostgreSQL:
  - outage: the database is stopped under a running service; seconds until
    /health says unhealthy, and seconds from the database's restart until the
    service is healthy and writing again;
  - takeover: the writer is SIGKILLed while a standby waits; seconds until
    the standby is running;
  - catch-up: a service stopped for a simulated week restarts; rows/s of the
    catch-up backfill as the engine reports it.
Medians over ``--repeats`` runs are printed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.service_process import Service  # noqa: E402


def start_server(data_dir: Path) -> str:
    out = subprocess.run([sys.executable, "-c", "import sys; from haystack_tui.store.embedded import embedded_url;"
                          " print(embedded_url(sys.argv[1]))", str(data_dir)], capture_output=True, text=True,
                         check=True)
    return out.stdout.strip().splitlines()[-1]


def outage(data_dir: Path, url: str) -> tuple[float, float]:
    from haystack_tui.store.embedded import stop_embedded

    svc = Service(url, data_dir / "x").start()
    try:
        svc.wait(lambda s: s["mode"] == "running")
        t0 = time.monotonic()
        stop_embedded(data_dir)
        svc.wait(lambda s: not s["healthy"], timeout=60)
        detect = time.monotonic() - t0
        start_server(data_dir)
        t1 = time.monotonic()
        last = svc.status()["last_tick"]
        svc.wait(lambda s: s["healthy"] and s["mode"] == "running" and s["last_tick"] > last, timeout=120)
        return detect, time.monotonic() - t1
    finally:
        svc.stop()


def takeover(data_dir: Path, url: str) -> float:
    a = Service(url, data_dir / "x").start()
    b = Service(url, data_dir / "x")
    try:
        a.wait(lambda s: s["mode"] == "running")
        b.start().wait(lambda s: s["mode"] == "standby")
        t0 = time.monotonic()
        a.stop(signal.SIGKILL)
        b.wait(lambda s: s["mode"] == "running", timeout=60)
        return time.monotonic() - t0
    finally:
        a.stop(signal.SIGKILL)
        b.stop()


def catch_up(data_dir: Path, url: str) -> float:
    """A week's gap, then a restart at real speed: the engine's own rows/s for the catch-up."""
    import asyncio

    from haystack_tui.config import Settings
    from haystack_tui.engine.clock import SimClock
    from haystack_tui.engine.commands import backfill
    from haystack_tui.engine.compose import build_engine
    from haystack_tui.timegrid import DAY, align_down

    settings = Settings(database_url=url, history_days=1)
    now = align_down(time.time())
    backfill(settings, now - 8 * DAY, now - 7 * DAY)
    clock = SimClock(1.0)

    async def run() -> float:
        engine = build_engine(settings, clock=clock)
        await engine.start()
        while not any(e.kind == "backfill_done" for e in engine.recent_events()):
            await asyncio.sleep(0.05)
        rate = next(e for e in engine.recent_events() if e.kind == "backfill_done").details["rows_per_s"]
        await engine.stop()
        return rate

    return asyncio.run(run())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    from haystack_tui.store.embedded import stop_embedded

    detects, recoveries, takeovers, rates = [], [], [], []
    for _ in range(args.repeats):
        data_dir = Path(tempfile.mkdtemp(prefix="hstui-rel-"))
        os.chmod(data_dir, 0o755)
        try:
            url = start_server(data_dir)
            d, r = outage(data_dir, url)
            detects.append(d)
            recoveries.append(r)
            takeovers.append(takeover(data_dir, url))
            with __import__("psycopg").connect(url, autocommit=True) as conn:
                conn.execute("DROP DATABASE IF EXISTS catchup WITH (FORCE)")
                conn.execute("CREATE DATABASE catchup")
            rates.append(catch_up(data_dir, url.replace("/postgres?", "/catchup?")))
        finally:
            stop_embedded(data_dir)
            shutil.rmtree(data_dir, ignore_errors=True)
    med = statistics.median
    print(f"database outage noticed (/health 503) after: median {med(detects):.1f} s"
          f" (runs: {', '.join(f'{x:.1f}' for x in detects)})")
    print(f"database back -> healthy and writing again: median {med(recoveries):.1f} s"
          f" (runs: {', '.join(f'{x:.1f}' for x in recoveries)})")
    print(f"writer SIGKILLed -> standby running: median {med(takeovers):.1f} s"
          f" (runs: {', '.join(f'{x:.1f}' for x in takeovers)})")
    print(f"catch-up after a week's stop: median {med(rates):,.0f} rows/s"
          f" (runs: {', '.join(f'{x:,.0f}' for x in rates)})")


if __name__ == "__main__":
    main()
