"""Start-up time of the service and the cost of one tick.

Usage: python bench/startup.py [--repeats 5]

On an embedded PostgreSQL that is already initialised and holds the last
day with no gap: the wall time from launching ``python -m headless`` to its
``/status`` reporting ``running`` with the next tick scheduled (the target is
under 3 s), and the median tick duration reported by the engine at speed 900.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.service_process import free_port  # noqa: E402


def status(port: int) -> dict | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/status?points=0", timeout=2) as r:
            return json.loads(r.read())
    except Exception:
        return None


def launch(env: dict) -> tuple[subprocess.Popen, int]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "headless"], env={**env, "PORT": str(port)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return proc, port


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    data = Path(tempfile.mkdtemp(prefix="hstui-startup-"))
    os.chmod(data, 0o755)
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(HAYSTACK_DATA_DIR=str(data), HAYSTACK_HISTORY_DAYS="1", LOG_LEVEL="WARNING")
    from haystack_tui.store.embedded import stop_embedded

    try:
        subprocess.run([sys.executable, "-m", "haystack_tui", "backfill", "--days", "1"], env=env, check=True,
                       capture_output=True)
        times = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            proc, port = launch(env)
            while True:
                s = status(port)
                if s and s["mode"] == "running" and s["next_tick"]:
                    break
                time.sleep(0.01)
            times.append(time.perf_counter() - t0)
            proc.send_signal(signal.SIGTERM)
            proc.wait(20)
        print(f"start-up to first tick scheduled (initialised embedded database, no gap): median "
              f"{statistics.median(times):.2f} s (runs: {', '.join(f'{t:.2f}' for t in times)})")
        proc, port = launch({**env, "HAYSTACK_SPEED": "900"})
        try:
            while not (s := status(port)) or s["counters"].get("ticks", 0) < 20:
                time.sleep(0.2)
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/events?since=0", timeout=5) as r:
                ticks = []
                for line in r:
                    if line.startswith(b"data: "):
                        event = json.loads(line[6:])
                        if event["kind"] == "tick_written":
                            ticks.append(event["details"]["seconds"])
                        if len(ticks) >= 20:
                            break
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(20)
        print(f"one tick (generate + COPY + _current + state, {s['counters'].get('ticks')} ticks seen): median "
              f"{statistics.median(ticks) * 1000:.1f} ms")
    finally:
        stop_embedded(data)


if __name__ == "__main__":
    main()
