"""The validation checks' arithmetic on generated blocks, without a database (issue 6).

Every check passes on what the generator produces in each season, and each
one fails on the one corruption it exists to catch while the others pass.
The database side (fetching, SQL-only checks, the CLI) is in
``test_validate_suite.py`` and ``test_validate_cli.py``.
"""

from __future__ import annotations

import dataclasses
import json
import re
import struct

import numpy as np
import pytest

from haystack_tui import sim
from haystack_tui.errors import ConfigError
from haystack_tui.model import load_building
from haystack_tui.timegrid import DAY, INTERVAL, parse_instant
from haystack_tui.validate import CheckResult
from haystack_tui.validate.cli import render_table, resolve_window
from haystack_tui.validate.coherence import airflow_result, gas_result, power_result
from haystack_tui.validate.completeness import gaps_result, grid_result
from haystack_tui.validate.cooling import cooling_result
from haystack_tui.validate.data import FAULT, OK, STALE, US, Rows
from haystack_tui.validate.fetch import PG_EPOCH_US, _assemble, array_of
from haystack_tui.validate.freshness import age_text, freshness_result
from haystack_tui.validate.quality import episode_mean, rates_result, status_result
from haystack_tui.validate.ranges import ranges_result
from haystack_tui.validate.totalizers import totalizers_result

B = load_building()
SEED = 42
SEASONS = ["2026-01-15", "2026-04-15", "2026-07-20", "2026-10-15"]


def generated(building, start: int, n: int = 192) -> tuple[Rows, dict]:
    """n intervals from ``start`` as stored rows, and the totalizer readings just before."""
    blk = sim.generate(building, SEED, start - INTERVAL, n + 1)
    before = {t.column: (float(blk.values[0, t.column]), int(blk.status[0, t.column])) for t in building.totalizers}
    return Rows.from_block(blk.times[1:], blk.values[1:], blk.status[1:]), before


def evaluate(building, rows: Rows, before: dict) -> dict[str, CheckResult]:
    grid, ids = rows.grid, [p.id for p in building.points]
    results = [gaps_result(grid, rows.hi, ids), grid_result(rows, ids), ranges_result(rows, building.points),
               totalizers_result(grid, building, before), airflow_result(grid, building),
               cooling_result(grid, building), power_result(grid, building), gas_result(grid, building),
               rates_result(grid, building), status_result(grid, rows, building.points)]
    return {r.name: r for r in results}


def assert_only(results: dict[str, CheckResult], failing: set[str], also: set[str] = frozenset()) -> None:
    """``failing`` fail; every other check passes except those in ``also`` (allowed either way)."""
    for name, r in results.items():
        if name in failing:
            assert not r.passed, f"{name} should fail: {r.figure}"
            assert r.rows, f"{name} failed without showing an offending row"
        elif name not in also:
            assert r.passed, f"{name} should pass: {r.figure} {r.rows}"


def cell(rows: Rows, col: int, i: int) -> int:
    """Row index of (point column, interval i) in a block-built Rows."""
    return int(rows.offsets[col]) + i


def edited(rows: Rows, **arrays) -> Rows:
    return dataclasses.replace(rows, **{k: v for k, v in arrays.items()})


@pytest.fixture(scope="module")
def spring() -> tuple[Rows, dict]:
    return generated(B, parse_instant("2026-05-18", "t"))


@pytest.mark.parametrize("day", SEASONS)
def test_generated_data_passes_in_every_season(day):
    rows, before = generated(B, parse_instant(day, "t"))
    results = evaluate(B, rows, before)
    assert_only(results, set())
    assert "0 of" in results["coherence.power"].figure


def test_cooling_is_judged_in_summer_and_heating_in_winter():
    summer = evaluate(B, *generated(B, parse_instant("2026-07-20", "t")))
    r = float(re.search(r"r = ([0-9.]+) over", summer["coherence.cooling"].figure).group(1))
    assert r >= 0.99
    winter = evaluate(B, *generated(B, parse_instant("2026-01-15", "t")))
    assert "no cooling in the window" in winter["coherence.cooling"].figure


def test_a_building_whose_lag_chiller_runs_passes(tmp_path):
    path = tmp_path / "small_chillers.toml"
    path.write_text("[chillers]\ncapacity_tons = 50\n", encoding="utf-8")
    small = load_building(path)
    rows, before = generated(small, parse_instant("2026-07-20", "t"))
    lag = small.columns("chiller", "power")[1]
    assert np.nansum(rows.grid.value[:, lag] > 0) > 0, "the lag chiller should run in this building"
    assert_only(evaluate(small, rows, before), set())


