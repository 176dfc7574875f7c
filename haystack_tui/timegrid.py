"""The 15-minute grid and the parsing of user-given instants and ranges.

Pure functions over epoch seconds (UTC). Ranges are half-open everywhere:
``[start, end)`` holds the grid timestamps t with start <= t < end.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timezone

from haystack_tui.errors import ConfigError

INTERVAL = 900
DAY = 86400
_DURATION = re.compile(r"^\s*(\d+)\s*([dhw]?)\s*$")


def align_down(ts: float) -> int:
    """The grid timestamp at or before ``ts``."""
    return int(ts // INTERVAL) * INTERVAL


def align_up(ts: float) -> int:
    """The grid timestamp at or after ``ts``."""
    return -int(-ts // INTERVAL) * INTERVAL


def to_datetime(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, tz=timezone.utc)


def iso(ts: int | None) -> str | None:
    """ISO 8601 UTC with a Z, or None."""
    return None if ts is None else to_datetime(ts).strftime("%Y-%m-%dT%H:%M:%SZ")


_EXTENDED = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}(:?\d{2})?)?$", re.I)


def parse_instant(text: str, option: str) -> int:
    """An ISO 8601 date or date-time (extended form) as epoch seconds; a naive value is UTC.

    Only the extended form (``2026-01-31T12:00Z``) is accepted: Python also
    parses the basic form, which would read an epoch number like 1796060700 as
    a date in 1796.
    """
    raw = text.strip()
    if not _EXTENDED.match(raw):
        raise ConfigError(f"{option} {text!r} is not an ISO 8601 date or date-time (e.g. 2026-01-31T12:00Z)")
    try:
        if len(raw) == 10:
            d = date.fromisoformat(raw)
            dt = datetime(d.year, d.month, d.day, tzinfo=timezone.utc)
        else:
            dt = datetime.fromisoformat(raw.replace("Z", "+00:00").replace(" ", "T"))
            if dt.tzinfo is None:
                dt = dt.replace(tzinfo=timezone.utc)
    except ValueError:
        raise ConfigError(f"{option} {text!r} is not an ISO 8601 date or date-time (e.g. 2026-01-31T12:00Z)") from None
    return int(dt.timestamp())


def parse_duration(text: str, option: str) -> int:
    """``7d``, ``12h``, ``2w`` or a bare number of days, in seconds (at least one interval)."""
    m = _DURATION.match(text)
    if not m:
        raise ConfigError(f"{option} {text!r} is not a duration such as 7d, 12h or 2w")
    n, unit = int(m.group(1)), m.group(2) or "d"
    seconds = n * {"d": DAY, "h": 3600, "w": 7 * DAY}[unit]
    if seconds < INTERVAL or seconds > 3660 * DAY:
        raise ConfigError(f"{option} {text!r} must be between 15 minutes and 3660 days")
    return seconds


def resolve_range(now: float, days: int | None = None, start: str | None = None,
                  end: str | None = None, default_days: int = 30) -> tuple[int, int]:
    """The half-open grid range ``[start, end)`` a command acts on.

    ``end`` defaults to just after the last grid instant at or before ``now``;
    ``--days N`` counts back from there. Errors name the option.
    """
    if days is not None and (start is not None):
        raise ConfigError("--days and --start cannot be used together")
    if days is not None and not 0 <= days <= 3660:
        raise ConfigError(f"--days {days} must be from 0 to 3660")
    hi = parse_instant(end, "--end") if end is not None else align_down(now) + INTERVAL
    if start is not None:
        lo = parse_instant(start, "--start")
    else:
        lo = align_down(now) + INTERVAL - (default_days if days is None else days) * DAY
    lo, hi = align_up(lo), align_up(hi)
    if hi < lo or (start is not None and end is not None and parse_instant(end, "--end") <= parse_instant(start, "--start")):
        raise ConfigError(f"--end ({iso(hi)}) must be after --start ({iso(lo)})")
    return lo, hi
