"""Totalizers: never decrease, and each step is its rate point's value times the interval.

The generator adds ``round(rate x rate_factor)`` in the totalizer's own units
each interval, from the *reported* rate, so a delta may differ from
``rate x rate_factor`` by half a unit of the totalizer's resolution at most
(plus the float error of reading two large decimals). The reading just
before the window is fetched too, so the window's first delta is checked.
"""

from __future__ import annotations

import numpy as np
from psycopg import sql

from haystack_tui.model.building import Building, Point
from haystack_tui.timegrid import INTERVAL
from haystack_tui.validate.data import MISSING, OK, OTHER, STATUS_CODES, Grid
from haystack_tui.validate.result import MAX_ROWS, CheckResult, at, n, verdict
from haystack_tui.validate.window import Window

FLOAT_SLACK = 1e-9


def check_totalizers(w: Window) -> CheckResult:
    return totalizers_result(w.grid, w.building, readings_before(w))


def readings_before(w: Window) -> dict[int, tuple[float, int]]:
    """Column -> (reading, status code) of each totalizer at the instant before the window."""
    cols = [t.column for t in w.building.totalizers]
    ids = [w.entity_ids[c] for c in cols]
    found = w.conn.execute(sql.SQL(
        "SELECT u.ord, r.value_n, r.status FROM unnest(%s::int[]) WITH ORDINALITY AS u(e, ord)"
        " JOIN LATERAL (SELECT value_n, status FROM {v} WHERE entity_id = u.e AND ts = to_timestamp(%s) LIMIT 1) r"
        " ON true").format(v=w.tables.values), (ids, w.lo - INTERVAL)).fetchall()
    return {cols[o - 1]: (np.nan if v is None else float(v), STATUS_CODES.get(s, OTHER)) for o, v, s in found}


def totalizers_result(grid: Grid, building: Building, before: dict[int, tuple[float, int]]) -> CheckResult:
    decreases = off = checked = 0
    shown: list[str] = []
    for tot in building.totalizers:
        down, bad, usable, lines = _one(grid, building, tot, before.get(tot.column, (np.nan, MISSING)))
        decreases, off, checked = decreases + down, off + bad, checked + usable
        shown += lines
    figure = (f"{n(decreases)} decreases; {n(off)} of {n(checked)} steps off rate x interval"
              " by more than half a unit")
    return verdict("totalizers", decreases + off, figure, shown)


def _one(grid: Grid, b: Building, tot: Point, prev: tuple[float, int]) -> tuple[int, int, int, list[str]]:
    """(decreases, steps off, steps checked, a few lines) of one totalizer; row 0 is the reading before."""
    rate, d = b.rate_point(tot), tot.type.decimals
    times = np.concatenate(([grid.times[0] - INTERVAL] if len(grid.times) else [], grid.times)).astype(np.int64)
    v = np.concatenate(([prev[0]], grid.value[:, tot.column]))
    ok = np.concatenate(([prev[1] == OK], grid.status[:, tot.column] == OK)) & ~np.isnan(v)
    present = np.flatnonzero(~np.isnan(v))
    falls = np.flatnonzero(np.diff(v[present]) < 0)
    lines = [f"{tot.id} {at(times[present[i + 1]])}: {v[present[i + 1]]:.{d}f} after {v[present[i]]:.{d}f}"
             for i in falls[:MAX_ROWS]]
    r = grid.value[:, rate.column]
    usable = ok[1:] & ok[:-1] & (grid.status[:, rate.column] == OK) & ~np.isnan(r)
    step = v[1:] - v[:-1]
    expected = np.maximum(r, 0.0) * tot.type.rate_factor
    tol = 0.5 * 10.0 ** -d + FLOAT_SLACK + 4 * np.spacing(np.nanmax(np.abs(v), initial=1.0))
    with np.errstate(invalid="ignore"):
        bad = np.flatnonzero(usable & (np.abs(step - expected) > tol))
    lines += [f"{tot.id} {at(grid.times[i])}: step {step[i]:.{d}f}, expected {rate.type.suffix} {r[i]:g}"
              f" x {tot.type.rate_factor:g} = {expected[i]:.{d + 2}f}" for i in bad[:MAX_ROWS]]
    return len(falls), len(bad), int(usable.sum()), lines
