"""Haystack time zone names <-> IANA zones.

Haystack names a zone by the city part of its IANA name (``New_York`` for
``America/New_York``, ``UTC``, ``GMT+5`` for ``Etc/GMT+5``). The reverse map is
built once from the zoneinfo database. Pure: no aiohttp, no I/O beyond zoneinfo.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from haystack_tui.model.tags import haystack_tz

_AREAS = ("Africa/", "America/", "Antarctica/", "Asia/", "Atlantic/", "Australia/", "Europe/",
          "Indian/", "Pacific/", "Etc/")


@lru_cache(maxsize=1)
def _city_map() -> dict[str, str]:
    """City -> IANA name; where two zones share a city, a continent-area name wins."""
    out: dict[str, str] = {}
    for name in sorted(available_timezones(), key=lambda n: (not n.startswith(_AREAS), n)):
        out.setdefault(haystack_tz(name), name)
    return out


def iana_tz(name: str) -> str:
    """The IANA zone for a Haystack tz name (an IANA name is accepted as is)."""
    if "/" in name:
        try:
            ZoneInfo(name)
        except (KeyError, ValueError):
            raise ValueError(f"Unknown timezone: {name!r}") from None
        return name
    try:
        return _city_map()[name]
    except KeyError:
        raise ValueError(f"Unknown Haystack timezone: {name!r}") from None


def haystack_tz_of(dt: datetime) -> str:
    """The Haystack tz name of an aware datetime (fixed offsets map to ``GMT±h``)."""
    tz: tzinfo | None = dt.tzinfo
    key = getattr(tz, "key", None)
    if key:
        return haystack_tz(key)
    offset = dt.utcoffset()
    if offset is None:
        raise ValueError("a Haystack DateTime needs a time zone")
    if offset == timedelta(0):
        return "UTC"
    hours, rest = divmod(-offset, timedelta(hours=1))
    if rest:
        raise ValueError(f"no Haystack timezone for offset {offset}")
    return f"GMT{hours:+d}"


def to_haystack_datetime(dt: datetime, tz_iana: str) -> datetime:
    """``dt`` (aware) as the same instant in ``tz_iana``, ready to encode with its city name."""
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError("naive datetime: a Haystack DateTime needs a time zone")
    return dt.astimezone(ZoneInfo(iana_tz(tz_iana)))
