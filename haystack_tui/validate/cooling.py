"""Coherence of the chilled-water plant with the air side.

The chillers carry the AHUs' cooling-coil load. From stored points the coil
load is the sensible load 1.08 x cfm x (mixedTemp - supplyTemp) / 12,000
tons per AHU; the chillers' load is sum(loadPercent / 100 x capacity). Over
the window's cooling intervals (all those points ``ok``, some chiller load or
a coil load above 3 % of one chiller) the two must agree in total (ratio
0.8 .. 1.25) and move together (correlation at least 0.9 over 20 or more
intervals); sensor noise on the temperatures keeps them from agreeing
exactly. Two rules hold at every interval: no chiller runs (power > 0 or
status true) while every AHU's cooling valve reads 0 %, and a lag chiller
runs only while the one before it is loaded to ``lag_start_fraction``
(within 1 %).
"""

from __future__ import annotations

import numpy as np

from haystack_tui.model.building import Building
from haystack_tui.validate.data import Grid
from haystack_tui.validate.result import MAX_ROWS, CheckResult, at, n, verdict
from haystack_tui.validate.window import Window

BTU_PER_TON_H = 12000.0
RATIO_RANGE = (0.8, 1.25)
MIN_CORRELATION = 0.9
MIN_SAMPLES = 20
ACTIVE_SHARE = 0.03
LAG_MARGIN_PCT = 1.0


def check_cooling(w: Window) -> CheckResult:
    return cooling_result(w.grid, w.building)


def cooling_result(grid: Grid, b: Building) -> CheckResult:
    load = b.columns("chiller", "loadPercent")
    if not load:
        return CheckResult("coherence.cooling", True, "error", "no chillers")
    cap = b.spec.chillers.capacity_tons
    chiller, coil, ok = _tons(grid, b)
    active = ok & ((chiller > 0) | (coil >= ACTIVE_SHARE * cap))
    problems, parts, shown = _agreement(grid, chiller, coil, active)
    stray = _running_with_valves_shut(grid, b)
    lag = _lag_without_lead(grid, b)
    shown += [f"{at(grid.times[i])}: a chiller runs while every AHU cooling valve reads 0 %" for i in stray[:MAX_ROWS]]
    shown += [f"{at(grid.times[i])}: {b.points[c].id} runs while the chiller before it is below"
              f" {100 * b.spec.chillers.lag_start_fraction:g} %" for i, c in lag[:MAX_ROWS]]
    figure = (f"{parts}; {n(len(stray))} intervals with a chiller on and every cooling valve shut;"
              f" {n(len(lag))} lag-chiller runs below the lead's staging point")
    return verdict("coherence.cooling", problems + len(stray) + len(lag), figure, shown)


def _tons(grid: Grid, b: Building) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Chillers' and AHU coils' tons per interval, and where every input is ok."""
    load = b.columns("chiller", "loadPercent")
    flow, mixed, supply = (b.columns("ahu", s) for s in ("supplyAirFlow", "mixedTemp", "supplyTemp"))
    ok = grid.ok(load + flow + mixed + supply).all(axis=1)
    v = grid.value
    chiller = v[:, load].sum(axis=1) / 100.0 * b.spec.chillers.capacity_tons
    with np.errstate(invalid="ignore"):
        coil = (1.08 * v[:, flow] * np.maximum(v[:, mixed] - v[:, supply], 0.0)).sum(axis=1) / BTU_PER_TON_H
    return chiller, coil, ok


def _agreement(grid: Grid, chiller: np.ndarray, coil: np.ndarray, active: np.ndarray):
    """(failures, figure part, worst intervals) of the ratio and correlation tests."""
    k = int(active.sum())
    if k == 0:
        return 0, "no cooling in the window", []
    c, a = chiller[active], coil[active]
    ratio = c.sum() / a.sum() if a.sum() > 0 else np.inf
    judged = k >= MIN_SAMPLES and c.std() > 0 and a.std() > 0
    corr = float(np.corrcoef(c, a)[0, 1]) if judged else float("nan")
    failures = int(not RATIO_RANGE[0] <= ratio <= RATIO_RANGE[1]) + int(judged and not corr >= MIN_CORRELATION)
    part = (f"chillers / AHU coils = {ratio:.3f} (allowed {RATIO_RANGE[0]:g}..{RATIO_RANGE[1]:g}), "
            f"r = {'-' if not judged else f'{corr:.3f}'} over {n(k)} cooling intervals")
    worst = []
    if failures:
        idx = np.flatnonzero(active)
        for i in idx[np.argsort(-np.abs(c - a), kind="stable")[:MAX_ROWS]]:
            worst.append(f"{at(grid.times[i])}: chillers {chiller[i]:.1f} t, AHU coils {coil[i]:.1f} t")
    return failures, part, worst


def _running_with_valves_shut(grid: Grid, b: Building) -> np.ndarray:
    valves = b.columns("ahu", "coolingValve")
    if not valves:
        return np.empty(0, dtype=np.int64)
    shut = grid.ok(valves).all(axis=1) & (grid.value[:, valves] == 0).all(axis=1)
    power, status = b.columns("chiller", "power"), b.columns("chiller", "status")
    running = (grid.ok(power) & (grid.value[:, power] > 0)).any(axis=1)
    running |= (grid.ok(status) & (grid.value[:, status] == 1)).any(axis=1)
    return np.flatnonzero(shut & running)


def _lag_without_lead(grid: Grid, b: Building) -> list[tuple[int, int]]:
    power, load = b.columns("chiller", "power"), b.columns("chiller", "loadPercent")
    floor = 100.0 * b.spec.chillers.lag_start_fraction - LAG_MARGIN_PCT
    out: list[tuple[int, int]] = []
    for k in range(1, len(power)):
        runs = grid.ok([power[k]])[:, 0] & (grid.value[:, power[k]] > 0)
        lead_low = grid.ok([load[k - 1]])[:, 0] & (grid.value[:, load[k - 1]] < floor)
        out += [(int(i), power[k]) for i in np.flatnonzero(runs & lead_low)]
    return sorted(out)
