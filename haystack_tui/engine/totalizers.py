"""Where a chunk's meter readings start: the stored rows are the checkpoints.

A reading at t is the building file's origin reading plus the integral of
its rate since the origin, so any backfill order gives the same readings.
Stored rows anchor that sum: the row just before a gap is used as is (exact,
because readings are kept at their reporting resolution), and only when a gap
is not adjacent to a stored row do we integrate the rate across the distance,
in bounded-memory chunks. Matching is by point entity, never by tag query.
"""

from __future__ import annotations

import numpy as np
import psycopg

from haystack_tui import sim
from haystack_tui.engine.setup import Prepared
from haystack_tui.store import detect
from haystack_tui.timegrid import INTERVAL

_INTEGRATION_CHUNK = 96 * 14


def delta_sum(prepared: Prepared, seed: int, start: int, end: int) -> np.ndarray:
    """Sum of every totalizer's per-interval deltas over the grid instants in ``[start, end)``."""
    b = prepared.building
    total = np.zeros(len(b.totalizers))
    t = start
    while t < end:
        n = min(_INTEGRATION_CHUNK, (end - t) // INTERVAL)
        block = sim.generate(b, seed, t, n, readings_before=np.zeros(len(b.totalizers)))
        total += block.readings_end
        t += n * INTERVAL
    return total


def readings_before(conn: psycopg.Connection, prepared: Prepared, seed: int, ts: int) -> np.ndarray:
    """Readings at ``ts - 900`` for every totalizer, continuing what is stored."""
    b = prepared.building
    out = np.empty(len(b.totalizers))
    prev = ts - INTERVAL
    sums: dict[tuple[int, int], np.ndarray] = {}  # meters usually share anchors: integrate once

    def summed(lo: int, hi: int) -> np.ndarray:
        if (lo, hi) not in sums:
            sums[lo, hi] = delta_sum(prepared, seed, lo, hi)
        return sums[lo, hi]

    for i, point in enumerate(b.totalizers):
        eid = prepared.entity_ids[point.id]
        before = detect.reading_before(conn, prepared.tables, eid, prev)
        if before is not None:
            out[i] = before[1] if before[0] == prev else before[1] + summed(before[0] + INTERVAL, ts)[i]
        elif (after := detect.reading_after(conn, prepared.tables, eid, ts)) is not None:
            out[i] = after[1] - summed(ts, after[0] + INTERVAL)[i]
        else:
            if (0, prev) not in sums:
                sums[0, prev] = sim.readings_at(b, seed, prev)
            out[i] = sums[0, prev][i]
        out[i] = round(out[i], point.type.decimals)
    return out
