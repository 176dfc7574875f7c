"""Local time: DST days, schedules on local clock time, US holidays."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from haystack_tui.model import load_building
from haystack_tui.sim import INTERVAL, generate
from haystack_tui.sim.clock import holidays, local_time, utc_offsets

NY = ZoneInfo("America/New_York")
BUILDING = load_building()
SEED = 11
# Totalizer readings are not under test here: start them at zero rather than integrate from the origin.
ZEROS = np.zeros(len(BUILDING.totalizers))


def local_midnight(d: date, tz=NY) -> int:
    return int(datetime(d.year, d.month, d.day, tzinfo=tz).timestamp())


@pytest.mark.parametrize("day,intervals", [(date(2026, 3, 8), 92), (date(2026, 11, 1), 100), (date(2026, 3, 9), 96)])
def test_dst_days_are_the_contiguous_utc_grid(day, intervals):
    start, end = local_midnight(day), local_midnight(day + timedelta(days=1))
    assert (end - start) // INTERVAL == intervals
    block = generate(BUILDING, SEED, start, intervals, ZEROS)
    assert np.array_equal(block.times, np.arange(start, end, INTERVAL))
    assert block.values.shape[0] == intervals


def first_occupied_utc(day: date) -> datetime:
    """UTC time of the first interval whose zone setpoints are the occupied ones."""
    sp = BUILDING.spec.setpoints
    start = local_midnight(day)
    block = generate(BUILDING, SEED, start, 96, ZEROS)
    zsp = block.values[:, BUILDING.columns("vav", "zoneTempSp")[0]]
    row = int(np.argmax(np.isin(zsp, [sp.occupied_heating_f, sp.occupied_cooling_f])))
    return datetime.fromtimestamp(int(block.times[row]), timezone.utc)


@pytest.mark.parametrize("before,after,shift_h", [
    (date(2026, 3, 6), date(2026, 3, 9), -1),  # EST -> EDT: the same local start is an hour earlier in UTC
    (date(2026, 10, 30), date(2026, 11, 2), +1),  # EDT -> EST
])
def test_schedule_follows_local_clock_across_dst(before, after, shift_h):
    a, b = first_occupied_utc(before), first_occupied_utc(after)
    assert a.astimezone(NY).time() == b.astimezone(NY).time()
    assert 6 <= a.astimezone(NY).hour < 7
    delta = (b.hour * 60 + b.minute) - (a.hour * 60 + a.minute)
    assert delta == shift_h * 60


@settings(max_examples=30, deadline=None)
@given(t0=st.integers(1_700_000_000 // 900, 1_900_000_000 // 900), n=st.integers(1, 4000))
def test_utc_offsets_match_zoneinfo(t0, n):
    times = (t0 + np.arange(0, n, 7)) * INTERVAL
    got = utc_offsets(NY, times)
    sample = np.linspace(0, len(times) - 1, 25).astype(int)
    for k in sample:
        assert got[k] == datetime.fromtimestamp(int(times[k]), NY).utcoffset().total_seconds()
    # every transition inside the range is found exactly
    changes = np.nonzero(np.diff(got))[0]
    for k in changes:
        assert datetime.fromtimestamp(int(times[k + 1]), NY).utcoffset().total_seconds() == got[k + 1]


def test_us_federal_holidays_2026_observed():
    expected = {date(2026, 1, 1), date(2026, 1, 19), date(2026, 2, 16), date(2026, 5, 25), date(2026, 6, 19),
                date(2026, 7, 3), date(2026, 9, 7), date(2026, 10, 12), date(2026, 11, 11), date(2026, 11, 26),
                date(2026, 12, 25)}
    got = {date(1970, 1, 1) + timedelta(days=d) for d in holidays(2026)}
    assert got == expected


def test_new_year_observed_on_the_last_day_of_december():
    times = np.array([local_midnight(date(2021, 12, 31)) + 12 * 3600])
    assert not local_time(NY, times).workday[0]  # 2022-01-01 was a Saturday


def test_holidays_use_the_weekend_schedule():
    sp = BUILDING.spec.setpoints
    occupied = (sp.occupied_heating_f, sp.occupied_cooling_f)
    for day, expect in ((date(2026, 7, 2), True), (date(2026, 7, 3), False), (date(2026, 7, 4), False)):
        block = generate(BUILDING, SEED, local_midnight(day) + 12 * 3600, 1, ZEROS)
        zsp = block.values[0, BUILDING.columns("vav", "zoneTempSp")]
        assert np.all(np.isin(zsp, occupied)) == expect, day
