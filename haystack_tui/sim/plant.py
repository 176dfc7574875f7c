"""Central plant: chillers staged on the AHUs' cooling load, the boiler on their heating load.

Chillers carry the cooling coils' total load. The lead takes it alone until
it reaches ``lag_start_fraction`` of capacity; then the next chiller starts
and takes the rest (and so on down the line; the last may reach 100 %).
With no load (nights, winter, economiser weather) every chiller is off:
status false, flow, power, load and COP zero. COP falls at part load and
rises with cooler condenser water (wet bulb + tower approach); power is
load / COP. The boiler's output is the heating load (AHU heating coils plus
VAV reheat; ``firingRate`` is output over capacity) and it burns gas for it
at its efficiency; gas flow is never negative.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from haystack_tui.sim.signal import clip, ordered_sum

KW_PER_TON = 3.517
BTU_PER_TON = 12000.0
GAS_BTU_PER_FT3 = 1030.0
CHILLER_MIN_LOAD = 0.03  # share of one chiller's capacity below which none starts
BOILER_MIN_LOAD = 0.005
TOWER_APPROACH_F = 7.0
TOWER_MIN_F = 65.0
CYCLES_OF_CONCENTRATION = 4.0
ROOM_F = 68.0  # plant room: where idle chilled-water sensors drift to


@dataclass(frozen=True)
class Plant:
    chiller_kw: np.ndarray
    """Reported chiller power (kW), (T, n)."""
    rejected: np.ndarray
    """Heat rejected by the cooling towers (BTU/h), (T,)."""
    boiler_gas: np.ndarray
    """Reported boiler gas flow (ft3/h), (T,)."""


def limits(lay):
    """(AHU coil loads, reheat) -> (share of cooling served, share of heating served), each (T,)."""
    ch, bo = lay.spec.chillers, lay.spec.boiler
    cool_max = ((lay.n_chillers - 1) * ch.lag_start_fraction + 1) * ch.capacity_tons * BTU_PER_TON
    heat_max = bo.capacity_mbh * 1000.0

    def share(load, top, floor):
        served = np.minimum(1.0, top / np.where(load > 0, load, 1.0))
        return np.where(load >= floor, served, 0.0) if top > 0 else np.zeros_like(load)

    def fn(cool, heat, reheat):
        total_c = ordered_sum(cool[:, a] for a in range(cool.shape[1]))
        total_h = ordered_sum([heat[:, a] for a in range(heat.shape[1])] + [reheat])
        return (share(total_c, cool_max if lay.n_chillers else 0.0,
                      max(CHILLER_MIN_LOAD * ch.capacity_tons * BTU_PER_TON, 1.0)),
                share(total_h, heat_max if lay.n_boilers else 0.0, max(BOILER_MIN_LOAD * heat_max, 1.0)))
    return fn


def plant(f, wx, air) -> Plant:
    tons = ordered_sum(air.cool[:, a] for a in range(air.cool.shape[1])) * (1.0 / BTU_PER_TON)
    heat = ordered_sum([air.heat[:, a] for a in range(air.heat.shape[1])] + [air.reheat])
    kw, rejected = _chillers(f, wx, tons)
    return Plant(chiller_kw=kw, rejected=rejected, boiler_gas=_boiler(f, wx, heat))


def _chillers(f, wx, tons):
    lay, ch = f.lay, f.lay.spec.chillers
    n, cap = lay.n_chillers, ch.capacity_tons
    if n == 0:
        return np.zeros((len(tons), 0)), np.zeros(len(tons))
    step = ch.lag_start_fraction * cap
    load = np.stack([clip(tons - k * step, 0.0, cap if k == n - 1 else step) for k in range(n)], axis=1)
    run = load > 0.0
    part = load * (1.0 / cap)
    ecwt = np.maximum(TOWER_MIN_F, wx.wetbulb + TOWER_APPROACH_F)[:, None]
    lift = clip(1.0 + 0.015 * (85.0 - ecwt), 0.7, 1.3)
    safe = np.where(run, part, 1.0)
    cop = np.where(run, clip(ch.design_cop * safe / (0.15 + 0.35 * safe + 0.5 * safe * safe) * lift, 1.0, 12.0), 0.0)
    inv_cop = np.where(run, 1.0 / np.where(run, cop, 1.0), 0.0)
    kw = f.put_rounded("chiller", "power", np.where(
        run, load * KW_PER_TON * inv_cop * (1.0 + 0.003 * f.noise("chiller", "power")), 0.0))
    flow = np.where(run, cap * 2.4 * np.maximum(0.4, part), 0.0)
    f.put("chiller", "status", run.astype(np.float64))
    f.put("chiller", "enable", run.astype(np.float64))
    f.put("chiller", "loadPercent", 100.0 * part)
    f.put("chiller", "cop", cop)
    f.put("chiller", "chwFlow", flow * (1.0 + 0.005 * f.noise("chiller", "chwFlow")))
    chws = np.full_like(part, 44.0)
    chwr = chws + load * 24.0 / np.where(run, flow, 1.0)
    cond = ecwt + 10.0 * part * (1.0 + inv_cop) / (1.0 + 1.0 / ch.design_cop)
    f.put_drifting("chiller", "chwSupplyTemp", run, chws, ROOM_F, 0.1)
    f.put_drifting("chiller", "chwReturnTemp", run, chwr, ROOM_F + 0.5, 0.1)
    f.put_drifting("chiller", "condenserTemp", run, cond, (60.0 + 0.25 * (wx.oat - 60.0))[:, None], 0.2)
    rejected = ordered_sum(load[:, k] * BTU_PER_TON * (1.0 + inv_cop[:, k]) for k in range(n))
    return kw, rejected


def _boiler(f, wx, heat):
    lay, bo = f.lay, f.lay.spec.boiler
    if lay.n_boilers == 0:
        return np.zeros(len(heat))
    cap = bo.capacity_mbh * 1000.0
    run = heat > 0.0
    fire = heat * (1.0 / cap)
    f.put("boiler", "status", run.astype(np.float64))
    f.put("boiler", "enable", run.astype(np.float64))
    f.put("boiler", "firingRate", np.where(run, 100.0 * fire + 0.1 * f.noise("boiler", "firingRate")[:, 0], 0.0))
    gas = f.put_rounded("boiler", "gasFlow", np.where(
        run, heat / (bo.efficiency * GAS_BTU_PER_FT3) * (1.0 + 0.005 * f.noise("boiler", "gasFlow")[:, 0]), 0.0))
    hws = np.minimum(np.maximum(180.0 - 0.8 * (wx.oat - 10.0), 140.0), 180.0)
    f.put_drifting("boiler", "hwSupplyTemp", run[:, None], hws[:, None], ROOM_F + 17.0, 0.3)
    f.put_drifting("boiler", "hwReturnTemp", run[:, None], (hws - 4.0 - 20.0 * fire)[:, None], ROOM_F + 16.0, 0.3)
    return gas[:, 0]
