"""Ranges: every ``ok`` row has a value inside its point type's plausible range.

Number points: ``type.lo <= value <= type.hi``; Bool points: a value (0/1 by
construction of ``value_b``). A NULL on an ``ok`` row is a failure too: only
``fault`` rows may lack a value. Stale and fault rows are the quality
check's business.
"""

from __future__ import annotations

import numpy as np

from haystack_tui.model.building import Point
from haystack_tui.validate.data import OK, US, Rows
from haystack_tui.validate.result import MAX_ROWS, CheckResult, at, n, num, verdict
from haystack_tui.validate.window import Window


def check_ranges(w: Window) -> CheckResult:
    return ranges_result(w.rows, w.points)


def ranges_result(rows: Rows, points: tuple[Point, ...]) -> CheckResult:
    lo = np.array([p.type.lo for p in points])[rows.column]
    hi = np.array([p.type.hi for p in points])[rows.column]
    is_bool = np.array([p.kind == "Bool" for p in points])[rows.column]
    ok = rows.status == OK
    v = rows.value
    with np.errstate(invalid="ignore"):
        outside = np.isnan(v) | (~is_bool & ((v < lo) | (v > hi))) | (is_bool & (v != 0) & (v != 1))
    bad = np.flatnonzero(ok & outside)
    shown = []
    for i in bad[:MAX_ROWS]:
        p = points[rows.column[i]]
        bounds = "0/1" if p.kind == "Bool" else f"{p.type.lo:g}..{p.type.hi:g}"
        shown.append(f"{p.id} {at(rows.ts_us[i] // US)}: {num(v[i], max(0, p.type.decimals))} outside {bounds}")
    return verdict("ranges", len(bad), f"{n(len(bad))} of {n(int(ok.sum()))} ok rows outside their point's range",
                   shown)
