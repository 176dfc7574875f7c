"""Running the real headless service as a subprocess, for end-to-end tests."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import psycopg

TOKEN = "test-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Service:
    """``python -m headless`` with its own port, on a given database."""

    def __init__(self, database_url: str, data_dir, speed: float = 900.0, history_days: int = 1, **env) -> None:
        self.port = free_port()
        self.env = {**os.environ, "DATABASE_URL": database_url, "PORT": str(self.port),
                    "HAYSTACK_SPEED": str(speed), "HAYSTACK_HISTORY_DAYS": str(history_days),
                    "HAYSTACK_API_TOKEN": TOKEN, "HAYSTACK_DATA_DIR": str(data_dir), "LOG_LEVEL": "INFO", **env}
        self.proc: subprocess.Popen | None = None

    def start(self) -> "Service":
        self.proc = subprocess.Popen([sys.executable, "-m", "headless"], env=self.env, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        return self

    def get(self, path: str, timeout: float = 5.0) -> tuple[int, dict]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=timeout) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"{}")

    def status(self) -> dict | None:
        try:
            return self.get("/status?points=0")[1]
        except (urllib.error.URLError, ConnectionError, TimeoutError, json.JSONDecodeError):
            return None

    def wait(self, predicate, timeout: float = 60.0, what: str = "condition") -> dict:
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise AssertionError(f"service exited with {self.proc.returncode}: {self.output()[-2000:]}")
            last = self.status()
            if last is not None and predicate(last):
                return last
            time.sleep(0.1)
        raise AssertionError(f"{what} not reached in {timeout} s; last status: {last and last.get('mode')}")

    def send(self, sig: int) -> None:
        assert self.proc is not None
        self.proc.send_signal(sig)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15.0) -> int:
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else 0
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise

    def output(self) -> str:
        if self.proc is None or self.proc.stdout is None or self.proc.poll() is None:
            return ""
        return self.proc.stdout.read()


def grid_report(url: str, org: str = "demo") -> dict:
    """Per point: rows, first/last epoch, and whether rows are contiguous on the grid."""
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            f"SELECT entity_id, count(*), extract(epoch from min(ts))::bigint, extract(epoch from max(ts))::bigint,"
            f" count(*) FILTER (WHERE extract(epoch from ts)::bigint % 900 <> 0)"
            f" FROM core.values_{org} GROUP BY entity_id").fetchall()
    report = {"points": len(rows), "off_grid": sum(r[4] for r in rows), "holes": 0, "first": None, "last": None}
    for _, n, lo, hi, _ in rows:
        report["holes"] += (hi - lo) // 900 + 1 - n
        report["first"] = lo if report["first"] is None else min(report["first"], lo)
        report["last"] = hi if report["last"] is None else max(report["last"], hi)
    return report
