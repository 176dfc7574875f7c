"""Simulation clocks: real time, or a faster clock for demos and tests.

The engine asks the clock, never ``time.time()``, so tests can run a day in
ninety seconds or step the wall clock backwards and forwards.
"""

from __future__ import annotations

import time
from typing import Callable


class SimClock:
    """``now() = anchor_sim + (wall() - anchor_wall) * speed``."""

    def __init__(self, speed: float = 1.0, wall: Callable[[], float] = time.time,
                 anchor_sim: float | None = None) -> None:
        self.speed = float(speed)
        self.wall = wall
        self._anchor_wall = wall()
        self._anchor_sim = self._anchor_wall if anchor_sim is None else float(anchor_sim)

    def now(self) -> float:
        """Simulated epoch seconds."""
        return self._anchor_sim + (self.wall() - self._anchor_wall) * self.speed

    def reanchor(self, sim_start: float) -> None:
        """Restart simulated time at ``sim_start`` from this wall instant."""
        self._anchor_wall = self.wall()
        self._anchor_sim = float(sim_start)


    def seconds_until(self, sim_ts: float) -> float:
        """Wall seconds from now until the simulated clock reaches ``sim_ts`` (>= 0)."""
        return max(0.0, (sim_ts - self.now()) / self.speed)
