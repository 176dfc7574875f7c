"""The time grid in the site's local time: UTC offsets (DST), days, holidays.

Timestamps are epoch seconds UTC on the 15-minute grid. Schedules and the
daily weather cycle run on local clock time, so each timestamp gets its UTC
offset from ``zoneinfo`` (a handful of look-ups per block, not one per row),
its local day number and hour, and whether that day is a weekend or a US
federal holiday (observed on the nearest weekday).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np

INTERVAL = 900
_DAY = 86400
_PROBE = 6 * 3600  # offsets never change twice within six hours
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


@dataclass(frozen=True)
class LocalTime:
    """Local calendar facts for each timestamp of a block (all shape (T,))."""

    day: np.ndarray
    """Local date as days since 1970-01-01 (int64)."""
    hour: np.ndarray
    """Local clock hour of day, 0 <= hour < 24 (float64)."""
    workday: np.ndarray
    """True on Monday-Friday that are not holidays."""


def _offset(tz: ZoneInfo, ts: int) -> int:
    return int(datetime.fromtimestamp(ts, tz).utcoffset().total_seconds())


def utc_offsets(tz: ZoneInfo, times: np.ndarray) -> np.ndarray:
    """UTC offset in seconds at each timestamp (times sorted ascending)."""
    t0, t1 = int(times[0]), int(times[-1])
    probes = list(range(t0, t1, _PROBE)) + [t1]
    offs = [_offset(tz, p) for p in probes]
    if len(set(offs)) == 1:
        return np.full(times.shape, offs[0], dtype=np.int64)
    edges, values = [], [offs[0]]
    for a, b, oa, ob in zip(probes, probes[1:], offs, offs[1:]):
        if oa != ob:
            lo, hi = a, b  # offset(lo) == oa, offset(hi) == ob
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if _offset(tz, mid) == oa:
                    lo = mid
                else:
                    hi = mid
            edges.append(hi)
            values.append(ob)
    idx = np.searchsorted(np.array(edges, dtype=np.int64), times, side="right")
    return np.array(values, dtype=np.int64)[idx]


def local_time(tz: ZoneInfo, times: np.ndarray) -> LocalTime:
    local = times + utc_offsets(tz, times)
    day = local // _DAY
    hour = (local - day * _DAY) * (1.0 / 3600.0)
    weekday = (day + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    d0, d1 = int(day[0]), int(day[-1])
    # Next year's New Year's Day may be observed on Dec 31.
    hol = set().union(*(holidays(y) for y in range(_year(d0), _year(d1) + 2)))
    is_holiday = np.array([d in hol for d in range(d0, d1 + 1)])
    workday = (weekday < 5) & ~is_holiday[day - d0]
    return LocalTime(day, hour, workday)


def _year(day: int) -> int:
    return date.fromordinal(day + _EPOCH_ORDINAL).year


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th given weekday of a month (n = -1: the last)."""
    if n > 0:
        d = date(year, month, 1)
        d += timedelta(days=(weekday - d.weekday()) % 7 + 7 * (n - 1))
        return d
    d = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return d - timedelta(days=(d.weekday() - weekday) % 7)


def _observed(d: date) -> date:
    """Saturday holidays are observed on Friday, Sunday ones on Monday."""
    return d - timedelta(days=1) if d.weekday() == 5 else d + timedelta(days=1) if d.weekday() == 6 else d


@lru_cache(maxsize=256)
def holidays(year: int) -> frozenset[int]:
    """US federal holidays of ``year`` (observed dates) as local day numbers (days since 1970-01-01)."""
    fixed = [(1, 1), (7, 4), (11, 11), (12, 25)] + ([(6, 19)] if year >= 2021 else [])
    days = [_observed(date(year, m, d)) for m, d in fixed]
    days += [
        _nth_weekday(year, 1, 0, 3),  # Martin Luther King Jr. Day
        _nth_weekday(year, 2, 0, 3),  # Washington's Birthday
        _nth_weekday(year, 5, 0, -1),  # Memorial Day
        _nth_weekday(year, 9, 0, 1),  # Labor Day
        _nth_weekday(year, 10, 0, 2),  # Columbus Day
        _nth_weekday(year, 11, 3, 4),  # Thanksgiving
    ]
    return frozenset(d.toordinal() - _EPOCH_ORDINAL for d in days)


def epoch_seconds(dt: datetime) -> int:
    """Epoch seconds of an aware datetime."""
    return int(dt.astimezone(timezone.utc).timestamp())


def check_start(start: int) -> int:
    if int(start) != start or int(start) % INTERVAL:
        raise ValueError(f"start {start!r} is not on the 15-minute grid (a multiple of {INTERVAL} s)")
    return int(start)
