"""Physical relations between the generated points (domain.md, "Physics").

Checked on three sample weeks (January, April, July, each Monday to Monday,
so weekdays and a weekend) of the default building, on rows where every
point a relation reads is ``ok``: a stale or faulty sensor is allowed to
disagree, as in a real building.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from haystack_tui.model import load_building
from haystack_tui.model.building import build
from haystack_tui.sim import STATUS_OK, generate

SEED = 7
WEEKS = {"jan": (2026, 1, 5), "apr": (2026, 4, 6), "jul": (2026, 7, 6)}
NY = ZoneInfo("America/New_York")
BUILDING = load_building()


def ts(y, m, d, h=0, tz=timezone.utc) -> int:
    return int(datetime(y, m, d, h, tzinfo=tz).timestamp())


# The default file's VAVs (800 cfm for ~3,100 ft2 each) cannot carry a summer
# afternoon's load, so comfort is also checked on a building whose boxes can.
SIZED = build(dataclasses.replace(BUILDING.spec, vavs=dataclasses.replace(BUILDING.spec.vavs, max_airflow_cfm=2400)))
SMALL_CHILLERS = build(dataclasses.replace(
    BUILDING.spec, chillers=dataclasses.replace(BUILDING.spec.chillers, capacity_tons=40)))
_BUILDINGS = {"default": BUILDING, "sized": SIZED, "small_chillers": SMALL_CHILLERS}


@lru_cache(maxsize=None)
def week(name: str, building: str = "default"):
    b = _BUILDINGS[building]
    return generate(b, SEED, ts(*WEEKS[name]), 96 * 7, np.zeros(len(b.totalizers)))


class View:
    """Columns of a block by (equipment type, suffix), with their ok masks."""

    def __init__(self, building, block):
        self.b, self.blk = building, block

    def __call__(self, equip_type, suffix):
        return self.blk.values[:, self.b.columns(equip_type, suffix)]

    def ok(self, *keys):
        mask = np.ones(len(self.blk.times), dtype=bool)
        for equip_type, suffix in keys:
            mask &= (self.blk.status[:, self.b.columns(equip_type, suffix)] == STATUS_OK).all(axis=1)
        return mask

    def local_hours(self, tz=NY):
        return np.array([datetime.fromtimestamp(int(t), tz).hour + datetime.fromtimestamp(int(t), tz).minute / 60
                         for t in self.blk.times])


@pytest.fixture(params=list(WEEKS))
def v(request):
    return View(BUILDING, week(request.param))


def test_every_ok_value_is_present_and_in_range(v):
    ok = v.blk.status == STATUS_OK
    vals = v.blk.values
    assert not np.isnan(vals[ok]).any()
    lo = np.array([p.type.lo for p in BUILDING.points])
    hi = np.array([p.type.hi for p in BUILDING.points])
    inside = (vals >= lo) & (vals <= hi)
    assert inside[ok].all()


def test_ahu_airflow_is_the_sum_of_its_vavs(v):
    flows = v("vav", "airFlow")
    ok = v.blk.status == STATUS_OK
    vav_cols = np.array(BUILDING.columns("vav", "airFlow"))
    ahu = np.array(BUILDING.vav_ahu)
    for a, col in enumerate(BUILDING.columns("ahu", "supplyAirFlow")):
        rows = ok[:, col] & ok[:, vav_cols[ahu == a]].all(axis=1)
        assert rows.mean() > 0.3
        expected = flows[:, ahu == a].sum(axis=1)
        assert np.array_equal(v.blk.values[rows, col], expected[rows])


def test_fan_laws(v):
    spec = BUILDING.spec
    design = spec.vavs.max_airflow_cfm * np.bincount(BUILDING.vav_ahu)
    flow, speed, power, static = (v("ahu", s) for s in ("supplyAirFlow", "supplyFanSpeed", "fanPower",
                                                         "staticPressure"))
    rows = v.ok(("ahu", "supplyAirFlow"), ("ahu", "supplyFanSpeed"), ("ahu", "fanPower"), ("ahu", "staticPressure"))
    s = flow[rows] / design
    assert np.allclose(speed[rows], 100 * s, atol=0.051)
    assert np.allclose(power[rows], spec.ahus.fan_kw_at_design * s ** 3, rtol=0.02, atol=0.06)
    assert np.allclose(static[rows], spec.ahus.design_static_inh2o * s ** 2, atol=0.1)


def test_fans_off_means_no_airflow_and_no_power(v):
    status = v("ahu", "status")
    keys = [("ahu", s) for s in ("status", "enable", "supplyAirFlow", "fanPower", "supplyFanSpeed", "staticPressure")]
    rows = v.ok(*keys)
    off = (status == 0) & rows[:, None]
    assert off.any()
    for suffix in ("supplyAirFlow", "fanPower", "supplyFanSpeed", "staticPressure"):
        assert np.all(v("ahu", suffix)[off] == 0)
    assert np.array_equal(v("ahu", "status")[rows], v("ahu", "enable")[rows])
    on = (status == 1) & rows[:, None]
    assert np.all(v("ahu", "supplyAirFlow")[on] > 0)


def cooling_tons(v, rows):
    flow, sat, mat = v("ahu", "supplyAirFlow"), v("ahu", "supplyTemp"), v("ahu", "mixedTemp")
    return (1.08 * flow * np.maximum(mat - sat, 0) / 12000)[rows].sum(axis=1)


def test_chillers_carry_the_ahus_cooling_load(v):
    cap = BUILDING.spec.chillers.capacity_tons
    keys = [("ahu", "supplyAirFlow"), ("ahu", "supplyTemp"), ("ahu", "mixedTemp"), ("chiller", "loadPercent")]
    rows = v.ok(*keys)
    air = cooling_tons(v, rows)
    plant = (v("chiller", "loadPercent")[rows] * cap / 100).sum(axis=1)
    assert np.all(np.abs(air - plant) <= 2.5 + 0.03 * plant)


def test_chiller_state_is_coherent(v):
    ch = BUILDING.spec.chillers
    names = ("status", "enable", "power", "chwFlow", "loadPercent", "cop", "chwSupplyTemp", "chwReturnTemp")
    rows = v.ok(*[("chiller", s) for s in names])
    status, power, flow, load, cop = (v("chiller", s)[rows] for s in ("status", "power", "chwFlow",
                                                                      "loadPercent", "cop"))
    off = status == 0
    assert np.all(power[off] == 0) and np.all(flow[off] == 0) and np.all(load[off] == 0) and np.all(cop[off] == 0)
    on = ~off
    assert np.all(power[on] > 0) and np.all(flow[on] > 0) and np.all(load[on] > 0)
    tons = load * ch.capacity_tons / 100
    # power = load / COP, within the reported resolution.
    assert np.allclose(power[on], tons[on] * 3.517 / cop[on], rtol=0.01, atol=0.2)
    # chilled-water energy balance: tons = gpm x dT / 24, within the noise of two 0.1 F sensors
    dt = (v("chiller", "chwReturnTemp") - v("chiller", "chwSupplyTemp"))[rows]
    assert np.all(np.abs(flow[on] * dt[on] / 24 - tons[on]) <= 0.03 * tons[on] + flow[on] * 0.6 / 24)
    assert np.array_equal(v("chiller", "enable")[rows], status)


def test_chillers_are_off_on_winter_nights():
    v = View(BUILDING, week("jan"))
    night = (v.local_hours() < 5) | (v.local_hours() >= 21)
    rows = v.ok(("chiller", "status")) & night
    assert rows.sum() > 100
    assert np.all(v("chiller", "status")[rows] == 0)
    assert np.all(v("chiller", "power")[night] == 0)


def test_lag_chiller_runs_only_when_the_lead_is_near_capacity():
    v = View(SMALL_CHILLERS, week("jul", "small_chillers"))
    f = BUILDING.spec.chillers.lag_start_fraction
    rows = v.ok(("chiller", "status"), ("chiller", "loadPercent"))
    lead, lag = v("chiller", "loadPercent")[rows].T
    lag_on = v("chiller", "status")[rows][:, 1] == 1
    assert lag_on.any() and (~lag_on & (lead > 0)).any()
    assert np.all(lead[lag_on] >= 100 * f - 0.05)
    assert np.all(lead[~lag_on] <= 100 * f + 0.05)
    assert np.all(lag[~lag_on] == 0)


def test_boiler_burns_gas_for_the_heating_load(v):
    """Gas = boiler heat / efficiency; the heat covers the AHU heating coils (plus VAV reheat)."""
    bo = BUILDING.spec.boiler
    keys = [("ahu", "supplyAirFlow"), ("ahu", "supplyTemp"), ("ahu", "mixedTemp"), ("boiler", "gasFlow"),
            ("boiler", "firingRate"), ("boiler", "status")]
    rows = v.ok(*keys)
    gas = v("boiler", "gasFlow")[rows, 0]
    output = v("boiler", "firingRate")[rows, 0] / 100 * bo.capacity_mbh * 1000
    firing_noise = 0.004 * bo.capacity_mbh * 1000 / bo.efficiency / 1030  # 0.4 % of full fire
    assert np.all(np.abs(output / bo.efficiency / 1030 - gas) <= 1 + 0.02 * gas + firing_noise)
    flow, sat, mat = v("ahu", "supplyAirFlow"), v("ahu", "supplyTemp"), v("ahu", "mixedTemp")
    coils = (1.08 * flow * np.maximum(sat - mat, 0))[rows].sum(axis=1)
    assert np.all(coils / bo.efficiency / 1030 <= gas * 1.03 + 30)
    status = v("boiler", "status")[rows, 0]
    assert np.all((status == 1) == (gas > 0))
    assert np.array_equal(v("boiler", "enable")[rows, 0], status)


def test_gas_is_never_negative_and_the_meter_adds_domestic_use(v):
    meter = v("gasMeter", "flow")[:, 0]
    boiler = v("boiler", "gasFlow")[:, 0]
    assert np.all(meter >= 0) and np.all(boiler >= 0)
    domestic = meter - boiler
    assert np.all(domestic >= 0)
    assert np.all(domestic <= BUILDING.spec.loads.domestic_gas_cfh * 1.15)
    reading = v("gasMeter", "volume")[:, 0]
    assert np.all(np.diff(reading) >= 0)


def test_building_power_is_the_sum_of_its_parts(v):
    keys = [("chiller", "power"), ("ahu", "fanPower"), ("elecMeter", "lightingPlugPower"), ("elecMeter", "power")]
    rows = v.ok(*keys)
    assert rows.mean() > 0.3
    parts = (v("chiller", "power").sum(axis=1) + v("ahu", "fanPower").sum(axis=1)
             + v("elecMeter", "lightingPlugPower")[:, 0] + BUILDING.spec.loads.base_kw)
    assert np.allclose(v("elecMeter", "power")[rows, 0], parts[rows], atol=0.051)


def test_water_is_tower_makeup_plus_domestic_use(v):
    cap = BUILDING.spec.chillers.capacity_tons
    rows = v.ok(("chiller", "loadPercent"), ("chiller", "cop"))
    tons = v("chiller", "loadPercent") * cap / 100
    cop = v("chiller", "cop")
    rejected = (tons * 12000 * (1 + np.where(cop > 0, 1 / np.where(cop > 0, cop, 1), 0))).sum(axis=1)
    makeup = rejected / (1000 * 8.34 * 60) * 4 / 3
    domestic = v("waterMeter", "flow")[:, 0] - makeup
    assert np.all(domestic[rows] >= -0.3)
    assert np.all(domestic[rows] <= BUILDING.spec.loads.domestic_water_gpm * 1.2 + 0.3)


def test_setpoints_follow_the_schedule(v):
    sp = BUILDING.spec.setpoints
    zsp = v("vav", "zoneTempSp")
    allowed = {sp.occupied_heating_f, sp.occupied_cooling_f, sp.unoccupied_heating_f, sp.unoccupied_cooling_f}
    assert set(np.unique(zsp)) <= allowed
    occupied_sp = np.isin(zsp, [sp.occupied_heating_f, sp.occupied_cooling_f])
    # The whole building switches together: one schedule.
    assert np.all(occupied_sp.all(axis=1) | (~occupied_sp).all(axis=1))
    h = v.local_hours()
    weekday = np.array([datetime.fromtimestamp(int(t), NY).weekday() < 5 for t in v.blk.times])
    occ_rows = occupied_sp[:, 0]
    assert np.all(occ_rows[weekday & (h >= 9) & (h < 17)])
    assert not np.any(occ_rows[~weekday | (h < 6) | (h >= 19)])
    # AHUs run whenever the schedule says occupied.
    run_ok = v.ok(("ahu", "status"))
    assert np.all(v("ahu", "status")[occ_rows & run_ok] == 1)


@pytest.mark.parametrize("name", list(WEEKS))
def test_zone_temperatures_follow_setpoints_smoothly(name):
    v = View(SIZED, week(name, "sized"))
    temp = v("vav", "zoneTemp")
    rows = v.ok(("vav", "zoneTemp"))
    step = np.abs(np.diff(temp, axis=0))[rows[1:] & rows[:-1]]
    assert step.max() < 2.5  # lag: no jumps, even when the setpoint steps by 5-6 F
    sp = BUILDING.spec.setpoints
    zsp = v("vav", "zoneTempSp")
    occupied = np.isin(zsp[:, 0], [sp.occupied_heating_f, sp.occupied_cooling_f])
    h = v.local_hours()
    settled = occupied & (h >= 10) & (h < 16) & rows
    lo, hi = sp.occupied_heating_f - 3.5, sp.occupied_cooling_f + 3.5
    assert np.all((temp[settled] >= lo) & (temp[settled] <= hi))
    assert np.median(np.abs(temp[settled] - zsp[settled])) < 1.5


def test_zones_overshoot_after_the_morning_start():
    """Winter: setpoint steps 65 -> 70 at start-up; zones rise with lag and overshoot a little."""
    v = View(BUILDING, week("jan"))
    temp, zsp = v("vav", "zoneTemp"), v("vav", "zoneTempSp")
    temp = np.where(v.blk.status[:, BUILDING.columns("vav", "zoneTemp")] == STATUS_OK, temp, np.nan)
    start = np.nonzero((zsp[1:, 0] >= 70) & (zsp[:-1, 0] < 70))[0] + 1
    assert len(start) >= 4
    for s in start:
        before = np.nanmedian(temp[s - 1])
        first = np.nanmedian(temp[s + 1])
        peak = np.nanmedian(np.nanmax(temp[s + 2:s + 16], axis=0))
        assert before < 66 and before < first < peak - 1  # lag: not at the new setpoint at once
        assert peak > 70.2  # heating zones pass the heating setpoint before settling


def test_south_and_west_zones_warm_in_the_afternoon_sun():
    v = View(SIZED, week("jul", "sized"))
    h = v.local_hours()
    zones = np.array(BUILDING.vav_zone)
    temp = v("vav", "zoneTemp")
    rows = v.ok(("vav", "zoneTemp")) & (h >= 14) & (h < 18) & (v("ahu", "status")[:, 0] == 1)
    west = temp[rows][:, zones == "west"].mean()
    north = temp[rows][:, zones == "north"].mean()
    assert west > north + 0.3


def test_weather_points(v):
    t = v("weather", "temp")[:, 0]
    rh = v("weather", "humidity")[:, 0]
    rows = v.ok(("weather", "temp"), ("weather", "humidity"))
    assert np.all((rh[rows] >= 0) & (rh[rows] <= 100))
    h = v.local_hours()
    profile = np.array([t[rows & (np.floor(h) == k)].mean() for k in range(24)])
    assert abs(int(np.argmax(profile)) - BUILDING.spec.climate.peak_hour) <= 3
    rh_profile = np.array([rh[rows & (np.floor(h) == k)].mean() for k in range(24)])
    assert rh_profile[13:17].mean() < rh_profile[3:7].mean()


def test_seasons_are_realistic_for_new_york():
    means = {name: View(BUILDING, week(name))("weather", "temp")[:, 0] for name in WEEKS}
    assert 15 < np.nanmedian(means["jan"]) < 50
    assert 65 < np.nanmedian(means["jul"]) < 95
    assert np.nanmedian(means["jan"]) < np.nanmedian(means["apr"]) < np.nanmedian(means["jul"])


def test_electricity_peaks_on_summer_afternoons_and_falls_on_winter_nights():
    jul, jan = View(BUILDING, week("jul")), View(BUILDING, week("jan"))
    p_jul, p_jan = jul("elecMeter", "power")[:, 0], jan("elecMeter", "power")[:, 0]
    h = jul.local_hours()
    assert p_jul.max() > p_jan.max()
    assert 12 <= h[np.argmax(p_jul)] < 19
    hours = jan.local_hours()
    weekday = np.array([datetime.fromtimestamp(int(t), NY).weekday() < 5 for t in jan.blk.times])
    night_or_weekend = (hours < 7) | (hours >= 19) | ~weekday
    assert p_jan[night_or_weekend].mean() < p_jan[weekday & (hours >= 9) & (hours < 17)].mean() - 30
    assert night_or_weekend[np.argmin(p_jan)]
    assert 100 < p_jan.mean() < 600 and 100 < p_jul.mean() < 600
