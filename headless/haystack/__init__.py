"""The pure protocol layer of the Project Haystack HTTP API.

Value kinds and grids (``kinds``), the JSON and Zinc wire formats
(``json_codec``, ``zinc``), filters (``filter``), hisRead ranges (``ranges``),
SCRAM auth (``scram``) and content negotiation (``encoding``). Everything here
is pure functions and small classes: no aiohttp, no database, no wall clock, no
I/O, so the aiohttp service stays a thin adapter and these modules unit-test fast.
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
