"""Totalizers: exact integer integration of the rate points, from a fixed origin.

A totalizer counts in integer units of its resolution (0.1 kWh, 1 ft3, 1
gal). Each interval adds round(reported rate x rate_factor) in those units,
never negative. The reading at a grid time t is the building file's reading
at the origin plus the deltas of every grid interval in (origin, t], or minus
those in (t, origin] before it. Integer sums do not depend on the order or
the chunking, so a backfill of March, then January, then February, or a
restart from a stored reading, meets every seam exactly.

``readings_at`` integrates in chunks of bounded memory and remembers the
reading at chunk boundaries (checkpoints), per building and seed, so that
repeated look-ups (the engine's start-up, the exporter, tests) do not
re-integrate months of data.
"""

from __future__ import annotations

import threading

import numpy as np

from haystack_tui.sim.clock import INTERVAL

CHECKPOINT_INTERVALS = 1344  # two weeks
_MAX_SEEDS = 16
_lock = threading.Lock()


def deltas(lay, rates: np.ndarray) -> np.ndarray:
    """Per-interval increments in integer units, (T, n_totalizers) int64, from reported rates."""
    rate_units = np.rint(np.maximum(rates, 0.0) * lay.rate_scale)
    return np.floor(rate_units * lay.delta_factor + 0.5).astype(np.int64)


def to_units(lay, readings: np.ndarray) -> np.ndarray:
    return np.rint(np.asarray(readings, dtype=np.float64) * lay.tot_scale).astype(np.int64)


def from_units(lay, units: np.ndarray) -> np.ndarray:
    return units / lay.tot_scale


def base_index(lay) -> int:
    """Interval index of the last grid time at or before the origin (reading there = initial)."""
    return lay.origin // INTERVAL


def units_at(lay, seed: int, m: int, chunk_deltas) -> np.ndarray:
    """Reading in integer units at grid index ``m`` (epoch seconds / 900).

    ``chunk_deltas(i_first, n)`` returns the deltas of grid intervals i_first .. i_first+n-1.
    """
    base = base_index(lay)
    k_target = (m - base) // CHECKPOINT_INTERVALS
    cps = _table(lay, seed)
    with _lock:
        k = min(cps, key=lambda c: (abs(c - k_target), c))
        units = cps[k].copy()
    while k != k_target:
        step = 1 if k_target > k else -1
        first = base + min(k, k + step) * CHECKPOINT_INTERVALS + 1
        d = chunk_deltas(first, CHECKPOINT_INTERVALS).sum(axis=0)
        units = units + step * d
        k += step
        with _lock:
            cps[k] = units.copy()
    at = base + k * CHECKPOINT_INTERVALS
    with _lock:
        after = cps.get(k + 1)
    if after is not None and m - at > CHECKPOINT_INTERVALS // 2:  # nearer the next checkpoint: go back
        end = at + CHECKPOINT_INTERVALS
        return after - chunk_deltas(m + 1, end - m).sum(axis=0)
    if m > at:
        units = units + chunk_deltas(at + 1, m - at).sum(axis=0)
    return units


def _table(lay, seed: int) -> dict:
    """Checkpoints of one (building, seed): chunk number -> readings in units."""
    with _lock:
        per_seed = lay.checkpoints
        table = per_seed.get(seed)
        if table is None:
            table = per_seed[seed] = {0: lay.initial.copy()}
            while len(per_seed) > _MAX_SEEDS:
                per_seed.popitem(last=False)
        else:
            per_seed.move_to_end(seed)
        return table
