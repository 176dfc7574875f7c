"""``export`` prints exactly what a backfill of the same range stores (issue 3)."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

from haystack_tui.engine.commands import backfill
from haystack_tui.timegrid import parse_instant
from tests.helpers import POINTS, dump_values


def test_export_equals_backfill(settings, tmp_path):
    start, end = "2026-03-07T12:00:00Z", "2026-03-08T12:00:00Z"   # across the DST change in New York
    backfill(settings, parse_instant(start, "s"), parse_instant(end, "e"))
    out = tmp_path / "range.csv"
    proc = subprocess.run([sys.executable, "-m", "haystack_tui", "export", "--start", start, "--end", end,
                           "--out", str(out)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.reader(io.StringIO(out.read_text())))
    assert rows[0] == ["ts", "id", "value", "status"]
    assert len(rows) - 1 == 96 * POINTS
    exported = sorted((r[1], r[0], r[2], r[3]) for r in rows[1:])
    stored = []
    for pid, epoch, text, flag, status in dump_values(settings.database_url):
        ts = __import__("datetime").datetime.fromtimestamp(epoch, __import__("datetime").timezone.utc)
        value = "" if text is None and flag is None else (text if text is not None else ("true" if flag else "false"))
        stored.append((pid, ts.strftime("%Y-%m-%dT%H:%M:%SZ"), value, status))
    assert exported == sorted(stored)


def test_export_to_stdout_and_bad_range():
    ok = subprocess.run([sys.executable, "-m", "haystack_tui", "export", "--start", "2026-01-01T00:00Z",
                         "--end", "2026-01-01T00:30Z"], capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0 and len(ok.stdout.strip().splitlines()) == 1 + 2 * POINTS
    bad = subprocess.run([sys.executable, "-m", "haystack_tui", "export", "--start", "2026-01-02",
                          "--end", "2026-01-01"], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "--end" in bad.stderr
