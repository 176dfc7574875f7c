"""Magnitudes over a year, and the weather that drives them.

The weather checks run on the weather model directly (a year of it costs
milliseconds); the annual energy uses ``readings_at``, the same integration
the engine relies on.
"""

from __future__ import annotations

from datetime import datetime, timezone

import numpy as np
import pytest

from haystack_tui.model import load_building
from haystack_tui.sim import readings_at
from haystack_tui.sim.clock import local_time
from haystack_tui.sim.layout import layout
from haystack_tui.sim.rng import seed_key
from haystack_tui.sim.weather import weather

BUILDING = load_building()
SEED = 1
Y2026 = int(datetime(2026, 1, 1, tzinfo=timezone.utc).timestamp())
Y2027 = int(datetime(2027, 1, 1, tzinfo=timezone.utc).timestamp())


@pytest.fixture(scope="module")
def year_weather():
    lay = layout(BUILDING)
    times = np.arange(Y2026 - 86400, Y2027 + 86400, 900, dtype=np.int64)
    return times, weather(lay, seed_key(SEED), times // 900, times, local_time(lay.tz, times))


def test_annual_electricity_is_that_of_a_real_office():
    used = readings_at(BUILDING, SEED, Y2027) - readings_at(BUILDING, SEED, Y2026)
    kinds = {t.id: k for k, t in enumerate(BUILDING.totalizers)}
    kwh = used[kinds["point-meter-main-electric-energy"]]
    assert 1.0e6 <= kwh <= 3.0e6
    per_ft2 = kwh / BUILDING.spec.site.area_ft2
    assert 6.9 <= per_ft2 <= 19.6  # CBECS 2012 offices 100-200k ft2, 25th-75th percentile
    assert 100 < kwh / 8760 < 500  # a few hundred kW on average
    assert np.all(used >= 0)
    assert used[kinds["point-meter-main-gas-volume"]] > 0
    assert used[kinds["point-chiller-1-energy"]] > 0


def test_weather_has_no_jumps_at_season_or_year_boundaries(year_weather):
    times, wx = year_weather
    step = np.abs(np.diff(wx.oat))
    assert step.max() < 1.5
    for y, m, d in ((2026, 3, 1), (2026, 6, 1), (2026, 9, 1), (2026, 12, 1), (2027, 1, 1)):
        k = int(np.searchsorted(times, int(datetime(y, m, d, 5, tzinfo=timezone.utc).timestamp())))
        assert abs(wx.oat[k] - wx.oat[k - 1]) < 1.0


def test_seasonal_means_follow_the_climate(year_weather):
    times, wx = year_weather
    c = BUILDING.spec.climate
    months = np.array([datetime.fromtimestamp(int(t), timezone.utc).month for t in times[::96]])
    daily = wx.oat[: len(months) * 96].reshape(len(months), 96).mean(axis=1)
    jan, jul = daily[months == 1].mean(), daily[months == 7].mean()
    assert abs(jan - (c.annual_mean_f - c.seasonal_amplitude_f)) < 6
    assert abs(jul - (c.annual_mean_f + c.seasonal_amplitude_f)) < 6
    assert abs(daily.mean() - c.annual_mean_f) < 3


def test_fronts_last_days_not_intervals(year_weather):
    times, wx = year_weather
    daily = wx.oat[: (len(times) // 96) * 96].reshape(-1, 96).mean(axis=1)
    days = np.arange(len(daily))
    seasonal = np.polyval(np.polyfit(days, daily, 6), days)
    anomaly = daily - seasonal
    assert anomaly.std() > 2.0  # fronts exist
    r1 = np.corrcoef(anomaly[:-1], anomaly[1:])[0, 1]
    assert r1 > 0.5  # and persist from one day to the next
    resid = np.diff(wx.oat)
    assert np.corrcoef(resid[:-1], resid[1:])[0, 1] > 0.5  # smooth, not white noise


def test_daily_cycle_peaks_mid_afternoon_local_time(year_weather):
    times, wx = year_weather
    lt = local_time(layout(BUILDING).tz, times)
    profile = np.array([wx.oat[np.floor(lt.hour) == h].mean() for h in range(24)])
    assert abs(int(np.argmax(profile)) - BUILDING.spec.climate.peak_hour) <= 1
    assert int(np.argmin(profile)) in range(0, 8)
    assert np.all((wx.rh >= 5) & (wx.rh <= 100))
