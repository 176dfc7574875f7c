"""Data quality: how often sensors go stale or faulty, for how long, and what those rows hold.

Rates and episode lengths are judged on the points that may degrade
(``type.degradable``) against ``spec.data_quality``. Episodes are random,
so the tolerance shrinks with the number of episodes the window can hold:
``0.5 % + 4 sd`` with sd = sqrt(1.3 x share x episode_intervals / rows)
(a Poisson count of episodes whose lengths vary); windows too short to hold
ten episodes are not judged. The mean length of the episodes that lie wholly
inside the window must be within 25 % of ``episode_intervals``.

Row semantics hold everywhere: a stale row repeats the previous row's value
(a frozen sensor), a fault row has no value or one outside the point's
range, points that never degrade are always ``ok``, and every status is
one of ok / stale / fault.
"""

from __future__ import annotations

import math

import numpy as np

from haystack_tui.model.building import Building, Point
from haystack_tui.validate.data import FAULT, MISSING, OK, OTHER, STALE, Grid, Rows
from haystack_tui.validate.result import MAX_ROWS, CheckResult, at, n, verdict
from haystack_tui.validate.window import Window

MIN_EPISODES = 10
EPISODE_REL = 0.25


def check_rates(w: Window) -> CheckResult:
    return rates_result(w.grid, w.building)


def rates_result(grid: Grid, b: Building) -> CheckResult:
    q = b.spec.data_quality
    cols = [p.column for p in b.points if p.type.degradable]
    st = grid.status[:, cols]
    rows = int((st != MISSING).sum())
    bad_share = q.stale + q.fault
    if rows == 0 or (bad_share > 0 and rows * bad_share / q.episode_intervals < MIN_EPISODES):
        return CheckResult("quality.rates", True, "error", f"not judged: {n(rows)} rows hold too few episodes")
    shares = {k: float((st == code).sum()) / rows for k, code in (("ok", OK), ("stale", STALE), ("fault", FAULT))}
    tol = {k: 0.005 + 4 * math.sqrt(1.3 * s * q.episode_intervals / rows)
           for k, s in (("ok", bad_share), ("stale", q.stale), ("fault", q.fault))}
    fails = [f"ok {shares['ok']:.2%} < {q.ok - tol['ok']:.2%}"] if shares["ok"] < q.ok - tol["ok"] else []
    fails += [f"{k} {shares[k]:.2%} > {getattr(q, k) + tol[k]:.2%}" for k in ("stale", "fault")
              if shares[k] > getattr(q, k) + tol[k]]
    mean, count = episode_mean(st)
    judged = count >= MIN_EPISODES
    if judged and abs(mean - q.episode_intervals) > EPISODE_REL * q.episode_intervals:
        fails.append(f"mean episode {mean:.2f} intervals, configured {q.episode_intervals:g}")
    figure = (f"ok {shares['ok']:.2%} (>= {q.ok - tol['ok']:.2%}), stale {shares['stale']:.2%} "
              f"(<= {q.stale + tol['stale']:.2%}), fault {shares['fault']:.2%} (<= {q.fault + tol['fault']:.2%}); "
              + (f"mean episode {mean:.2f} intervals over {n(count)} (configured {q.episode_intervals:g})"
                 if judged else f"{n(count)} whole episodes, too few to judge their length"))
    return verdict("quality.rates", len(fails), figure, fails)


def episode_mean(status: np.ndarray) -> tuple[float, int]:
    """Mean length of the runs of stale/fault rows lying wholly inside the window, and their count."""
    bad = ((status == STALE) | (status == FAULT)).T.astype(np.int8)
    edges = np.diff(np.pad(bad, ((0, 0), (1, 1))), axis=1)
    _, start = np.nonzero(edges == 1)
    _, end = np.nonzero(edges == -1)
    inside = (start > 0) & (end < status.shape[0])
    count = int(inside.sum())
    return (float((end - start)[inside].mean()) if count else float("nan")), count


def check_status(w: Window) -> CheckResult:
    return status_result(w.grid, w.rows, w.points)


def status_result(grid: Grid, rows: Rows, points: tuple[Point, ...]) -> CheckResult:
    v, s = grid.value, grid.status
    lo = np.array([p.type.lo for p in points])
    hi = np.array([p.type.hi for p in points])
    fixed = np.array([not p.type.degradable for p in points])
    same = (v[1:] == v[:-1]) | (np.isnan(v[1:]) & np.isnan(v[:-1]))
    stale_moved = np.zeros_like(s, dtype=bool)
    stale_moved[1:] = (s[1:] == STALE) & (s[:-1] != MISSING) & ~same
    with np.errstate(invalid="ignore"):
        fault_plausible = (s == FAULT) & ~np.isnan(v) & (v >= lo) & (v <= hi)
    never_degrades = fixed[None, :] & (s != OK) & (s != MISSING)
    kinds = (("stale row changed value", stale_moved), ("fault row with a plausible value", fault_plausible),
             ("non-degradable point not ok", never_degrades))
    shown = []
    for label, mask in kinds:
        for i, j in zip(*np.nonzero(mask)):
            if len(shown) >= MAX_ROWS:
                break
            shown.append(f"{points[j].id} {at(grid.times[i])}: {label}")
    unknown = int((rows.status == OTHER).sum())
    counts = [int(m.sum()) for _, m in kinds]
    figure = (f"{n(counts[0])} stale rows that changed value, {n(counts[1])} fault rows with a plausible value, "
              f"{n(counts[2])} non-ok rows on points that never degrade, {n(unknown)} rows with an unknown status")
    return verdict("quality.status", sum(counts) + unknown, figure, shown)
