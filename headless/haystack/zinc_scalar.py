"""Reading Zinc scalar literals at a position (writing is in ``zinc_format``).

Shared by the Zinc grid codec, the filter parser (filter values are Zinc
literals) and the hisRead range parser. Reading works on ``(text, pos)`` and
returns ``(value, end)`` so callers keep their own cursor. Pure: no aiohttp, no I/O.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from headless.haystack.kinds import MARKER, NA, REMOVE, Coord, Number, Ref, Symbol, Uri, XStr
from headless.haystack.tz import iana_tz


class ZincError(ValueError):
    """Malformed Zinc; ``position`` is the 0-based character offset of the problem."""

    def __init__(self, message: str, position: int, text: str | None = None):
        where = f"position {position}"
        if text is not None:
            line = text.count("\n", 0, position) + 1
            col = position - (text.rfind("\n", 0, position) + 1) + 1
            where = f"line {line}, column {col} (position {position})"
        super().__init__(f"{message} at {where}")
        self.message = message
        self.position = position


_DATETIME = re.compile(
    r"(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:\d{2}(?::\d{2})?)(?: ([A-Z][A-Za-z0-9_+\-]*))?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?")
_NUMBER = re.compile(r"-?\d[\d_]*(?:\.\d[\d_]*)?(?:[eE][+-]?\d[\d_]*)?")
_UNIT = re.compile(r"[A-Za-z%_/$\u0080-\U0010ffff]+")
_IDENT = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_REF = re.compile(r"[A-Za-z0-9_:\-.~]+")
_COORD = re.compile(r"C\(\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*\)")
_KEYWORDS: dict[str, Any] = {
    "N": None, "M": MARKER, "R": REMOVE, "NA": NA, "T": True, "F": False,
    "NaN": Number(math.nan),
}
_STR_ESC = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\", "$": "$",
            "'": "'", "`": "`"}
_URI_KEEP = set(":/?#[]@\\&=;")


def read_scalar(text: str, pos: int) -> tuple[Any, int]:
    """Read the scalar literal starting at ``pos``; return it and the position after it."""
    c = text[pos] if pos < len(text) else ""
    if c == '"':
        return read_str(text, pos)
    if c == "`":
        return _read_uri(text, pos)
    if c == "@":
        return _read_ref(text, pos)
    if c == "^":
        m = _REF.match(text, pos + 1)
        if not m:
            raise ZincError("Expected symbol name after '^'", pos + 1, text)
        return Symbol(m.group()), m.end()
    if c.isdigit() or (c == "-" and text[pos + 1:pos + 2].isdigit()):
        return _read_numeric(text, pos)
    if text.startswith("-INF", pos):
        return _with_unit(-math.inf, text, pos + 4)
    if "A" <= c <= "Z":
        return _read_keyword(text, pos)
    raise ZincError(f"Expected a value, found {c!r}" if c else "Expected a value, found end", pos, text)


def read_str(text: str, pos: int) -> tuple[str, int]:
    """Read a double-quoted Zinc string with its backslash escapes."""
    out: list[str] = []
    i = pos + 1
    while True:
        j = _next_special(text, i, '"')
        out.append(text[i:j])
        if j >= len(text) or text[j] == "\n":
            raise ZincError("Unterminated string", pos, text)
        if text[j] == '"':
            return "".join(out), j + 1
        ch, i = _escape(text, j, _STR_ESC)
        out.append(ch)


_RUNS = {'"': re.compile(r'[^"\\\n]*'), "`": re.compile(r"[^`\\\n]*")}


def _next_special(text: str, i: int, quote: str) -> int:
    """Index of the next quote, backslash or newline at or after ``i``."""
    return _RUNS[quote].match(text, i).end()


def _escape(text: str, j: int, table: dict[str, str]) -> tuple[str, int]:
    e = text[j + 1:j + 2]
    if e == "u":
        hexits = text[j + 2:j + 6]
        if len(hexits) != 4 or not all(h in "0123456789abcdefABCDEF" for h in hexits):
            raise ZincError("Invalid \\u escape", j, text)
        return chr(int(hexits, 16)), j + 6
    if e in table:
        return table[e], j + 2
    raise ZincError(f"Invalid escape \\{e}", j, text)


def _read_uri(text: str, pos: int) -> tuple[Uri, int]:
    out: list[str] = []
    i = pos + 1
    while True:
        j = _next_special(text, i, "`")
        out.append(text[i:j])
        if j >= len(text) or text[j] == "\n":
            raise ZincError("Unterminated uri", pos, text)
        if text[j] == "`":
            return Uri("".join(out)), j + 1
        if text[j + 1:j + 2] in _URI_KEEP:  # reserved chars keep their backslash (spec)
            out.append(text[j:j + 2])
            i = j + 2
        else:
            ch, i = _escape(text, j, _STR_ESC)
            out.append(ch)


def _read_ref(text: str, pos: int) -> tuple[Ref, int]:
    m = _REF.match(text, pos + 1)
    if not m:
        raise ZincError("Expected ref id after '@'", pos + 1, text)
    end = m.end()
    if text.startswith(' "', end):
        dis, end = read_str(text, end + 1)
        return Ref(m.group(), dis), end
    return Ref(m.group()), end


def _read_keyword(text: str, pos: int) -> tuple[Any, int]:
    m = _COORD.match(text, pos)
    if m:
        return Coord(float(m.group(1)), float(m.group(2))), m.end()
    ident = _IDENT.match(text, pos)
    assert ident is not None
    name, end = ident.group(), ident.end()
    if text.startswith("(", end):
        if not text.startswith('("', end):
            raise ZincError(f"Expected string in {name}(...)", end + 1, text)
        val, end = read_str(text, end + 1)
        if not text.startswith(")", end):
            raise ZincError("Expected ')'", end, text)
        return XStr(name, val), end + 1
    if name.startswith("INF"):  # a unit on INF is allowed, if discouraged
        return _with_unit(math.inf, text, pos + 3)
    if name not in _KEYWORDS:
        raise ZincError(f"Unknown keyword {name!r}", pos, text)
    return _KEYWORDS[name], end


def _with_unit(val: float, text: str, end: int) -> tuple[Number, int]:
    unit = _UNIT.match(text, end)
    return Number(val, unit.group() if unit else None), unit.end() if unit else end


def _read_numeric(text: str, pos: int) -> tuple[Any, int]:
    m = _DATETIME.match(text, pos)
    if m:
        return _datetime(m, text, pos), m.end()
    m = _DATE.match(text, pos)
    if m:
        try:
            return date.fromisoformat(m.group()), m.end()
        except ValueError as e:
            raise ZincError(f"Invalid date: {e}", pos, text) from None
    m = _TIME.match(text, pos)
    if m:
        return _time(m.group(), text, pos), m.end()
    m = _NUMBER.match(text, pos)
    assert m is not None
    return _with_unit(float(m.group().replace("_", "")), text, m.end())


def _time(s: str, text: str, pos: int) -> time:
    if "." in s:
        head, frac = s.split(".")
        s = f"{head}.{frac[:6].ljust(6, '0')}"
    try:
        return time.fromisoformat(s)
    except ValueError as e:
        raise ZincError(f"Invalid time: {e}", pos, text) from None


def _datetime(m: re.Match, text: str, pos: int) -> datetime:
    day, clock, offset, tz_name = m.groups()
    try:
        t = _time(clock, text, pos)
        fixed = timezone.utc if offset == "Z" else timezone((1 if offset[0] == "+" else -1) * timedelta(
            hours=int(offset[1:3]), minutes=int(offset[4:6]), seconds=int(offset[7:9] or 0)))
        dt = datetime.combine(date.fromisoformat(day), t, fixed)
        if tz_name:
            return dt.astimezone(ZoneInfo(iana_tz(tz_name)))
        return dt.astimezone(ZoneInfo("UTC")) if offset == "Z" else dt
    except ValueError as e:
        raise ZincError(f"Invalid dateTime: {e}", pos, text) from None
