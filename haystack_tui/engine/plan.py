"""Gap planning: missing grid instants in, an ordered list of chunks out.

Pure: no database, no clock. A chunk is a contiguous run of grid instants
short enough to bound memory; chunks of one run are consecutive, so the
totalizer readings at a chunk's end carry into the next.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from haystack_tui.timegrid import INTERVAL

DEFAULT_CHUNK_INTERVALS = 672  # one week: ~215k rows for 320 points, ~12 MB of COPY payload


@dataclass(frozen=True)
class Chunk:
    start: int
    """First grid instant (epoch seconds)."""
    n: int
    """Number of consecutive intervals."""
    run_start: bool
    """True for the first chunk of a run: its totalizer readings come from the database."""

    @property
    def end(self) -> int:
        """The instant after the last one (half-open end)."""
        return self.start + self.n * INTERVAL


def runs(missing: np.ndarray, partial: np.ndarray | None = None) -> list[tuple[int, int]]:
    """Maximal contiguous runs ``(start, n)`` of the sorted grid instants in ``missing``.

    A run also ends where instants switch between partly stored (``partial``)
    and wholly missing: a wholly missing run must take its meter readings
    from what is stored just before it, not carry our own readings through
    intervals that another writer (e.g. the original platform) filled.
    """
    if len(missing) == 0:
        return []
    missing = np.asarray(missing, dtype=np.int64)
    split = np.diff(missing) != INTERVAL
    if partial is not None and len(partial):
        is_partial = np.isin(missing, partial)
        split |= is_partial[1:] != is_partial[:-1]
    breaks = np.nonzero(split)[0] + 1
    starts = np.concatenate(([0], breaks))
    ends = np.concatenate((breaks, [len(missing)]))
    return [(int(missing[s]), int(e - s)) for s, e in zip(starts, ends)]


def plan_chunks(missing: np.ndarray, chunk_intervals: int = DEFAULT_CHUNK_INTERVALS,
                partial: np.ndarray | None = None) -> list[Chunk]:
    """Split the missing instants into ordered chunks of at most ``chunk_intervals``."""
    if chunk_intervals < 1:
        raise ValueError("chunk_intervals must be at least 1")
    chunks: list[Chunk] = []
    for start, n in runs(missing, partial):
        for offset in range(0, n, chunk_intervals):
            chunks.append(Chunk(start + offset * INTERVAL, min(chunk_intervals, n - offset), offset == 0))
    return chunks
