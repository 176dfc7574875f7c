"""Outdoor weather and sun for the site's climate.

Temperature = seasonal sinusoid on the continuous day of year (no season
boundaries, no jump at New Year) + a daily cosine peaking at
``climate.peak_hour`` local clock time, its range narrowed on cloudy days +
multi-day fronts (a smooth random process with knots every
``climate.front_days``) + a small few-hour wander. Humidity comes from a dew
point that moves with the fronts, so relative humidity falls in the afternoon
as the air warms. The sun's position gives each facade its irradiance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from haystack_tui.sim import rng
from haystack_tui.sim.clock import LocalTime
from haystack_tui.sim.signal import clip

TROPICAL_YEAR = 365.2425
_EQUINOX_DAY = 78.5  # 1970-03-20, days since the epoch
_TWO_PI = 2.0 * np.pi
_FRONT_KEYS = rng.base_keys(["weather.front", "weather.moisture"])
_CLOUD_KEY = np.uint64(rng.base_key("weather.cloud"))
_WANDER_KEY = np.uint64(rng.base_key("weather.wander"))
MAX_DEW_C = 24.0  # dew points above ~75 F are rare outside the tropics


@dataclass(frozen=True)
class Weather:
    oat: np.ndarray
    """Outdoor dry-bulb (F), shape (T,)."""
    rh: np.ndarray
    """Outdoor relative humidity (%), shape (T,)."""
    wetbulb: np.ndarray
    """Outdoor wet-bulb (F), shape (T,)."""
    cloud: np.ndarray
    """Cloud cover 0..1, shape (T,)."""
    sun: np.ndarray
    """Irradiance on each zone's facade (W/m2), shape (T, Z); 0 for interior zones."""


def weather(lay, seed_key: int, i: np.ndarray, times: np.ndarray, local: LocalTime) -> Weather:
    c = lay.spec.climate
    sk = np.uint64(seed_key)
    days = times * (1.0 / 86400.0)
    season = c.annual_mean_f - c.seasonal_amplitude_f * np.cos(
        (days - (c.coldest_day - 0.5)) * (_TWO_PI / TROPICAL_YEAR))
    fronts = rng.smooth(sk ^ _FRONT_KEYS, i, round(c.front_days * 96))
    front, moist = np.ascontiguousarray(fronts[:, 0]), np.ascontiguousarray(fronts[:, 1])
    cloud_n = rng.smooth(sk ^ _CLOUD_KEY, i, 48)  # knots every 12 h
    wander = rng.smooth(sk ^ _WANDER_KEY, i, 16)  # every 4 h
    cloud = 1.0 / (1.0 + np.exp(-(1.6 * cloud_n + 0.8 * moist)))
    daily = np.cos((local.hour - c.peak_hour) * (_TWO_PI / 24.0))
    mean = season + c.front_amplitude_f * front
    oat = mean + 0.5 * c.daily_range_f * (1.25 - 0.5 * cloud) * daily + 1.2 * wander
    rh_at_mean = clip(c.humidity_mean_pct + 9.0 * moist, 10.0, 95.0)
    dew = np.minimum(np.minimum(_dewpoint_c(_to_c(mean), rh_at_mean), MAX_DEW_C), _to_c(oat))
    rh = clip(_rh(_to_c(oat), dew), 5.0, 100.0)
    wb = _to_f(_stull_wetbulb(_to_c(oat), rh))
    return Weather(oat=oat, rh=rh, wetbulb=wb, cloud=cloud, sun=_facade_sun(lay, days, times, cloud))


def _facade_sun(lay, days: np.ndarray, times: np.ndarray, cloud: np.ndarray) -> np.ndarray:
    site, z = lay.spec.site, lay.zones
    lat = np.radians(site.latitude)
    decl = 0.4091 * np.sin((days - _EQUINOX_DAY) * (_TWO_PI / TROPICAL_YEAR))
    solar_hour = (times % 86400) * (1.0 / 3600.0) + site.longitude / 15.0
    ha = (solar_hour - 12.0) * (np.pi / 12.0)
    cos_ha, cos_d, sin_d = np.cos(ha), np.cos(decl), np.sin(decl)
    sin_alt = np.sin(lat) * sin_d + np.cos(lat) * cos_d * cos_ha
    # The sun's unit vector in east/north/up components.
    east = -cos_d * np.sin(ha)
    north = sin_d * np.cos(lat) - cos_d * np.sin(lat) * cos_ha
    up = np.maximum(sin_alt, 0.0)
    dni = np.where(sin_alt > 0.0, 900.0 * np.exp(-0.15 / np.maximum(sin_alt, 0.05)), 0.0) * (1.0 - 0.8 * cloud)
    diffuse = up * (70.0 + 150.0 * cloud)
    # Incidence on a vertical facade facing azimuth psi (from north, clockwise).
    s_n = north * dni
    s_e = east * dni
    direct = s_n[:, None] * np.cos(z.azimuth)[None, :] + s_e[:, None] * np.sin(z.azimuth)[None, :]
    return (np.maximum(direct, 0.0) + diffuse[:, None]) * z.sunlit[None, :]


def _to_c(f):
    return (f - 32.0) * (5.0 / 9.0)


def _to_f(c):
    return c * 1.8 + 32.0


def _dewpoint_c(t_c, rh):
    g = np.log(rh * 0.01) + 17.625 * t_c / (243.04 + t_c)
    return 243.04 * g / (17.625 - g)


def _rh(t_c, dew_c):
    return 100.0 * np.exp(17.625 * dew_c / (243.04 + dew_c) - 17.625 * t_c / (243.04 + t_c))


def _stull_wetbulb(t, rh):
    """Stull (2011) wet-bulb from air temperature (C) and relative humidity (%)."""
    return (t * np.arctan(0.151977 * np.sqrt(rh + 8.313659)) + np.arctan(t + rh) - np.arctan(rh - 1.676331)
            + 0.00391838 * rh ** 1.5 * np.arctan(0.023101 * rh) - 4.686035)
