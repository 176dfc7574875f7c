"""``generate`` and ``readings_at``: the generator's two entry points.

A block is computed with ``warmup(layout)`` extra intervals before its
start: the zone and plant lags (bounded windows) and the stale look-back
need them. Those rows are dropped, so interval t's values are a function of
(seed, point, t) alone, identical whether t is generated alone or inside a
year. Pure: no clock, no I/O, no global random state.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from haystack_tui.sim import totalizers as tot
from haystack_tui.sim.airside import air_handlers, vav_flows
from haystack_tui.sim.clock import INTERVAL, check_start, local_time
from haystack_tui.sim.frame import Frame
from haystack_tui.sim.layout import layout
from haystack_tui.sim.meters import meters
from haystack_tui.sim.occupancy import occupancy
from haystack_tui.sim.plant import limits, plant
from haystack_tui.sim.quality import degrade
from haystack_tui.sim.signal import lag_kernel, zone_kernel
from haystack_tui.sim.weather import weather
from haystack_tui.sim.zones import zone_state

#: Rows before a block needed for its lags: zone response, then plant/duct drift.
LAG_WARMUP = (len(zone_kernel()) - 1) + (len(lag_kernel()) - 1)


@dataclass(frozen=True)
class Block:
    times: np.ndarray
    """int64 epoch seconds UTC, shape (T,): start, start + 900, ..."""
    values: np.ndarray
    """float64 (T, P); column j is building.points[j]; Bool points 0.0/1.0; NaN = no value."""
    status: np.ndarray
    """uint8 (T, P), STATUS_* codes."""
    readings_end: np.ndarray
    """Totalizer readings at times[-1], in the order of building.totalizers."""


def warmup(lay) -> int:
    """Intervals generated before a block and dropped."""
    return LAG_WARMUP + lay.quality.slot


def generate(building, seed: int, start: int, n: int, readings_before: np.ndarray | None = None) -> Block:
    """Values and statuses of every point for the n intervals from ``start`` (epoch s, on the grid)."""
    start = check_start(start)
    if int(n) < 1:
        raise ValueError(f"n must be at least 1, got {n!r}")
    n = int(n)
    lay = layout(building)
    w = warmup(lay)
    f = simulate(lay, seed, start // INTERVAL - w, n + w)
    values, status = degrade(lay, f.seed_key, f.i, f.finish(), w)
    d = tot.deltas(lay, values[:, lay.rate_cols])
    if readings_before is None:
        before = _units_at(lay, seed, start // INTERVAL - 1)
    else:
        raw = np.asarray(readings_before, dtype=np.float64)
        if raw.shape != lay.initial.shape or not np.isfinite(raw).all():
            raise ValueError(f"readings_before must be {len(lay.initial)} finite readings, got {readings_before!r}")
        before = tot.to_units(lay, raw)
    readings = tot.from_units(lay, before + np.cumsum(d, axis=0))
    values[:, lay.tot_cols] = readings
    return Block(times=f.times[w:].copy(), values=values, status=status, readings_end=readings[-1].copy())


def readings_at(building, seed: int, ts: int) -> np.ndarray:
    """Totalizer readings at ``ts`` (building.totalizers order), integrated from the origin."""
    lay = layout(building)
    return tot.from_units(lay, _units_at(lay, seed, int(ts) // INTERVAL))


def _units_at(lay, seed: int, m: int) -> np.ndarray:
    def chunk(i_first: int, n: int) -> np.ndarray:
        f = simulate(lay, seed, i_first - LAG_WARMUP, n + LAG_WARMUP)
        return tot.deltas(lay, f.finish()[LAG_WARMUP:, lay.rate_cols])
    return tot.units_at(lay, seed, m, chunk)


def simulate(lay, seed: int, i0: int, n: int) -> Frame:
    """All physics for intervals i0 .. i0+n-1 (the first LAG_WARMUP rows are inexact)."""
    f = Frame.new(lay, seed, i0, n)
    local = local_time(lay.tz, f.times)
    wx = weather(lay, f.seed_key, f.i, f.times, local)
    f.put("weather", "temp", wx.oat[:, None] + 0.15 * f.noise("weather", "temp"))
    f.put("weather", "humidity", wx.rh[:, None] + 0.8 * f.noise("weather", "humidity"))
    occ = occupancy(lay, f.seed_key, f.i, local, lay.zone_occ_keys)
    f.put("vav", "occupied", (occ.zone > lay.spec.schedule.occupied_threshold).astype(np.float64))
    lp_frac = 0.3 + 0.7 * occ.building
    zs = zone_state(lay, f.seed_key, f.i, wx, occ, 0.3 + 0.7 * occ.zone)
    flow_z = vav_flows(f, zs)
    air = air_handlers(f, wx, occ, zs, flow_z, lp_frac, limits(lay))
    meters(f, occ, lp_frac, air, plant(f, wx, air))
    return f
