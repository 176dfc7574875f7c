"""VAV boxes and air handlers: airflow, fan laws, mixing, coil loads.

A VAV's airflow meets its zone's need at the AHU's discharge temperature
(plus a recovery term while the zone is off setpoint), between its minimum
and maximum. The AHU moves exactly the sum of its boxes' reported airflows;
fan speed is that flow over the design flow, fan power goes with speed cubed
and static pressure with speed squared. Outside air mixes with return air
(minimum outside air when occupied, an economiser when it helps, dampers shut
at night); the coils take the mixed air to the discharge temperature, so a
coil's load is 1.08 x cfm x (mixed - discharge) in BTU/h. The plant may
refuse a load too small to start a chiller or boiler, or cap one beyond its
capacity; the discharge temperature then follows what the coils really did.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from haystack_tui.sim.signal import clip, group_sum, ordered_sum
from haystack_tui.sim.zones import HEAT_DT_DESIGN, REHEAT_SHARE, SAT_HEAT_MAX

RECOVERY_F = 3.0  # degrees above the cooling setpoint that open a box fully
RECOVERY_GAIN = 3.0  # heating recovery: extra heat per degree below setpoint, in units of the zone's conductance
ECONOMISER_HIGH_LIMIT_F = 65.0


@dataclass(frozen=True)
class AirSide:
    flow: np.ndarray
    """AHU supply airflow (cfm), the exact sum of its boxes' reported airflows, (T, A)."""
    cool: np.ndarray
    """Cooling-coil load (BTU/h), (T, A)."""
    heat: np.ndarray
    """Heating-coil load (BTU/h), (T, A)."""
    reheat: np.ndarray
    """Heat added by the VAV boxes' reheat coils (BTU/h), (T,)."""
    fan_kw: np.ndarray
    """Reported fan power (kW), (T, A)."""


def vav_flows(f, zs) -> np.ndarray:
    """Reported VAV airflows (rounded cfm); also writes the other VAV points."""
    lay = f.lay
    z = lay.zones
    run_z = zs.running[:, z.ahu]
    cool_z = zs.cooling[:, z.ahu]
    dt_cool = np.maximum(zs.temp - zs.sat_cool[:, None], 5.0)
    f_cool = np.maximum(-zs.need, 0.0) / (1.08 * dt_cool) \
        + z.fmax * clip((zs.temp - zs.cool_sp[:, None]) * (1.0 / RECOVERY_F), 0.0, 1.0)
    f_heat = heat_demand(lay, zs) * (1.0 / (1.08 * HEAT_DT_DESIGN))
    # Cooling AHU: cooling zones modulate, heating zones reheat (if there is hot water) at limited flow.
    reheating = (f_heat > 0.0) & (lay.n_boilers > 0)
    flow = np.where(cool_z, np.where(reheating, np.minimum(f_heat, REHEAT_SHARE * z.fmax), f_cool), f_heat)
    flow = clip(flow, z.fmin, z.fmax)
    flow = np.where(run_z, np.minimum(flow * (1.0 + 0.01 * f.noise("vav", "airFlow")), z.fmax), 0.0)
    flow = f.put_rounded("vav", "airFlow", flow)
    damper = np.where(run_z, 100.0 * flow * (1.0 / z.fmax) + 0.4 * f.noise("vav", "damperPos"), 0.0)
    f.put("vav", "damperPos", damper)
    f.put("vav", "zoneTemp", zs.temp + 0.1 * f.noise("vav", "zoneTemp"))
    f.put("vav", "zoneTempSp", zs.setpoint)
    return flow


def heat_demand(lay, zs) -> np.ndarray:
    """Heat a zone asks for (BTU/h): its need plus recovery toward the heating setpoint."""
    return np.maximum(zs.need, 0.0) + RECOVERY_GAIN * lay.zones.g * np.maximum(zs.heat_sp[:, None] - zs.temp, 0.0)


def _reheat(f, zs, flow_z, sat) -> np.ndarray:
    """Heat (BTU/h, (T,)) the boxes of cooling AHUs add to their heating zones' cold supply air."""
    lay = f.lay
    z = lay.zones
    demand = heat_demand(lay, zs)
    on = zs.cooling[:, z.ahu] & (demand > 0.0) & (flow_z > 0.0)
    k = 1.08 * np.where(on, flow_z, 1.0)
    discharge = np.minimum(zs.temp + demand / k, SAT_HEAT_MAX)
    heat = np.where(on, k * np.maximum(discharge - sat[:, z.ahu], 0.0), 0.0)
    f.put("vav", "reheatValve", 100.0 * heat / (1.08 * z.fmax * (SAT_HEAT_MAX - 55.0)))
    return heat


