"""hisRead ranges: the ``range`` Str of the hisRead op as a half-open [start, end).

Forms (docHaystack Ops#hisRead): ``today``, ``yesterday``, ``{date}``,
``{date},{date}``, ``{dateTime},{dateTime}``, ``{dateTime}`` (from it to now).
Dates and dateTimes are Zinc literals; the whole range may itself be a Zinc Str
(``"today"``). Date ranges run from local midnight of the first date to local
midnight after the last, in the point's zone, so DST days last 23 or 25 hours.
Results are tz-aware in the point's zone; subtract them in UTC (Python subtracts
same-zone datetimes as wall-clock times). Pure: no wall clock (``now`` is
passed in), no aiohttp, no I/O.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from headless.haystack.tz import iana_tz
from headless.haystack.zinc_scalar import ZincError, read_scalar, read_str

__all__ = ["RangeError", "day_span", "parse_range"]


class RangeError(ValueError):
    """A range that is not one of the hisRead forms."""


def day_span(first: date, last: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """Local midnight of ``first`` to local midnight after ``last``."""
    return _midnight(first, tz), _midnight(last + timedelta(days=1), tz)


def _midnight(d: date, tz: ZoneInfo) -> datetime:
    """The first instant of local day ``d`` (normalised via UTC for zones that skip midnight)."""
    return datetime.combine(d, time(0), tz).astimezone(timezone.utc).astimezone(tz)


def parse_range(value: Any, tz_iana: str, now: datetime) -> tuple[datetime, datetime]:
    """The [start, end) of a hisRead range in the point's zone ``tz_iana``.

    ``value`` is the range Str, or an already decoded Date or DateTime (GET query
    parameters are Zinc-decoded). ``now`` must be tz-aware.
    """
    if now.tzinfo is None:
        raise ValueError("now must be tz-aware")
    tz = ZoneInfo(iana_tz(tz_iana))
    start, end = _parts(value)
    if start == "today" or start == "yesterday":
        today = now.astimezone(tz).date()
        day = today if start == "today" else today - timedelta(days=1)
        return day_span(day, day, tz)
    if isinstance(start, datetime):
        if end is not None and not isinstance(end, datetime):
            raise RangeError(f"range end must be a dateTime like its start: {value!r}")
        span = start.astimezone(tz), (end or now).astimezone(tz)
    elif isinstance(start, date):
        if end is not None and (isinstance(end, datetime) or not isinstance(end, date)):
            raise RangeError(f"range end must be a date like its start: {value!r}")
        span = day_span(start, end or start, tz)
    else:
        raise RangeError(f"not a hisRead range: {value!r}")
    if span[1].timestamp() < span[0].timestamp():
        raise RangeError(f"range ends before it starts: {value!r}")
    return span


def _parts(value: Any) -> tuple[Any, Any]:
    """The range's start and optional end as keywords, dates or dateTimes."""
    if isinstance(value, date):
        return value, None
    if not isinstance(value, str):
        raise RangeError(f"range must be a Str, found {type(value).__name__}")
    text = value.strip()
    if text.startswith('"'):
        try:
            inner, end = read_str(text, 0)
        except ZincError as e:
            raise RangeError(f"invalid range {value!r}: {e}") from None
        if text[end:].strip():
            raise RangeError(f"unexpected text after the range string: {value!r}")
        text = inner.strip()
    if text in ("today", "yesterday"):
        return text, None
    pieces = text.split(",")
    if len(pieces) > 2 or not text:
        raise RangeError(f"not a hisRead range: {value!r}")
    vals = [_scalar(p.strip(), value) for p in pieces]
    return vals[0], (vals[1] if len(vals) == 2 else None)


def _scalar(text: str, whole: str) -> Any:
    try:
        val, end = read_scalar(text, 0)
    except ZincError as e:
        raise RangeError(f"invalid range {whole!r}: {e}") from None
    if end != len(text) or not isinstance(val, date):
        raise RangeError(f"expected a Zinc date or dateTime in range {whole!r}, found {text!r}")
    return val
