"""The Project Haystack HTTP API under ``/api/haystack/``.

Two layers. The protocol layer is pure: value kinds and grids (``kinds``),
the JSON and Zinc wire formats (``json_codec``, ``zinc``), filters
(``filter``), hisRead ranges (``ranges``), SCRAM auth (``scram``) and content
negotiation (``encoding``), with no aiohttp, database, clock or I/O, so it
unit-tests fast. The service layer (``ops``, ``watches``, ``server``) runs the
ops over the engine's read methods and is the only part that imports aiohttp.
Neither writes SQL.
"""

from headless.haystack.encoding import JSON, ZINC, Codec, EncodingError, decode_request, grid_from_query, negotiate
from headless.haystack.filter import Filter, FilterError, parse_filter
from headless.haystack.kinds import Grid, entity_row, to_haystack_datetime
from headless.haystack.ranges import RangeError, parse_range
from headless.haystack.scram import AuthResult, AuthServer, ScramKeys
from headless.haystack.zinc_scalar import ZincError

__all__ = [
    "JSON", "ZINC", "AuthResult", "AuthServer", "Codec", "EncodingError", "Filter", "FilterError",
    "Grid", "RangeError", "ScramKeys", "ZincError", "decode_request", "entity_row", "grid_from_query",
    "negotiate", "parse_filter", "parse_range", "to_haystack_datetime",
]
