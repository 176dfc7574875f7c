"""A one-line progress display for long commands on a terminal.

On a terminal the line redraws in place; elsewhere (pipes, CI logs) it
prints nothing, so logs stay clean and the final summary line says it all.
"""

from __future__ import annotations

import time
from typing import TextIO


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "--:--"
    s = int(seconds)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


class ProgressLine:
    def __init__(self, stream: TextIO, unit: str = "rows", min_interval_s: float = 0.2) -> None:
        self.stream = stream
        self.unit = unit
        self.enabled = bool(getattr(stream, "isatty", lambda: False)())
        self._last = 0.0
        self._min = min_interval_s
        self._width = 0

    def update(self, done: int, total: int, rate: float, eta_s: float | None) -> None:
        now = time.monotonic()
        if not self.enabled or (now - self._last < self._min and done < total):
            return
        self._last = now
        pct = 100.0 * done / total if total else 100.0
        text = f"{pct:5.1f}%  {done:,}/{total:,} {self.unit}  {rate:,.0f} {self.unit}/s  ETA {_clock(eta_s)}"
        self.stream.write("\r" + text.ljust(self._width))
        self._width = len(text)
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
