"""Content negotiation, request decoding, GET query grids, and the layer's purity."""

from __future__ import annotations

import subprocess
import sys

import pytest

from headless.haystack import json_codec, zinc
from headless.haystack.encoding import JSON, ZINC, EncodingError, decode_request, grid_from_query, negotiate
from headless.haystack.kinds import Grid, Number, Ref


@pytest.mark.parametrize("accept,expected", [
    (None, ZINC), ("", ZINC), ("*/*", ZINC), ("text/zinc", ZINC), ("application/json", JSON),
    ("text/*", ZINC), ("application/*", JSON), ("application/json; charset=utf-8", JSON),
    ("application/vnd.haystack+json;version=4", JSON), ("application/vnd.haystack+json;version=3", None),
    ("text/html", None), ("text/csv", None), ("text/zinc;q=0", None),
    ("text/html,application/xhtml+xml,*/*;q=0.8", ZINC),
    ("text/zinc, application/json", ZINC), ("application/json, text/zinc", JSON),
    ("application/json;q=0.9, text/zinc;q=0.5", JSON), ("text/zinc;q=0.2, application/json;q=0.4", JSON),
    ("*/*, text/zinc;q=0", JSON), ("application/json, */*;q=0.1", JSON), ("TEXT/ZINC", ZINC),
    ("text/zinc;q=abc, application/json", JSON),
])
def test_negotiate(accept, expected):
    assert negotiate(accept) is expected


def test_negotiate_default_can_be_json():
    assert negotiate("*/*", default=JSON) is JSON
    assert negotiate(None, default=JSON) is JSON
    assert negotiate("text/zinc", default=JSON) is ZINC


def test_codec_headers_and_bytes():
    assert ZINC.content_type == "text/zinc; charset=utf-8"
    assert JSON.content_type == "application/json; charset=utf-8"
    g = Grid.make([{"v": Number(1, "°F")}])
    assert ZINC.encode_bytes(g).decode("utf-8") == 'ver:"3.0"\nv\n1°F\n'


READ = Grid.make([{"filter": "point and his", "limit": Number(10)}])


@pytest.mark.parametrize("content_type,body", [
    ("text/zinc", zinc.encode_grid(READ)),
    ("text/zinc; charset=utf-8", zinc.encode_grid(READ)),
    ("application/json", json_codec.encode_grid(READ)),
    ("application/vnd.haystack+json; version=4", json_codec.encode_grid(READ)),
])
def test_decode_request(content_type, body):
    assert decode_request(body.encode(), content_type) == READ


@pytest.mark.parametrize("content_type,body,status", [
    (None, b'ver:"3.0"\na\n1\n', 400),
    ("", b'ver:"3.0"\na\n1\n', 400),
    ("text/csv", b"a\n1\n", 415),
    ("text/zinc; charset=latin-1", b'ver:"3.0"\na\n1\n', 415),
    ("text/zinc", b'ver:"3.0"\na,b\n1,2,3\n', 400),
    ("application/json", b"{not json", 400),
    ("text/zinc", b'ver:"3.0"\na\n"\xff"\n', 400),
])
def test_decode_request_errors(content_type, body, status):
    with pytest.raises(EncodingError) as e:
        decode_request(body, content_type)
    assert e.value.status == status


def test_empty_body_is_the_empty_grid():
    assert decode_request(b"", None) == Grid()
    assert decode_request(b"  \n", "text/zinc") == Grid()


def test_grid_from_query_reads_zinc_or_falls_back_to_str():
    g = grid_from_query({"id": "@hisId", "range": "yesterday", "limit": "10", "filter": "site and geoCity"})
    assert g.rows == [{"id": Ref("hisId"), "range": "yesterday", "limit": Number(10),
                       "filter": "site and geoCity"}]
    assert grid_from_query([("filter", '"site"')]).rows == [{"filter": "site"}]
    assert grid_from_query({}) == Grid()


def test_protocol_layer_imports_no_io_framework():
    code = ("import sys, headless.haystack, headless.haystack.scram, headless.haystack.filter;"
            "bad = {'aiohttp', 'textual', 'psycopg', 'asyncio'} & set(sys.modules);"
            "print(sorted(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
