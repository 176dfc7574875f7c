"""Haystack 4 JSON: every kind, grids, specials, nulls left out, and phable interop."""

from __future__ import annotations

import json
import math
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from headless.haystack import json_codec as hj
from headless.haystack.json_codec import JsonError
from headless.haystack.kinds import (
    MARKER, NA, REMOVE, Coord, Grid, Number, Ref, Symbol, Uri, XStr, entity_row,
)

NY = ZoneInfo("America/New_York")

KINDS = [
    (None, None),
    (True, True),
    ("text", "text"),
    (Number(42), 42),
    (Number(-1.5), -1.5),
    (Number(123, "m"), {"_kind": "number", "val": 123, "unit": "m"}),
    (Number(72.5, "°F"), {"_kind": "number", "val": 72.5, "unit": "°F"}),
    (Number(math.inf), {"_kind": "number", "val": "INF"}),
    (Number(-math.inf, "kW"), {"_kind": "number", "val": "-INF", "unit": "kW"}),
    (MARKER, {"_kind": "marker"}),
    (REMOVE, {"_kind": "remove"}),
    (NA, {"_kind": "na"}),
    (Ref("abc-def"), {"_kind": "ref", "val": "abc-def"}),
    (Ref("abc-def", "Main Elec Meter"), {"_kind": "ref", "val": "abc-def", "dis": "Main Elec Meter"}),
    (date(2021, 3, 22), {"_kind": "date", "val": "2021-03-22"}),
    (time(17, 19, 23), {"_kind": "time", "val": "17:19:23"}),
    (datetime(2021, 3, 22, 13, 57, 0, 381000, tzinfo=NY),
     {"_kind": "dateTime", "val": "2021-03-22T13:57:00.381-04:00", "tz": "New_York"}),
    (datetime(2021, 3, 22, 17, 56, 5, tzinfo=ZoneInfo("UTC")),
     {"_kind": "dateTime", "val": "2021-03-22T17:56:05Z", "tz": "UTC"}),
    (Uri("https://project-haystack.org"), {"_kind": "uri", "val": "https://project-haystack.org"}),
    (Coord(50.979603, 10.318789), {"_kind": "coord", "lat": 50.979603, "lng": 10.318789}),
    (XStr("Span", "today"), {"_kind": "xstr", "type": "Span", "val": "today"}),
    (Symbol("site"), {"_kind": "symbol", "val": "site"}),
    ([True, Number(1), "s"], [True, 1, "s"]),
    ({"site": MARKER, "dis": "Kennedy Center"}, {"site": {"_kind": "marker"}, "dis": "Kennedy Center"}),
]


@pytest.mark.parametrize("value,encoded", KINDS, ids=[repr(v)[:40] for v, _ in KINDS])
def test_kind_encodes_per_spec_and_round_trips(value, encoded):
    assert hj.encode_val(value) == encoded
    assert hj.decode_val(json.loads(json.dumps(encoded))) == value


def test_nan_is_a_number_object_never_a_json_literal():
    assert hj.encode_val(Number(math.nan)) == {"_kind": "number", "val": "NaN"}
    assert math.isnan(hj.decode_val({"_kind": "number", "val": "NaN"}).val)
    with pytest.raises(JsonError):
        hj.decode_grid('{"meta":{"ver":"3.0"},"cols":[{"name":"v"}],"rows":[{"v":NaN}]}')


def test_datetime_without_tz_defaults_to_gmt():
    dt = hj.decode_val({"_kind": "dateTime", "val": "2021-03-22T17:56:05.411Z"})
    assert dt.tzinfo.key == "Etc/GMT" and dt.hour == 17


def test_dict_skips_names_that_are_not_tags():
    assert hj.decode_val({"_kind": "dict", "site": {"_kind": "marker"}, "Ignore": 1}) == {"site": MARKER}


SPEC_GRID = {
    "_kind": "grid",
    "meta": {"ver": "3.0", "projName": "test"},
    "cols": [{"name": "dis", "meta": {"dis": "Equip Name"}}, {"name": "equip"}, {"name": "siteRef"},
             {"name": "installed"}],
    "rows": [
        {"dis": "RTU-1", "equip": {"_kind": "marker"}, "siteRef": {"_kind": "ref", "val": "153c-699a", "dis": "HQ"},
         "installed": {"_kind": "date", "val": "2005-06-01"}},
        {"dis": "RTU-2", "equip": {"_kind": "marker"}},
    ],
}


def test_spec_grid_decodes_and_encodes_back():
    g = hj.decode_grid(json.dumps(SPEC_GRID))
    assert g.meta == {"projName": "test"}
    assert g.cols[0] == ("dis", {"dis": "Equip Name"})
    assert g.rows[0]["siteRef"] == Ref("153c-699a", "HQ")
    assert json.loads(hj.encode_grid(g)) == SPEC_GRID


def test_null_cells_are_left_out_and_ver_is_written():
    g = Grid({}, [("a", {}), ("b", {})], [{"a": Number(1)}, {"b": None}])
    out = json.loads(hj.encode_grid(g))
    assert out["meta"] == {"ver": "3.0"}
    assert out["rows"] == [{"a": 1}, {}]
    assert "null" not in hj.encode_grid(Grid.make([{"a": None, "b": 1}]))


def test_error_grid():
    out = json.loads(hj.encode_grid(Grid.error("Cannot resolve id: badId", "trace")))
    assert out["meta"] == {"ver": "3.0", "err": {"_kind": "marker"}, "dis": "Cannot resolve id: badId",
                           "errTrace": "trace"}
    assert hj.decode_grid(json.dumps(out)).is_error


def test_nested_grid_round_trips():
    inner = Grid.make([{"a": Number(1), "b": Number(2)}])
    g = Grid.make([{"type": "grid", "val": inner}, {"type": "list", "val": [Number(1), None]}])
    assert hj.decode_grid(hj.encode_grid(g)) == g


def test_default_building_round_trips():
    from haystack_tui.model.building import load_building

    grid = Grid.make([entity_row(e.id, e.tags) for e in load_building().entities])
    assert hj.decode_grid(hj.encode_grid(grid)) == grid


@pytest.mark.parametrize("text", [
    "not json", "[1,2]", '{"meta":{}}', '{"cols":[{"name":"a"}],"rows":[{"a":{"_kind":"bogus"}}]}',
    '{"cols":[{"name":"a"}],"rows":[{"a":{"_kind":"ref"}}]}',
    '{"cols":[{"name":"a"}],"rows":[{"a":{"_kind":"number","val":"lots"}}]}',
])
def test_invalid_json_raises(text):
    with pytest.raises(JsonError):
        hj.decode_grid(text)


def test_phable_reads_our_json_and_we_read_phables():
    ph_json = pytest.importorskip("phable.io.ph_json")
    from phable import kinds as ph

    ours = Grid.make([{"id": Ref("p1", "P 1"), "v": Number(1.5, "kW"), "ts": datetime(2026, 1, 1, tzinfo=NY)}])
    row = ph_json.ph_from_json(hj.encode_grid(ours)).rows[0]
    assert row == {"id": ph.Ref("p1", "P 1"), "v": ph.Number(1.5, "kW"), "ts": datetime(2026, 1, 1, tzinfo=NY)}
    request = ph.Grid({"ver": "3.0", "range": "today"}, [ph.GridCol("id")], [{"id": ph.Ref("p1")}])
    g = hj.decode_grid(ph_json.ph_to_json(request))
    assert g.meta == {"range": "today"} and g.rows == [{"id": Ref("p1")}]
