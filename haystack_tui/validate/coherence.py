"""Coherence: the physical relations between points hold at every interval.

Only intervals where every point of a relation has an ``ok`` row with a
value are judged (a stale or faulty sensor is the quality check's business).
Tolerances follow how the generator builds each relation:

- airflow: an AHU's ``supplyAirFlow`` is the sum of its VAVs' reported
  ``airFlow``; allowed: 1 % or the rounding of the terms, whichever is larger.
- power: the electric meter's ``power`` is chillers + AHU fans +
  ``lightingPlugPower`` + ``loads.base_kw``, summed from the reported values;
  allowed: half the meter's resolution.
- gas: the gas meter's ``flow`` is at least the boilers' ``gasFlow``, never
  negative, and exceeds it by no more than 1.5 x ``loads.domestic_gas_cfh``.
- cooling: see ``cooling.py``.
"""

from __future__ import annotations

import numpy as np

from haystack_tui.model.building import Building
from haystack_tui.validate.data import Grid
from haystack_tui.validate.result import MAX_ROWS, CheckResult, at, n, verdict
from haystack_tui.validate.window import Window

AIRFLOW_REL = 0.01
DOMESTIC_GAS_MARGIN = 1.5
SLACK = 1e-6


def _half_unit(b: Building, equip_type: str, suffix: str) -> float:
    pt = next(p.type for p in b.points if p.equip.type == equip_type and p.type.suffix == suffix)
    return 0.5 * 10.0 ** -max(0, pt.decimals)


def check_airflow(w: Window) -> CheckResult:
    return airflow_result(w.grid, w.building)


def airflow_result(grid: Grid, b: Building) -> CheckResult:
    vav = np.array(b.columns("vav", "airFlow"), dtype=np.int64)
    owner = np.array(b.vav_ahu)
    checked = bad_count = 0
    shown: list[str] = []
    for a, col in enumerate(b.columns("ahu", "supplyAirFlow")):
        members = vav[owner == a]
        if len(members) == 0:
            continue
        ok = grid.ok([col])[:, 0] & grid.ok(members).all(axis=1)
        total = grid.value[:, members].sum(axis=1)
        rounding = _half_unit(b, "ahu", "supplyAirFlow") + len(members) * _half_unit(b, "vav", "airFlow")
        with np.errstate(invalid="ignore"):
            bad = np.flatnonzero(ok & (np.abs(grid.value[:, col] - total)
                                       > np.maximum(AIRFLOW_REL * total, rounding) + SLACK))
        checked += int(ok.sum())
        bad_count += len(bad)
        ahu_id = b.points[col].id
        shown += [f"{ahu_id} {at(grid.times[i])}: {grid.value[i, col]:g} cfm vs VAVs {total[i]:g}" for i in bad[:MAX_ROWS]]
    return verdict("coherence.airflow", bad_count, f"{n(bad_count)} of {n(checked)} AHU-intervals off the sum of"
                   f" their VAVs by more than {AIRFLOW_REL:.0%}", shown)


def check_power(w: Window) -> CheckResult:
    return power_result(w.grid, w.building)


def power_result(grid: Grid, b: Building) -> CheckResult:
    meters = b.columns("elecMeter", "power")
    if not meters:
        return CheckResult("coherence.power", True, "error", "no electric meter")
    parts = b.columns("chiller", "power") + b.columns("ahu", "fanPower") + b.columns("elecMeter", "lightingPlugPower")
    ok = grid.ok(meters + parts).all(axis=1)
    expected = grid.value[:, parts].sum(axis=1) + b.spec.loads.base_kw
    meter = grid.value[:, meters].sum(axis=1)
    tol = _half_unit(b, "elecMeter", "power") + SLACK
    with np.errstate(invalid="ignore"):
        bad = np.flatnonzero(ok & (np.abs(meter - expected) > tol))
    shown = [f"{at(grid.times[i])}: meter {meter[i]:.1f} kW vs components + base {expected[i]:.2f} kW"
             for i in bad[:MAX_ROWS]]
    return verdict("coherence.power", len(bad), f"{n(len(bad))} of {n(int(ok.sum()))} intervals where building"
                   f" power differs from chillers + fans + lighting/plug + base by more than {tol:.2f} kW", shown)


def check_gas(w: Window) -> CheckResult:
    return gas_result(w.grid, w.building)


def gas_result(grid: Grid, b: Building) -> CheckResult:
    meters = b.columns("gasMeter", "flow")
    if not meters:
        return CheckResult("coherence.gas", True, "error", "no gas meter")
    boilers = b.columns("boiler", "gasFlow")
    ok = grid.ok(meters + boilers).all(axis=1)
    meter = grid.value[:, meters].sum(axis=1)
    burnt = grid.value[:, boilers].sum(axis=1)
    tol = _half_unit(b, "gasMeter", "flow") + SLACK
    ceiling = DOMESTIC_GAS_MARGIN * b.spec.loads.domestic_gas_cfh + tol
    with np.errstate(invalid="ignore"):
        wrong = (meter < -SLACK) | (burnt < -SLACK) | (meter < burnt - tol) | (meter - burnt > ceiling)
    bad = np.flatnonzero(ok & wrong)
    shown = [f"{at(grid.times[i])}: meter {meter[i]:g} ft³/h, boilers {burnt[i]:g} ft³/h" for i in bad[:MAX_ROWS]]
    return verdict("coherence.gas", len(bad), f"{n(len(bad))} of {n(int(ok.sum()))} intervals where the gas meter"
                   f" is negative, below the boilers' gas or more than {ceiling:g} ft³/h above it", shown)
