"""Writing Zinc scalar literals: the inverse of ``zinc_scalar``.

Numbers print as the shortest text that reads back to the same float; dates and
times as ISO 8601 (milliseconds when whole); DateTimes with their offset and
Haystack zone name. Pure: no aiohttp, no I/O.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from headless.haystack.kinds import MARKER, NA, REMOVE, Coord, Number, Ref, Symbol, Uri, XStr
from headless.haystack.tz import haystack_tz_of

_REF_ID = re.compile(r"[A-Za-z0-9_:\-.~]+")


def format_float(v: float) -> str:
    """Shortest round-tripping decimal, integers without ``.0`` (no NaN/INF here)."""
    if v == int(v) and abs(v) < 2**53:
        return str(int(v))
    return repr(float(v))


def _plain_decimal(v: float) -> str:
    """A coordinate degree: Zinc allows no exponent there."""
    s = format_float(v)
    if "e" in s or "E" in s:
        s = format(Decimal(s), "f")  # exact digits of the shortest repr, without exponent
    return s


def write_number(n: Number) -> str:
    if math.isnan(n.val):
        return "NaN"
    if math.isinf(n.val):
        s = "INF" if n.val > 0 else "-INF"
    else:
        s = format_float(n.val)
    return s + (n.unit or "")


def write_str(s: str) -> str:
    out = ['"']
    for ch in s:
        if ch in '"\\$':
            out.append("\\" + ch)
        elif ch < " ":
            out.append({"\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}.get(
                ch, f"\\u{ord(ch):04x}"))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def iso_format(v: date | time) -> str:
    """ISO 8601 text with milliseconds when the sub-second part is whole milliseconds."""
    if isinstance(v, date) and not isinstance(v, datetime):
        return v.isoformat()
    micros = v.microsecond
    return v.isoformat(timespec="milliseconds" if micros and micros % 1000 == 0 else "auto")


def write_datetime(dt: datetime) -> str:
    tz_name = haystack_tz_of(dt)
    iso = iso_format(dt)
    if dt.utcoffset() == timedelta(0) and iso.endswith("+00:00"):
        iso = iso[:-6] + "Z"
    return f"{iso} {tz_name}"


def write_ref(ref: Ref) -> str:
    if not _REF_ID.fullmatch(ref.id or ""):
        raise ValueError(f"invalid Ref id: {ref.id!r}")
    return f"@{ref.id}" + (f" {write_str(ref.dis)}" if ref.dis is not None else "")


def write_scalar(v: Any) -> str:
    """Zinc text of one scalar value (None is ``N``)."""
    if v is None:
        return "N"
    if v is True or v is False:
        return "T" if v else "F"
    if v is MARKER:
        return "M"
    if v is NA:
        return "NA"
    if v is REMOVE:
        return "R"
    if isinstance(v, Number):
        return write_number(v)
    if isinstance(v, (int, float)):
        return write_number(Number(v))
    if isinstance(v, str):
        return write_str(v)
    if isinstance(v, Ref):
        return write_ref(v)
    if isinstance(v, datetime):
        return write_datetime(v)
    if isinstance(v, (date, time)):
        return iso_format(v)
    if isinstance(v, Uri):
        return "`" + "".join(f"\\u{ord(c):04x}" if c < " " else "\\`" if c == "`" else c
                             for c in v.val) + "`"
    if isinstance(v, Symbol):
        return f"^{v.val}"
    if isinstance(v, Coord):
        return f"C({_plain_decimal(v.lat)},{_plain_decimal(v.lng)})"
    if isinstance(v, XStr):
        return f"{v.type}({write_str(v.val)})"
    raise ValueError(f"not a Haystack scalar: {v!r}")
