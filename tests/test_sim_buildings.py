"""Other buildings: the generator follows whatever shape the building file describes."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from haystack_tui.model import load_building
from haystack_tui.model.building import build
from haystack_tui.sim import STATUS_OK, generate, readings_at

BERLIN_FILE = """
[site]
id = "site-berlin-office"
dis = "Berlin Office"
area_ft2 = 40000
floors = 5
tz = "Europe/Berlin"
latitude = 52.52
longitude = 13.40

[climate]
annual_mean_f = 50.5
seasonal_amplitude_f = 17.0
coldest_day = 20
daily_range_f = 13.0
peak_hour = 15.0
front_amplitude_f = 6.0
front_days = 4.0
humidity_mean_pct = 75.0

[chillers]
count = 1
capacity_tons = 60

[boiler]
count = 0

[ahus]
floors_per_ahu = 2
fan_kw_at_design = 12.0

[vavs]
zones = ["north", "south", "core"]
max_airflow_cfm = 2000
"""
BERLIN = ZoneInfo("Europe/Berlin")
SEED = 4


@pytest.fixture(scope="module")
def berlin(tmp_path_factory):
    path = tmp_path_factory.mktemp("buildings") / "berlin.toml"
    path.write_text(BERLIN_FILE)
    return load_building(path)


_WEEKS: dict = {}


def week(building, month):
    """One week from the 5th of ``month`` 2026, generated once per building (held by the fixture)."""
    key = (id(building), month)
    if key not in _WEEKS:
        start = int(datetime(2026, month, 5, tzinfo=timezone.utc).timestamp())
        _WEEKS[key] = (building, generate(building, SEED, start, 96 * 7, np.zeros(len(building.totalizers))))
    return _WEEKS[key][1]


def ok_rows(building, block, *keys):
    mask = np.ones(len(block.times), dtype=bool)
    for equip_type, suffix in keys:
        mask &= (block.status[:, building.columns(equip_type, suffix)] == STATUS_OK).all(axis=1)
    return mask


def test_shape_follows_the_file(berlin):
    assert berlin.count("ahu") == 3 and berlin.count("vav") == 15
    assert berlin.count("chiller") == 1 and berlin.count("boiler") == 0
    block = week(berlin, 1)
    assert block.values.shape == (96 * 7, len(berlin.points))


@pytest.mark.parametrize("month", [1, 7])
def test_values_are_present_and_in_range(berlin, month):
    block = week(berlin, month)
    ok = block.status == STATUS_OK
    assert not np.isnan(block.values[ok]).any()
    lo = np.array([p.type.lo for p in berlin.points])
    hi = np.array([p.type.hi for p in berlin.points])
    assert (((block.values >= lo) & (block.values <= hi)) | ~ok).all()


@pytest.mark.parametrize("month", [1, 7])
def test_relations_hold_with_uneven_ahu_groups(berlin, month):
    block = week(berlin, month)
    v = block.values
    flows = v[:, berlin.columns("vav", "airFlow")]
    ahu_of = np.array(berlin.vav_ahu)
    assert sorted(np.bincount(ahu_of)) == [3, 6, 6]
    for a, col in enumerate(berlin.columns("ahu", "supplyAirFlow")):
        rows = (block.status[:, [col, *np.array(berlin.columns("vav", "airFlow"))[ahu_of == a]]] == STATUS_OK).all(1)
        assert np.array_equal(v[rows, col], flows[rows][:, ahu_of == a].sum(axis=1))
    rows = ok_rows(berlin, block, ("ahu", "fanPower"))
    parts = (v[:, berlin.columns("chiller", "power")].sum(1) + v[:, berlin.columns("ahu", "fanPower")].sum(1)
             + v[:, berlin.columns("elecMeter", "lightingPlugPower")[0]] + berlin.spec.loads.base_kw)
    assert np.allclose(v[rows, berlin.columns("elecMeter", "power")[0]], parts[rows], atol=0.051)


def test_no_boiler_means_no_heating_coils_and_only_domestic_gas(berlin):
    block = week(berlin, 1)
    v = block.values
    heating = v[:, berlin.columns("ahu", "heatingValve")]
    rows = ok_rows(berlin, block, ("ahu", "heatingValve"))
    assert np.all(heating[rows] == 0)
    gas = v[:, berlin.columns("gasMeter", "flow")[0]]
    assert np.all(gas >= 0) and np.all(gas <= berlin.spec.loads.domestic_gas_cfh * 1.15)


def test_single_chiller_off_on_winter_nights_and_on_in_summer(berlin):
    jan, jul = week(berlin, 1), week(berlin, 7)
    col = berlin.columns("chiller", "status")[0]
    hours = np.array([datetime.fromtimestamp(int(t), BERLIN).hour for t in jan.times])
    night = (hours < 5) & (jan.status[:, col] == STATUS_OK)
    assert np.all(jan.values[night, col] == 0)
    assert np.nanmax(jul.values[:, col]) == 1
    power = jul.values[:, berlin.columns("chiller", "power")[0]]
    assert np.all(((power > 0) == (jul.values[:, col] == 1)) | (jul.status[:, col] != STATUS_OK))


@pytest.mark.parametrize("month,utc_offset_h", [(1, 1), (7, 2)])
def test_schedule_runs_on_berlin_time(berlin, month, utc_offset_h):
    """The weekday start (about 06:30 Berlin) is an hour earlier in UTC in summer (CEST) than in winter (CET)."""
    knots = np.array(berlin.spec.schedule.weekday)
    quarter_hours = np.arange(96) / 4
    first = quarter_hours[np.argmax(np.interp(quarter_hours, knots[:, 0], knots[:, 1])
                                    >= berlin.spec.schedule.occupied_threshold)]
    utc_hour, minute = divmod(int(round((first - utc_offset_h) * 60)), 60)
    block = week(berlin, month)
    sp = berlin.spec.setpoints
    zsp = block.values[:, berlin.columns("vav", "zoneTempSp")[0]]
    occupied = np.isin(zsp, [sp.occupied_heating_f, sp.occupied_cooling_f])
    starts = np.nonzero(occupied[1:] & ~occupied[:-1])[0] + 1
    assert len(starts) == 5  # Monday to Friday
    for r in starts:
        t = datetime.fromtimestamp(int(block.times[r]), timezone.utc)
        assert (t.hour, t.minute) == (utc_hour, minute)


def test_totalizers_continue(berlin):
    t0 = int(datetime(2026, 7, 5, tzinfo=timezone.utc).timestamp())
    a = generate(berlin, SEED, t0, 50)
    b = generate(berlin, SEED, t0 + 50 * 900, 30, a.readings_end)
    assert np.array_equal(b.readings_end, readings_at(berlin, SEED, t0 + 79 * 900))


def test_building_without_chillers_with_one_ahu_and_one_zone():
    spec = load_building().spec
    spec = dataclasses.replace(
        spec, site=dataclasses.replace(spec.site, floors=1, area_ft2=5000),
        chillers=dataclasses.replace(spec.chillers, count=0),
        ahus=dataclasses.replace(spec.ahus, floors_per_ahu=1),
        vavs=dataclasses.replace(spec.vavs, zones=("core",)))
    b = build(spec)
    block = generate(b, SEED, int(datetime(2026, 7, 6, tzinfo=timezone.utc).timestamp()), 96,
                     np.zeros(len(b.totalizers)))
    assert b.columns("chiller", "power") == []
    ok = block.status == STATUS_OK
    assert not np.isnan(block.values[ok]).any()
    rows = ok_rows(b, block, ("ahu", "coolingValve"))
    assert np.all(block.values[rows, b.columns("ahu", "coolingValve")[0]] == 0)
    v = block.values
    rows = ok_rows(b, block, ("ahu", "fanPower"))
    parts = v[:, b.columns("ahu", "fanPower")[0]] + v[:, b.columns("elecMeter", "lightingPlugPower")[0]] \
        + spec.loads.base_kw
    assert np.allclose(v[rows, b.columns("elecMeter", "power")[0]], parts[rows], atol=0.051)
