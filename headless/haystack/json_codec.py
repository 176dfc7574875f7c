"""Haystack 4 JSON (``application/json``): ``_kind`` objects for every non-JSON kind.

Unitless finite numbers are plain JSON numbers; INF, -INF and NaN are
``{"_kind": "number", "val": "INF"}``. Null cells are left out of rows, and
JSON's own NaN/Infinity literals are never written. Pure: no aiohttp, no I/O.
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime, time
from typing import Any, Mapping
from zoneinfo import ZoneInfo

from headless.haystack.kinds import (
    MARKER, NA, REMOVE, Coord, Grid, Number, Ref, Symbol, Uri, XStr, is_tag_name,
)
from headless.haystack.tz import haystack_tz_of, iana_tz
from headless.haystack.zinc_format import iso_format

__all__ = ["JsonError", "decode_grid", "decode_val", "encode_grid", "encode_val"]


class JsonError(ValueError):
    """Text that is not valid Haystack JSON."""


_SPECIALS = {"INF": math.inf, "-INF": -math.inf, "NaN": math.nan}


# ---------------------------------------------------------------------- encoding

def encode_grid(grid: Grid) -> str:
    """The grid as Haystack 4 JSON text."""
    return json.dumps(encode_val(grid), ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def encode_val(v: Any) -> Any:
    """A Haystack value as a JSON-ready Python object."""
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, Number):
        return _enc_number(v.val, v.unit)
    if isinstance(v, (int, float)):
        return _enc_number(v, None)
    if isinstance(v, Grid):
        return _grid(v)
    if isinstance(v, Mapping):
        return {k: encode_val(x) for k, x in v.items() if x is not None}
    if isinstance(v, (list, tuple)):
        return [encode_val(x) for x in v]
    return _scalar(v)


def _enc_number(val: float, unit: str | None) -> Any:
    if math.isfinite(val):
        num: Any = int(val) if val == int(val) and abs(val) < 2**53 else float(val)
        if unit is None:
            return num
    else:
        num = "NaN" if math.isnan(val) else ("INF" if val > 0 else "-INF")
    out = {"_kind": "number", "val": num}
    if unit is not None:
        out["unit"] = unit
    return out


def _scalar(v: Any) -> dict[str, Any]:
    if v is MARKER:
        return {"_kind": "marker"}
    if v is NA:
        return {"_kind": "na"}
    if v is REMOVE:
        return {"_kind": "remove"}
    if isinstance(v, Ref):
        return {"_kind": "ref", "val": v.id} | ({"dis": v.dis} if v.dis is not None else {})
    if isinstance(v, datetime):
        iso = iso_format(v)
        return {"_kind": "dateTime", "val": iso[:-6] + "Z" if iso.endswith("+00:00") else iso,
                "tz": haystack_tz_of(v)}
    if isinstance(v, date):
        return {"_kind": "date", "val": v.isoformat()}
    if isinstance(v, time):
        return {"_kind": "time", "val": iso_format(v)}
    if isinstance(v, Uri):
        return {"_kind": "uri", "val": v.val}
    if isinstance(v, Symbol):
        return {"_kind": "symbol", "val": v.val}
    if isinstance(v, Coord):
        return {"_kind": "coord", "lat": v.lat, "lng": v.lng}
    if isinstance(v, XStr):
        return {"_kind": "xstr", "type": v.type, "val": v.val}
    raise ValueError(f"not a Haystack value: {v!r}")


def _grid(g: Grid) -> dict[str, Any]:
    cols = [{"name": name} | ({"meta": encode_val(meta)} if meta else {}) for name, meta in g.cols]
    meta = {"ver": "3.0"} | {k: encode_val(v) for k, v in g.meta.items() if v is not None and k != "ver"}
    return {"_kind": "grid", "meta": meta, "cols": cols, "rows": [encode_val(r) for r in g.rows]}


# ---------------------------------------------------------------------- decoding

def decode_grid(text: str | bytes | Mapping[str, Any]) -> Grid:
    """Parse Haystack JSON text (or an already loaded object) that must be a grid."""
    obj = _load(text) if isinstance(text, (str, bytes)) else text
    if not isinstance(obj, Mapping) or not ({"cols", "rows"} <= obj.keys()):
        raise JsonError("expected a grid object with meta, cols and rows")
    grid = decode_val(dict(obj) | {"_kind": "grid"})
    assert isinstance(grid, Grid)
    return grid


def decode_val(obj: Any) -> Any:
    """A JSON-loaded object as Haystack values."""
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, (int, float)):
        return Number(float(obj))
    if isinstance(obj, list):
        return [decode_val(x) for x in obj]
    if not isinstance(obj, Mapping):
        raise JsonError(f"unexpected JSON value: {obj!r}")
    kind = obj.get("_kind", "dict")
    try:
        return _DECODERS[kind](obj)
    except KeyError:
        if kind not in _DECODERS:
            raise JsonError(f"unknown _kind {kind!r}") from None
        raise JsonError(f"{kind} object without a required key: {dict(obj)!r}") from None
    except (TypeError, ValueError) as e:
        raise JsonError(f"invalid {kind} object {dict(obj)!r}: {e}") from None


def _load(text: str | bytes) -> Any:
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as e:
        raise JsonError(f"invalid JSON: {e}") from None


def _reject_constant(name: str) -> Any:
    raise JsonError(f"{name} is not valid JSON; use a number object")


def _dict(obj: Mapping[str, Any]) -> dict[str, Any]:
    """Keys that are not valid tag names are skipped, as the spec says."""
    return {k: v for k, x in obj.items() if is_tag_name(k) and (v := decode_val(x)) is not None}


def _number_obj(obj: Mapping[str, Any]) -> Number:
    val = obj["val"]
    if isinstance(val, str):
        if val not in _SPECIALS:
            raise ValueError("a number val string must be INF, -INF or NaN")
        val = _SPECIALS[val]
    elif isinstance(val, bool) or not isinstance(val, (int, float)):
        raise TypeError("number val must be a JSON number or INF/-INF/NaN")
    return Number(float(val), obj.get("unit"))


def _date_time(obj: Mapping[str, Any]) -> datetime:
    dt = datetime.fromisoformat(obj["val"])
    if dt.tzinfo is None:
        raise ValueError("dateTime val needs an offset")
    return dt.astimezone(ZoneInfo(iana_tz(obj.get("tz") or "GMT")))


def _grid_obj(obj: Mapping[str, Any]) -> Grid:
    meta = _dict(obj.get("meta") or {})
    meta.pop("ver", None)
    cols = [(c["name"], _dict(c.get("meta") or {})) for c in obj["cols"]]
    return Grid(meta, cols, [_dict(r) for r in obj["rows"]])


_DECODERS = {
    "dict": _dict, "grid": _grid_obj, "number": _number_obj, "dateTime": _date_time,
    "marker": lambda o: MARKER, "na": lambda o: NA, "remove": lambda o: REMOVE,
    "ref": lambda o: Ref(o["val"], o.get("dis")),
    "date": lambda o: date.fromisoformat(o["val"]),
    "time": lambda o: time.fromisoformat(o["val"]),
    "uri": lambda o: Uri(o["val"]),
    "symbol": lambda o: Symbol(o["val"]),
    "coord": lambda o: Coord(float(o["lat"]), float(o["lng"])),
    "xstr": lambda o: XStr(o["type"], o["val"]),
}