def test_a_missing_row_is_a_gap(spring):
    rows, before = spring
    col = B.point_by_id["point-vav-3-south-zoneTemp"].column
    keep = np.ones(len(rows.ts_us), bool)
    keep[cell(rows, col, 40)] = False
    offsets = rows.offsets.copy()
    offsets[col + 1:] -= 1
    holed = Rows(rows.lo, rows.hi, rows.ts_us[keep], rows.value[keep], rows.status[keep], offsets)
    results = evaluate(B, holed, before)
    assert_only(results, {"gaps"})
    assert results["gaps"].figure.startswith("1 of ")
    assert "point-vav-3-south-zoneTemp: 1 missing" in results["gaps"].rows[0]


def test_gaps_not_yet_due_are_not_counted(spring):
    rows, _ = spring
    grid = rows.grid
    status = grid.status.copy()
    status[-2:, :] = -1
    late = dataclasses.replace(grid, status=status)
    assert not gaps_result(late, rows.hi, [p.id for p in B.points]).passed
    result = gaps_result(late, rows.hi - 2 * INTERVAL, [p.id for p in B.points])
    assert result.passed and "2 newest instants not due yet" in result.figure


def test_an_off_grid_timestamp_fails_the_grid_check(spring):
    rows, before = spring
    ts = rows.ts_us.copy()
    ts[cell(rows, 5, 10)] += 7 * 60 * US
    results = evaluate(B, edited(rows, ts_us=ts), before)
    assert_only(results, {"grid", "gaps"})  # the moved row leaves its grid instant empty
    assert results["grid"].figure.startswith("1 of ")


@pytest.mark.parametrize("point", ["point-meter-main-electric-energy", "point-meter-main-water-volume"])
def test_a_lowered_totalizer_fails_only_the_totalizer_check(spring, point):
    rows, before = spring
    col = B.point_by_id[point].column
    value = rows.value.copy()
    value[cell(rows, col, 50)] -= 1000.0
    results = evaluate(B, edited(rows, value=value), before)
    assert_only(results, {"totalizers"})
    assert results["totalizers"].figure.startswith("1 decreases; 2 of ")


def test_a_totalizer_step_off_its_rate_by_more_than_half_a_unit_fails(spring):
    rows, before = spring
    col = B.point_by_id["point-meter-main-gas-volume"].column
    value = rows.value.copy()
    value[cell(rows, col, 60):cell(rows, col, 0) + 192] += 1.0  # one step too big by one ft3, no decrease
    results = evaluate(B, edited(rows, value=value), before)
    assert_only(results, {"totalizers"})
    assert results["totalizers"].figure.startswith("0 decreases; 1 of ")


def test_the_first_step_is_checked_against_the_reading_before_the_window(spring):
    rows, before = spring
    col = B.point_by_id["point-chiller-1-energy"].column
    shifted = dict(before)
    shifted[col] = (before[col][0] + 5.0, OK)
    assert not totalizers_result(rows.grid, B, shifted).passed


def test_an_out_of_range_ok_value_fails_the_range_check(spring):
    rows, before = spring
    value = rows.value.copy()
    i = cell(rows, B.point_by_id["point-vav-7-east-zoneTemp"].column, 12)
    assert rows.status[i] == OK
    value[i] = 150.0
    results = evaluate(B, edited(rows, value=value), before)
    assert_only(results, {"ranges"})
    assert "150.0 outside 50..95" in results["ranges"].rows[0]


def test_an_ok_bool_without_value_fails_the_range_check(spring):
    rows, before = spring
    value = rows.value.copy()
    i = cell(rows, B.point_by_id["point-vav-1-north-occupied"].column, 3)
    value[i] = np.nan
    status = rows.status.copy()
    status[i] = OK
    assert not ranges_result(edited(rows, value=value, status=status), B.points).passed


def test_ahu_airflow_off_its_vavs_fails_airflow(spring):
    rows, before = spring
    col = B.point_by_id["point-ahu-2-supplyAirFlow"].column
    value = rows.value.copy()
    value[cell(rows, col, 0):cell(rows, col, 0) + 192] *= 1.2
    results = evaluate(B, edited(rows, value=value), before)
    assert_only(results, {"coherence.airflow"}, also={"coherence.cooling"})


