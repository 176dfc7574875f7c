"""``haystack-tui export``: a range of generated data as CSV, no database needed.

The same generator and seed as a backfill, so the file holds exactly the
values a backfill of the same range stores. With ``--out`` the file appears
only when complete (written to a temporary name, then renamed).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from haystack_tui.config import Settings
from haystack_tui.errors import ConfigError, RuntimeFailure
from haystack_tui.model import load_building
from haystack_tui.progress import ProgressLine
from haystack_tui.timegrid import DAY, align_up, parse_instant

MAX_EXPORT_DAYS = 3660


def export(settings: Settings, start: str, end: str, out: str | None) -> int:
    from haystack_tui import sim

    lo, hi = align_up(parse_instant(start, "--start")), parse_instant(end, "--end")
    if hi <= lo:
        raise ConfigError(f"--end {end!r} must be after --start {start!r}")
    if hi - lo > MAX_EXPORT_DAYS * DAY:
        raise ConfigError(f"the export range is longer than {MAX_EXPORT_DAYS} days")
    building = load_building(settings.building)
    line = ProgressLine(sys.stderr, unit="intervals")
    started = time.monotonic()

    def progress(done: int, total: int) -> None:
        rate = done / max(time.monotonic() - started, 1e-9)
        line.update(done, total, rate, (total - done) / rate if rate > 0 else None)

    if out is None:
        rows = sim.export_csv(building, settings.seed, lo, hi, sys.stdout, progress=progress)
        line.close()
        return 0
    target = Path(out)
    if target.parent and not target.parent.exists():
        raise ConfigError(f"--out {out!r}: the folder {str(target.parent)!r} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=".export-", dir=target.parent or Path("."))
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            rows = sim.export_csv(building, settings.seed, lo, hi, f, progress=progress)
        os.replace(tmp, target)
    except OSError as exc:
        raise RuntimeFailure(f"cannot write {out!r}: {exc.strerror}") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
        line.close()
    print(f"exported {rows:,} rows to {out}", file=sys.stderr)
    return 0
