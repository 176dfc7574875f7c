"""Text for the console: numbers with units, instants, durations, sparklines.

Pure functions of plain values, so every panel formats the same way and tests
check them without a terminal. Instants are shown in UTC (with a ``Z``) so that
the screen, the logs and the database agree whatever the operator's time zone.
Imports nothing from Textual, the engine or the store.
"""

from __future__ import annotations

import time
from typing import Sequence

BLOCKS = "▁▂▃▄▅▆▇█"
DASH = "—"


def number(value: float | None) -> str:
    """A reading at a precision that suits its size: 1,234,567 / 123.4 / 12.35."""
    if value is None:
        return DASH
    size = abs(value)
    if size >= 1_000:
        return f"{value:,.0f}"
    if size >= 100:
        return f"{value:,.1f}"
    return f"{value:.2f}"


def reading(value: float | None, unit: str | None, kind: str = "Number") -> str:
    """A point's value as shown in a table: number and unit, or on/off for Bool."""
    if value is None:
        return DASH
    if kind == "Bool":
        return "on" if value else "off"
    return f"{number(value)} {unit}" if unit else number(value)


def sparkline(values: Sequence[float | None], width: int = 16) -> str:
    """``width`` block characters spread over ``values`` (oldest first), scaled
    to their own range; a missing value is a blank. Samples every k-th value
    rather than averaging: cheap enough for 300 points every second."""
    step = max(1, len(values) // width)
    picked = values[::-step][:width][::-1]  # every step-th value, newest included
    finite = [v for v in picked if v is not None]
    lo, hi = (min(finite), max(finite)) if finite else (0.0, 0.0)
    scale = 7.999 / (hi - lo) if hi > lo else 0.0
    chars = [" " if v is None else BLOCKS[int((v - lo) * scale) if scale else 3] for v in picked]
    return "".join(chars).rjust(width)


def stamp(ts: float | None) -> str:
    """``2026-01-05 14:15Z``."""
    return DASH if ts is None else time.strftime("%Y-%m-%d %H:%MZ", time.gmtime(ts))


def near(ts: float | None, ref: float) -> str:
    """``14:15Z`` when ``ts`` is on the same UTC day as ``ref``, else the full stamp."""
    if ts is None or int(ts // 86400) != int(ref // 86400):
        return stamp(ts)
    return time.strftime("%H:%MZ", time.gmtime(ts))


def clock(ts: float | None) -> str:
    """``14:15:07Z``: for event times, where the date is implied."""
    return DASH if ts is None else time.strftime("%H:%M:%SZ", time.gmtime(ts))


def duration(seconds: float | None) -> str:
    """``0:42``, ``12:05`` or ``3:02:11``."""
    if seconds is None:
        return "--:--"
    s = max(0, int(round(seconds)))
    if s >= 3600:
        return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"
    return f"{s // 60}:{s % 60:02d}"


def count(n: int | float | None) -> str:
    """``1,234,567``."""
    return DASH if n is None else f"{n:,.0f}"


def rate(per_s: float) -> str:
    """``31,200 rows/s`` or ``2.4 M rows/s``."""
    return f"{per_s / 1e6:.1f} M rows/s" if per_s >= 1e6 else f"{per_s:,.0f} rows/s"
