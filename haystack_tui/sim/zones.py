"""Zones: heat balance, HVAC need, AHU run/mode, and zone temperature.

Each zone gains heat from people and lighting/plug load (occupancy), the sun
on its facade, and loses or gains it through the envelope; its mass and
neighbours pull it toward the building's mid setpoint. Where that
free-floating temperature leaves the active deadband the HVAC must add or
remove heat (``need``). The zone temperature follows the target (deadband
clamp plus any unmet share) through a second-order lag with overshoot, so
occupancy changes ring a little, as real zones do. Overloaded zones (often
south and west on sunny afternoons) drift above setpoint by a bounded amount.

AHUs run in occupied mode, and otherwise when one of their zones, left
alone, would leave the unoccupied band by more than a degree and the plant
can help (night setback). An AHU cools or heats by the sign of its zones'
total need.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from haystack_tui.sim import rng
from haystack_tui.sim.geometry import SHGC
from haystack_tui.sim.signal import clip, fir, group_sum, zone_kernel

W_PER_M2_TO_BTUH_FT2 = 0.317
PEOPLE_BTUH_FT2 = 1.25  # 250 BTU/h sensible per person, one per 200 ft2
MAX_DRIFT_F = 3.0  # how far an overloaded zone drifts from its setpoint
NIGHT_MARGIN_F = 1.0
SAT_HEAT_MAX = 95.0
HEAT_DT_DESIGN = 20.0  # supply-minus-zone temperature a VAV is sized for in heating
REHEAT_SHARE = 0.5  # a reheating box runs at up to half its maximum airflow


@dataclass(frozen=True)
class ZoneState:
    heat_sp: np.ndarray
    """Active heating setpoint (occupied or unoccupied), (T,)."""
    cool_sp: np.ndarray
    mid: np.ndarray
    need: np.ndarray
    """HVAC heat needed to hold the zone in the deadband (BTU/h, + heat, - cool), (T, Z)."""
    temp: np.ndarray
    """True zone temperature (F), (T, Z)."""
    setpoint: np.ndarray
    """The zone's active setpoint (the one it is nearer to), (T, Z)."""
    running: np.ndarray
    """AHU fan on (bool), (T, A)."""
    cooling: np.ndarray
    """AHU in cooling mode (bool), (T, A)."""
    sat_cool: np.ndarray
    """Cooling discharge-air setpoint after the outdoor-air reset (F), (T,)."""


def zone_state(lay, seed_key: int, i, wx, occ, lp_frac_zone) -> ZoneState:
    sp, z, loads = lay.spec.setpoints, lay.zones, lay.spec.loads
    sched = occ.scheduled
    heat_sp = np.where(sched, sp.occupied_heating_f, sp.unoccupied_heating_f)
    cool_sp = np.where(sched, sp.occupied_cooling_f, sp.unoccupied_cooling_f)
    mid = 0.5 * (heat_sp + cool_sp)
    gains = z.area * (loads.lighting_plug_w_per_ft2 * 3.412 * lp_frac_zone + PEOPLE_BTUH_FT2 * occ.zone) \
        + (SHGC * W_PER_M2_TO_BTUH_FT2 * z.window) * wx.sun
    free = (z.ua * wx.oat[:, None] + (z.g - z.ua) * mid[:, None] + gains) * (1.0 / z.g)
    target0 = clip(free, heat_sp[:, None], cool_sp[:, None])
    need = z.g * (target0 - free)
    cooling = group_sum(need, lay.members) < 0.0
    sat_cool = clip(60.0 - 0.25 * (wx.oat - 50.0), 55.0, 60.0)
    scheduled = np.repeat(sched[:, None], lay.n_ahus, axis=1)
    kernel = zone_kernel()
    # Night setback: the AHU runs when a zone, left alone, would drift out of the unoccupied band.
    alone = fir(target0 + _drift(lay, wx, need, target0, scheduled, cooling, sat_cool), kernel)
    running = scheduled | _night_call(lay, alone, heat_sp, cool_sp)
    target = target0 + _drift(lay, wx, need, target0, running, cooling, sat_cool)
    wander = 0.25 * rng.smooth(np.uint64(seed_key) ^ lay.zone_keys, i, 12)
    temp = fir(target, kernel) + wander
    setpoint = np.where(temp < mid[:, None], heat_sp[:, None], cool_sp[:, None])
    return ZoneState(heat_sp, cool_sp, mid, need, temp, setpoint, running, cooling, sat_cool)


def _night_call(lay, temp, heat_sp, cool_sp) -> np.ndarray:
    """(T, A): some zone of the AHU is out of the band by more than the margin, and the plant can help."""
    too_cold = (heat_sp[:, None] - temp) if lay.n_boilers else np.full_like(temp, -np.inf)
    too_warm = (temp - cool_sp[:, None]) if lay.n_chillers else np.full_like(temp, -np.inf)
    out = np.maximum(too_cold, too_warm)
    pad = np.concatenate([out, np.full((len(out), 1), -np.inf)], axis=1)
    return pad[:, lay.members].max(axis=2) > NIGHT_MARGIN_F


def _drift(lay, wx, need, target0, running, cooling, sat_cool):
    """Degrees the zone ends up off its target when the HVAC cannot meet the need.

    A cooling AHU cools its cooling zones and (with a boiler) reheats its
    heating zones at limited flow; a heating AHU heats only. What a zone gets
    beyond its capacity, or from the wrong mode, it lacks: it drifts, bounded.
    """
    z = lay.zones
    run_z = running[:, z.ahu]
    cool_z = cooling[:, z.ahu]
    wants_cool = need < 0.0
    coldest = sat_cool if lay.n_chillers else np.maximum(sat_cool, wx.oat)
    cap_cool = 1.08 * z.fmax * np.maximum(target0 - coldest[:, None], 0.0)
    cap_heat = 1.08 * z.fmax * np.maximum(SAT_HEAT_MAX - target0, 0.0) * (lay.n_boilers > 0)
    cap = np.where(wants_cool, cap_cool * cool_z, np.where(cool_z, REHEAT_SHARE * cap_heat, cap_heat)) * run_z
    unmet = np.maximum(np.abs(need) - cap, 0.0)
    return -np.sign(need) * MAX_DRIFT_F * np.tanh(unmet * (1.0 / (MAX_DRIFT_F * z.g)))
