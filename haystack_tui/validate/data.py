"""The window's stored rows as numpy columns, and the time-by-point grid built from them.

Pure numpy: ``fetch.py`` fills a ``Rows`` from the database, tests build one
from a generated block (``Rows.from_block``), and every check's arithmetic
runs on these arrays, never row by row in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from haystack_tui.timegrid import INTERVAL

OK, STALE, FAULT, OTHER = 0, 1, 2, 3
"""Status codes; OTHER is a NULL or unknown status text."""
MISSING = -1
"""Grid status of a (point, instant) with no row."""
STATUS_CODES = {"ok": OK, "stale": STALE, "fault": FAULT}
US = 1_000_000


@dataclass(frozen=True)
class Grid:
    """One cell per (grid instant, point column); duplicates collapse into one cell."""

    times: np.ndarray
    """int64 epoch seconds of the instants of ``[lo, hi)``, shape (T,)."""
    value: np.ndarray
    """float64 (T, P); NaN where the value is NULL or the row is missing. Bool points hold 0/1."""
    status: np.ndarray
    """int8 (T, P) status codes, ``MISSING`` where no row exists."""

    def ok(self, cols) -> np.ndarray:
        """(T, len(cols)) True where the row exists, is ``ok`` and has a value."""
        cols = np.asarray(cols, dtype=np.int64)
        return (self.status[:, cols] == OK) & ~np.isnan(self.value[:, cols])


@dataclass(frozen=True)
class Rows:
    """Every stored row of the building's points in ``[lo, hi)``, grouped by point column, time-ordered."""

    lo: int
    hi: int
    ts_us: np.ndarray
    """int64 epoch microseconds (rows off the grid keep their exact time)."""
    value: np.ndarray
    """float64; NaN for NULL; Bool points carry value_b as 0/1."""
    status: np.ndarray
    """int8 status codes."""
    offsets: np.ndarray
    """int64 (P + 1,): the rows of point column j are ``offsets[j]:offsets[j + 1]``."""

    @property
    def n_points(self) -> int:
        return len(self.offsets) - 1

    @property
    def times(self) -> np.ndarray:
        return np.arange(self.lo, self.hi, INTERVAL, dtype=np.int64)

    @cached_property
    def column(self) -> np.ndarray:
        """Point column of each row."""
        return np.repeat(np.arange(self.n_points), np.diff(self.offsets))

    @cached_property
    def on_grid(self) -> np.ndarray:
        return self.ts_us % (INTERVAL * US) == 0

    @cached_property
    def grid(self) -> Grid:
        times = self.times
        value = np.full((len(times), self.n_points), np.nan)
        status = np.full(value.shape, MISSING, dtype=np.int8)
        sel = self.on_grid
        idx = (self.ts_us[sel] // US - self.lo) // INTERVAL
        inside = (idx >= 0) & (idx < len(times))
        rows, cols = idx[inside], self.column[sel][inside]
        value[rows, cols] = self.value[sel][inside]
        status[rows, cols] = self.status[sel][inside]
        return Grid(times, value, status)

    @classmethod
    def from_block(cls, times: np.ndarray, values: np.ndarray, status: np.ndarray) -> "Rows":
        """Rows of a complete (T, P) block, as the writer would store them (tests and benches)."""
        t, p = values.shape
        return cls(int(times[0]), int(times[-1]) + INTERVAL, np.tile(np.asarray(times, dtype=np.int64) * US, p),
                   values.T.ravel().astype(np.float64), status.T.ravel().astype(np.int8),
                   np.arange(p + 1, dtype=np.int64) * t)

    @classmethod
    def empty(cls, lo: int, hi: int, n_points: int) -> "Rows":
        return cls(lo, hi, np.empty(0, np.int64), np.empty(0), np.empty(0, np.int8),
                   np.zeros(n_points + 1, dtype=np.int64))
