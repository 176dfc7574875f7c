"""Occupancy from the building's schedule, on local clock time.

The weekday table applies Monday-Friday, the weekend table on weekends and US
federal holidays, each interpolated linearly between its knots. Each local day
gets its own level (``schedule.daily_variation``), the level wanders a little
within the day, and each zone differs from the building by a slow random
factor. The HVAC schedule (occupied mode) is the table itself against
``schedule.occupied_threshold``: a BMS runs fixed times, whoever turns up.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from haystack_tui.sim import rng
from haystack_tui.sim.clock import LocalTime
from haystack_tui.sim.signal import clip

_DAY_KEY = np.uint64(rng.base_key("occupancy.day"))
_WANDER_KEY = np.uint64(rng.base_key("occupancy.wander"))


@dataclass(frozen=True)
class Occupancy:
    building: np.ndarray
    """Building occupancy fraction 0..1, shape (T,)."""
    scheduled: np.ndarray
    """HVAC occupied mode (bool), shape (T,)."""
    zone: np.ndarray
    """Zone occupancy fraction 0..1, shape (T, Z)."""


def occupancy(lay, seed_key: int, i: np.ndarray, local: LocalTime, zone_keys: np.ndarray) -> Occupancy:
    s = lay.spec.schedule
    sk = np.uint64(seed_key)
    wd = np.array(s.weekday, dtype=np.float64)
    we = np.array(s.weekend, dtype=np.float64)
    table = np.where(local.workday, np.interp(local.hour, wd[:, 0], wd[:, 1]),
                     np.interp(local.hour, we[:, 0], we[:, 1]))
    dv = s.daily_variation
    level = 1.0 + dv * clip(rng.normal(sk ^ _DAY_KEY, local.day), -2.5, 2.5)
    wander = 1.0 + 0.04 * rng.smooth(sk ^ _WANDER_KEY, i, 8)  # knots every 2 h
    occ = clip(table * level * wander, 0.0, 1.0)
    zf = 1.0 + 0.2 * rng.smooth(zone_keys ^ sk, i, 12)
    zone = clip(occ[:, None] * zf, 0.0, 1.0)
    return Occupancy(building=occ, scheduled=table >= s.occupied_threshold, zone=zone)