def test_building_power_off_its_components_fails_power(spring):
    rows, before = spring
    value = rows.value.copy()
    value[cell(rows, B.point_by_id["point-meter-main-electric-lightingPlugPower"].column, 30)] += 0.2
    results = evaluate(B, edited(rows, value=value), before)
    assert_only(results, {"coherence.power"})


def test_gas_meter_below_the_boiler_fails_gas(spring):
    rows, before = spring
    value = rows.value.copy()
    meter = value[cell(rows, B.point_by_id["point-meter-main-gas-flow"].column, 70)]
    value[cell(rows, B.point_by_id["point-boiler-1-gasFlow"].column, 70)] = meter + 5
    results = evaluate(B, edited(rows, value=value), before)
    assert_only(results, {"coherence.gas"})


def test_chillers_that_do_not_carry_the_coil_load_fail_cooling():
    rows, before = generated(B, parse_instant("2026-07-20", "t"))
    value = rows.value.copy()
    for col in B.columns("chiller", "loadPercent"):
        value[cell(rows, col, 0):cell(rows, col, 0) + 192] *= 0.5
    results = evaluate(B, edited(rows, value=value), before)
    assert_only(results, {"coherence.cooling"})
    assert "chillers / AHU coils = 0.5" in results["coherence.cooling"].figure


def test_a_chiller_running_with_every_valve_shut_fails_cooling():
    rows, before = generated(B, parse_instant("2026-01-15", "t"))
    grid = rows.grid
    shut = np.flatnonzero(grid.ok(B.columns("ahu", "coolingValve")).all(axis=1)
                          & (grid.value[:, B.columns("ahu", "coolingValve")] == 0).all(axis=1))
    value, status = rows.value.copy(), rows.status.copy()
    i = cell(rows, B.point_by_id["point-chiller-1-status"].column, int(shut[0]))
    value[i], status[i] = 1.0, OK
    result = cooling_result(edited(rows, value=value, status=status).grid, B)
    assert not result.passed and "every AHU cooling valve reads 0 %" in result.rows[0]


def test_a_lag_chiller_without_a_loaded_lead_fails_cooling(spring):
    rows, _ = spring
    value, status = rows.value.copy(), rows.status.copy()
    for pid, v in (("point-chiller-2-power", 50.0), ("point-chiller-1-loadPercent", 40.0)):
        i = cell(rows, B.point_by_id[pid].column, 5)
        value[i], status[i] = v, OK
    result = cooling_result(edited(rows, value=value, status=status).grid, B)
    assert not result.passed and "1 lag-chiller runs" in result.figure


def test_many_faults_fail_the_quality_rates(spring):
    rows, before = spring
    status = rows.status.copy()
    for col in B.columns("vav", "zoneTemp"):
        status[cell(rows, col, 0):cell(rows, col, 0) + 192:3] = FAULT
    results = evaluate(B, edited(rows, status=status), before)
    assert_only(results, {"quality.rates"}, also={"quality.status"})
    assert any(r.startswith("fault ") for r in results["quality.rates"].rows)
    assert any(r.startswith("mean episode") for r in results["quality.rates"].rows)


def test_a_stale_row_that_moves_fails_quality_status(spring):
    rows, before = spring
    after = np.append(rows.status[1:], OK)
    stale = np.flatnonzero((rows.status == STALE) & (rows.value > 1.0) & (after != STALE))
    i = int(stale[stale % 192 > 0][0])  # not a point's first row: the one before it is in the window
    value = rows.value.copy()
    value[i] += 1.0
    results = evaluate(B, edited(rows, value=value), before)
    assert_only(results, {"quality.status"})
    assert results["quality.status"].figure.startswith("1 stale rows that changed value")


def test_quality_rates_are_not_judged_on_a_short_window():
    rows, _ = generated(B, parse_instant("2026-05-18", "t"), n=2)
    result = rates_result(rows.grid, B)
    assert result.passed and result.figure.startswith("not judged")


def test_episode_mean_counts_only_whole_episodes():
    status = np.array([[STALE, OK], [STALE, FAULT], [OK, FAULT], [OK, OK], [FAULT, STALE], [OK, STALE]],
                      dtype=np.int8)
    mean, count = episode_mean(status)
    assert (mean, count) == (1.5, 2)  # column 0: [0,2) touches the start; [4,5) whole; column 1: [1,3) whole