def air_handlers(f, wx, occ, zs, flow_z, lp_frac, plant_limits) -> AirSide:
    """AHU points from the boxes' airflows; coil loads as the plant accepts them."""
    lay = f.lay
    flow = group_sum(flow_z, lay.members)
    inv_flow = 1.0 / np.where(flow > 0.0, flow, 1.0)
    t_air, rat = _return_air(lay, zs, flow_z, flow, inv_flow, lp_frac)
    mat = _mixed_air(lay, wx, occ, zs, rat)
    sat = _discharge(lay, zs, t_air, mat, inv_flow)
    k = 1.08 * flow
    cool, heat = k * np.maximum(mat - sat, 0.0), k * np.maximum(sat - mat, 0.0)
    if lay.n_boilers:
        reheat = _reheat(f, zs, flow_z, sat)
    else:  # no hot water: the reheat valves stay shut
        reheat = np.zeros_like(zs.temp)
        f.put("vav", "reheatValve", 0.0)
    reheat_total = ordered_sum(reheat[:, j] for j in range(reheat.shape[1]))
    r_cool, r_heat = plant_limits(cool, heat, reheat_total)
    cool, heat = cool * r_cool[:, None], heat * r_heat[:, None]
    sat = np.where(flow > 0.0, mat + (heat - cool) * inv_flow * (1.0 / 1.08), mat)
    fan_kw = _put_ahu(f, zs.running, flow, sat, mat, rat, cool, heat)
    return AirSide(flow=flow, cool=cool, heat=heat, reheat=reheat_total * r_heat, fan_kw=fan_kw)


def _return_air(lay, zs, flow_z, flow, inv_flow, lp_frac):
    """(flow-weighted zone air, return air): lights in the return plenum add a degree or two."""
    members = lay.members
    t_mean = group_sum(zs.temp, members) / group_sum(np.ones_like(zs.temp), members)
    t_air = np.where(flow > 0.0, group_sum(flow_z * zs.temp, members) * inv_flow, t_mean)
    rat = np.where(zs.running, t_air + (0.5 + 1.5 * lp_frac)[:, None], t_mean)
    return t_air, rat


def _mixed_air(lay, wx, occ, zs, rat):
    """Minimum outside air when occupied, more when it cools for free; dampers shut otherwise."""
    oat = wx.oat[:, None]
    min_oa = lay.spec.ahus.min_outside_air_fraction
    econ = zs.cooling & (oat < rat - 1.0) & (oat < ECONOMISER_HIGH_LIMIT_F)
    oa_econ = clip((rat - zs.sat_cool[:, None]) / np.where(econ, rat - oat, 1.0), min_oa, 1.0)
    oa = np.where(occ.scheduled[:, None], np.where(econ, oa_econ, min_oa), 0.0) * zs.running
    return oa * oat + (1.0 - oa) * rat


def _discharge(lay, zs, t_air, mat, inv_flow):
    """Planned discharge temperature: the reset setpoint when cooling, what the zones ask when heating."""
    heat_need = group_sum(heat_demand(lay, zs), lay.members)
    sat_h = clip(t_air + heat_need * inv_flow * (1.0 / 1.08), t_air, SAT_HEAT_MAX)
    sat = np.where(zs.cooling, zs.sat_cool[:, None], np.maximum(sat_h, mat))
    if not lay.n_chillers:
        sat = np.maximum(sat, mat)
    if not lay.n_boilers:
        sat = np.minimum(sat, mat)
    return sat


def _put_ahu(f, running, flow, sat, mat, rat, cool, heat) -> np.ndarray:
    lay, ahus = f.lay, f.lay.spec.ahus
    on = running.astype(np.float64)
    f.put("ahu", "status", on)
    f.put("ahu", "enable", on)
    f.put("ahu", "supplyAirFlow", flow)
    speed = flow / lay.ahu_design_cfm
    f.put("ahu", "supplyFanSpeed", 100.0 * speed)
    fan_kw = f.put_rounded("ahu", "fanPower",
                           ahus.fan_kw_at_design * speed ** 3 * (1.0 + 0.004 * f.noise("ahu", "fanPower")))
    f.put("ahu", "staticPressure", np.where(
        running, ahus.design_static_inh2o * speed ** 2 + 0.02 * f.noise("ahu", "staticPressure"), 0.0))
    # Off, the duct sensors drift from their last reading toward the return air.
    f.put_drifting("ahu", "supplyTemp", running, sat, rat, 0.15)
    f.put_drifting("ahu", "mixedTemp", running, mat, rat, 0.2)
    f.put("ahu", "returnTemp", rat + 0.15 * f.noise("ahu", "returnTemp"))
    design = 1.08 * lay.ahu_design_cfm
    # A valve passing any load reads open (at least 0.5 %); a shut one reads exactly 0.
    f.put("ahu", "coolingValve", np.where(cool > 0, np.maximum(
        100.0 * np.sqrt(cool / (design * 25.0)) + 0.3 * f.noise("ahu", "coolingValve"), 0.5), 0.0))
    f.put("ahu", "heatingValve", np.where(heat > 0, np.maximum(
        100.0 * np.sqrt(heat / (design * 40.0)) + 0.3 * f.noise("ahu", "heatingValve"), 0.5), 0.0))
    return fan_kw
