"""The live view of the data: recent values per point and the gap picture.

Kept in memory by the engine and turned into the snapshot's points,
totalizers and gap parts. Pure numpy; fed from written chunks and from the
database at start-up.
"""

from __future__ import annotations

import numpy as np

from haystack_tui.engine.status import GapState, PointState, TotalizerState
from haystack_tui.model.building import Building
from haystack_tui.sim import STATUS_NAMES
from haystack_tui.timegrid import INTERVAL

HISTORY = 96  # one day of intervals per sparkline
STRIP_HOURS = 7 * 24


class LiveValues:
    """A ring of the last ``HISTORY`` intervals for every point."""

    def __init__(self, building: Building, depth: int = HISTORY) -> None:
        self.building = building
        self.depth = depth
        n = len(building.points)
        self.times = np.full(depth, -1, dtype=np.int64)
        self.values = np.full((depth, n), np.nan)
        self.status = np.zeros((depth, n), dtype=np.uint8)
        self._tot_cols = [p.column for p in building.totalizers]
        self._rate_cols = [building.rate_point(p).column for p in building.totalizers]


    def push(self, ts: int, values: np.ndarray, status: np.ndarray) -> None:
        """Record one interval (ignored when older than what is shown)."""
        if ts in self.times:
            return
        slot = int(np.argmin(self.times))  # an empty slot (-1) or the oldest instant
        if self.times[slot] >= 0 and ts < self.times[slot]:
            return
        self.times[slot], self.values[slot], self.status[slot] = ts, values, status

    def load(self, rows: list[tuple[int, int, float | None, str | None]], column_of: dict[int, int]) -> None:
        """Fill from stored rows (entity_id, epoch, value, status), newest ``depth`` instants kept."""
        if not rows:
            return
        times = sorted({r[1] for r in rows})[-self.depth:]
        index = {t: i for i, t in enumerate(times)}
        vals = np.full((len(times), len(self.building.points)), np.nan)
        stat = np.zeros_like(vals, dtype=np.uint8)
        codes = {name: i for i, name in enumerate(STATUS_NAMES)}
        for eid, t, v, s in rows:
            i, j = index.get(t), column_of.get(eid)
            if i is not None and j is not None:
                vals[i, j] = np.nan if v is None else v
                stat[i, j] = codes.get(s or "ok", 0)
        for i, t in enumerate(times):
            self.push(t, vals[i], stat[i])

    def _ordered(self) -> np.ndarray:
        mask = self.times >= 0
        return np.nonzero(mask)[0][np.argsort(self.times[mask])]

    def points(self) -> tuple[PointState, ...]:
        order = self._ordered()
        if len(order) == 0:
            return tuple(PointState(p.id, p.equip.id, p.type.dis, p.kind, p.unit, None, "ok") for p in self.building.points)
        hist = self.values[order]
        last = order[-1]
        out = []
        for p in self.building.points:
            col = hist[:, p.column]
            v = self.values[last, p.column]
            out.append(PointState(p.id, p.equip.id, p.type.dis, p.kind, p.unit, None if v != v else float(v),
                                  STATUS_NAMES[int(self.status[last, p.column])],
                                  tuple(None if x != x else float(x) for x in col)))
        return tuple(out)

    def totalizers(self) -> tuple[TotalizerState, ...]:
        order = self._ordered()
        out = []
        for p, tc, rc in zip(self.building.totalizers, self._tot_cols, self._rate_cols):
            rate_point = self.building.points[rc]
            if len(order) == 0:
                out.append(TotalizerState(p.id, p.equip.dis, p.unit, None, None, None, rate_point.unit, True))
                continue
            series = self.values[order, tc]
            finite = series[np.isfinite(series)]
            delta = float(finite[-1] - finite[-2]) if len(finite) >= 2 else None
            value = float(series[-1]) if np.isfinite(series[-1]) else None
            rate = self.values[order[-1], rc]
            out.append(TotalizerState(p.id, p.equip.dis, p.unit, value,
                                      None if delta is None else round(delta, p.type.decimals),
                                      None if rate != rate else float(rate), rate_point.unit,
                                      bool(np.all(np.diff(finite) >= 0))))
        return tuple(out)


class GapPicture:
    """Missing grid instants in the recent window, updated as chunks land."""

    def __init__(self) -> None:
        self.lo = 0
        self.missing = np.empty(0, dtype=np.int64)

    def reset(self, lo: int, missing: np.ndarray) -> None:
        self.lo = lo
        self.missing = np.asarray(missing, dtype=np.int64)

    def written(self, start: int, end: int) -> None:
        m = self.missing
        self.missing = m[(m < start) | (m >= end)]

    def state(self, now_grid: int) -> GapState:
        """The gap part of the snapshot up to ``now_grid`` (newest instant due)."""
        hi = now_grid + INTERVAL
        m = self.missing[(self.missing >= self.lo) & (self.missing < hi)]
        strip_lo = max(self.lo, hi - STRIP_HOURS * 3600)
        hours = max(1, -(-(hi - strip_lo) // 3600))
        present = np.full(hours, 4.0)
        in_strip = m[m >= strip_lo]
        np.subtract.at(present, (in_strip - strip_lo) // 3600, 1.0)
        gaps = []
        if len(m):
            breaks = np.nonzero(np.diff(m) != INTERVAL)[0] + 1
            for s, e in zip(np.concatenate(([0], breaks)), np.concatenate((breaks, [len(m)]))):
                gaps.append((int(m[s]), int(m[e - 1]) + INTERVAL))
        return GapState(self.lo, hi, int(len(m)), tuple(gaps[-20:]), tuple(np.clip(present / 4.0, 0, 1).round(2).tolist()))
