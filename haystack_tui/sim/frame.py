"""One block under construction: the time rows, the value matrix, and noise.

Physics modules write their points into ``values`` through ``put``; values
that feed a relation (a VAV's airflow summed into its AHU's, a chiller's
power into the building meter) go through ``put_rounded``, so the relation
holds exactly between the reported numbers. Noise is keyed by each point's
id and the interval index, never by its position in the block; it is drawn
for all points in one pass (one hash over the block beats thirty small ones).
Sensors that drift while their equipment is off are filtered together in
``finish``, one lag filter for all of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from haystack_tui.sim import rng
from haystack_tui.sim.layout import Layout
from haystack_tui.sim.signal import fir, lag_kernel

#: Time constant of a sensor drifting after its equipment stops (pipes, ducts).
DRIFT_KERNEL = lag_kernel(12, 1.5)


@dataclass
class Frame:
    lay: Layout
    seed_key: np.uint64
    i: np.ndarray
    """Interval index (epoch seconds / 900) of each row, int64 (T,)."""
    times: np.ndarray
    values: np.ndarray
    """(T, P) float64, NaN until written."""
    _noise: np.ndarray | None = None
    _drifts: list = field(default_factory=list)

    @classmethod
    def new(cls, lay: Layout, seed: int, i0: int, n: int) -> "Frame":
        i = np.arange(i0, i0 + n, dtype=np.int64)
        return cls(lay, np.uint64(rng.seed_key(seed)), i, i * 900, np.full((n, lay.n_points), np.nan))

    def noise(self, equip_type: str, suffix: str) -> np.ndarray:
        """Standard noise (T, k) for the points of one type, keyed by point id and interval."""
        if self._noise is None:
            self._noise = rng.normal(self.lay.keys ^ self.seed_key, self.i[:, None])
        return self._noise[:, self.lay.col(equip_type, suffix)]

    def put(self, equip_type: str, suffix: str, value) -> None:
        cols = self.lay.col(equip_type, suffix)
        if len(cols):
            self.values[:, cols] = value if np.ndim(value) != 1 else np.asarray(value)[:, None]

    def put_rounded(self, equip_type: str, suffix: str, value) -> np.ndarray:
        """Store ``value`` clipped to the point's range and rounded; return what was stored."""
        cols = self.lay.col(equip_type, suffix)
        value = np.asarray(value, dtype=np.float64)
        if value.ndim == 1:
            value = value[:, None]
        v = round_to(np.minimum(np.maximum(value, self.lay.lo[cols]), self.lay.hi[cols]), self.lay.scale[cols])
        if len(cols):
            self.values[:, cols] = v
        return v

    def put_drifting(self, equip_type: str, suffix: str, running, live, idle, sigma: float) -> None:
        """Running: the live value. Stopped: a lagged drift from the last live value toward ``idle``."""
        self._drifts.append((equip_type, suffix, running, live, np.where(running, live, idle), sigma))

    def finish(self) -> np.ndarray:
        """Resolve drifting sensors, clip every value to its range and round it to its resolution."""
        if self._drifts:
            lagged = fir(np.concatenate([d[4] for d in self._drifts], axis=1), DRIFT_KERNEL)
            at = 0
            for equip, suffix, running, live, _, sigma in self._drifts:
                width = live.shape[1]
                drift = lagged[:, at:at + width]
                at += width
                self.put(equip, suffix, np.where(running, live, drift) + sigma * self.noise(equip, suffix))
            self._drifts.clear()
        lay = self.lay
        return round_to(np.minimum(np.maximum(self.values, lay.lo), lay.hi), lay.scale)


def round_to(x: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Round to 1/scale (scale = 10**decimals): the nearest double to the decimal value."""
    return np.rint(x * scale) / scale