def test_freshness_while_running_and_stopped():
    assert freshness_result(1000 * INTERVAL, 1000 * INTERVAL + 600, running=True).passed
    late = freshness_result(1000 * INTERVAL, 1000 * INTERVAL + 3 * 3600, running=True)
    assert not late.passed and late.severity == "error" and "3.0 h old" in late.figure
    assert not freshness_result(1000 * INTERVAL, 999 * INTERVAL, running=True).passed
    stopped = freshness_result(1000 * INTERVAL, 1000 * INTERVAL + 5 * DAY, running=False)
    assert stopped.passed and stopped.severity == "warning" and "5.0 d old" in stopped.figure
    assert not freshness_result(None, 0, running=True).passed
    assert age_text(90) == "1.5 min old" and age_text(30) == "30 s old" and age_text(-7200) == "2.0 h in the future"


def test_resolve_window_from_the_options():
    newest = parse_instant("2026-03-10T12:00Z", "t")
    asked = []

    def newest_fn():
        asked.append(True)
        return newest

    assert resolve_window(None, None, None, newest_fn) == (newest + INTERVAL - 7 * DAY, newest + INTERVAL)
    assert resolve_window("2d", None, None, newest_fn) == (newest + INTERVAL - 2 * DAY, newest + INTERVAL)
    start = parse_instant("2026-03-01", "t")
    assert resolve_window("1d", "2026-03-01", None, newest_fn) == (start, start + DAY)
    asked.clear()
    assert resolve_window(None, "2026-03-01T00:05Z", "2026-03-02", newest_fn) == (start + INTERVAL, start + DAY)
    assert resolve_window("12h", None, "2026-03-02", newest_fn) == (start + DAY / 2, start + DAY)
    assert not asked, "an explicit end needs no database"
    oldest = newest - DAY
    assert resolve_window(None, None, None, newest_fn, oldest=lambda: oldest) == (oldest, newest + INTERVAL), \
        "a start the user did not give is clipped to the stored data"
    assert resolve_window(None, "2026-03-01", None, newest_fn, oldest=lambda: oldest)[0] == start, \
        "an explicit start is kept"
    for args in (("bogus", None, None), (None, "yesterday", None), (None, "2026-03-02", "2026-03-01"),
                 ("1d", "2026-03-01", "2026-03-02"), ("0d", None, None)):
        with pytest.raises(ConfigError):
            resolve_window(*args, newest_fn)


def test_binary_arrays_are_read_without_a_python_loop():
    def send(fmt: str, oid: int, values) -> bytes:
        size = struct.calcsize(">" + fmt)
        head = struct.pack(">iiiii", 1, 0, oid, len(values), 1)
        return head + b"".join(struct.pack(">i" + fmt, size, v) for v in values)

    assert array_of(send("d", 701, [1.5, float("nan")]), ">f8")[0] == 1.5
    assert list(array_of(send("h", 21, [4, 9]), ">i2")) == [4, 9]
    assert len(array_of(None, ">i8")) == 0
    with pytest.raises(ValueError):
        array_of(struct.pack(">iiiii", 1, 1, 701, 0, 1), ">f8")
    # Rows out of time order (heap order after an update) are sorted per point; bools come from value_b.
    t = [1800 * US, 900 * US]
    found = [(1, send("q", 1184, [v - PG_EPOCH_US for v in t]), send("d", 701, [2.0, 1.0]), send("h", 21, [0, 5])),
             (2, send("q", 1184, [900 * US - PG_EPOCH_US]), send("d", 701, [float("nan")]), send("h", 21, [2 * 4 + 2]))]
    rows = _assemble(found, 3, np.array([False, True, False]), 0, 2700)
    assert list(rows.ts_us) == [900 * US, 1800 * US, 900 * US]
    assert list(rows.value[:2]) == [1.0, 2.0] and rows.value[2] == 0.0
    assert list(rows.status) == [1, 0, 2] and list(rows.offsets) == [0, 2, 3, 3]


def test_results_serialise_and_render():
    results = [CheckResult("gaps", True, "error", "0 of 10 point-intervals missing"),
               CheckResult("ranges", False, "error", "1 of 10 ok rows outside", ("p 2026-01-01T00:00:00Z: 9",))]
    doc = json.loads(json.dumps([r.to_dict() for r in results]))
    assert doc[1] == {"name": "ranges", "passed": False, "severity": "error", "figure": "1 of 10 ok rows outside",
                      "rows": ["p 2026-01-01T00:00:00Z: 9"]}
    text = render_table(results, 0, 900, "db")
    assert "PASS  gaps" in text and "FAIL  ranges" in text and "- p 2026-01-01T00:00:00Z: 9" in text
    assert text.endswith("2 checks: 1 passed, 1 failed (ranges)")
