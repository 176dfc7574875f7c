"""Content negotiation and request decoding for the Haystack HTTP API.

Responses: ``negotiate(Accept)`` picks JSON or Zinc by q-value; ``None`` means
answer 406. As the spec (docHaystack HttpApi) and Haxall do, a missing Accept
or ``*/*`` gets Zinc; pass ``default=JSON`` to prefer JSON there. Requests: a
POST body is decoded by its Content-Type (400 when missing, 415 when
unsupported), a GET's query parameters become a one-row grid whose values are
Zinc literals or else Str. Pure: no aiohttp, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Mapping

from headless.haystack import json_codec, zinc
from headless.haystack.kinds import Grid
from headless.haystack.zinc_scalar import ZincError

__all__ = ["JSON", "ZINC", "Codec", "EncodingError", "decode_request", "grid_from_query", "negotiate"]


@dataclass(frozen=True)
class Codec:
    name: str
    mime: str
    """The media type without parameters."""
    encode: Callable[[Grid], str]
    decode: Callable[[str], Grid]

    @property
    def content_type(self) -> str:
        """The response ``Content-Type`` header (all Haystack text is UTF-8)."""
        return f"{self.mime}; charset=utf-8"

    def encode_bytes(self, grid: Grid) -> bytes:
        return self.encode(grid).encode("utf-8")


ZINC = Codec("zinc", "text/zinc", zinc.encode_grid, zinc.decode_grid)
JSON = Codec("json", "application/json", json_codec.encode_grid, json_codec.decode_grid)


class EncodingError(ValueError):
    """A request the HTTP layer must refuse: ``status`` is 400 or 415."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def _media(text: str) -> tuple[str, dict[str, str]]:
    """``type/subtype`` (lower-case) and its parameters."""
    mime, *params = (p.strip() for p in text.split(";"))
    out = {}
    for p in params:
        k, _, v = p.partition("=")
        out[k.strip().lower()] = v.strip().strip('"')
    return mime.lower(), out


def _codec_of(mime: str, params: Mapping[str, str]) -> Codec | None:
    """The codec serving an exact media type (Haystack JSON v3 is not offered)."""
    if mime == "text/zinc":
        return ZINC
    if mime == "application/json":
        return JSON
    if mime == "application/vnd.haystack+json" and params.get("version", "4") == "4":
        return JSON
    return None


def negotiate(accept: str | None, default: Codec = ZINC) -> Codec | None:
    """The codec for an ``Accept`` header, or None when nothing we speak is acceptable."""
    if accept is None or not accept.strip():
        return default
    best: dict[str, tuple[int, float, int]] = {}  # codec name -> (specificity, q, position)
    for pos, item in enumerate(accept.split(",")):
        if not item.strip():
            continue
        mime, params = _media(item)
        try:
            q = float(params.pop("q", "1"))
        except ValueError:
            continue
        exact = _codec_of(mime, params)
        for codec in (ZINC, JSON):
            if exact is codec:
                spec = 2
            elif mime == "*/*" or mime == codec.mime.split("/")[0] + "/*":
                spec = 0 if mime == "*/*" else 1
            else:
                continue
            if codec.name not in best or spec > best[codec.name][0]:
                best[codec.name] = (spec, q, pos)
    scored = [(q, spec, -pos, codec is default, codec) for codec in (ZINC, JSON)
              if codec.name in best for spec, q, pos in [best[codec.name]] if q > 0]
    return max(scored, key=lambda s: s[:4])[4] if scored else None


def decode_request(body: bytes, content_type: str | None) -> Grid:
    """A POSTed request grid; an empty body is the empty grid."""
    if not body.strip():
        return Grid()
    if not content_type or not content_type.strip():
        raise EncodingError(400, "Content-Type header required")
    mime, params = _media(content_type)
    codec = _codec_of(mime, params)
    if codec is None:
        raise EncodingError(415, f"unsupported Content-Type: {mime}")
    charset = params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise EncodingError(415, f"unsupported charset: {charset}")
    try:
        return codec.decode(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise EncodingError(400, f"cannot read {codec.name} request grid: {e}") from None


def grid_from_query(params: Mapping[str, str] | Iterable[tuple[str, str]]) -> Grid:
    """A GET request's grid: one row, each value a Zinc literal or else a Str."""
    items = params.items() if isinstance(params, Mapping) else params
    row = {}
    for name, text in items:
        try:
            row[name] = zinc.decode_val(text)
        except ZincError:
            row[name] = text
    return Grid.make([row]) if row else Grid()
