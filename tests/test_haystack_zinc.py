"""Zinc: every scalar kind, grids with meta, nested values, errors, and phable interop."""

from __future__ import annotations

import math
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

import pytest

from headless.haystack import zinc
from headless.haystack.kinds import (
    MARKER, NA, REMOVE, Coord, Grid, Number, Ref, Symbol, Uri, XStr, entity_row,
)
from headless.haystack.zinc_scalar import ZincError

NY = ZoneInfo("America/New_York")

SCALARS = [
    ("N", None),
    ("M", MARKER),
    ("R", REMOVE),
    ("NA", NA),
    ("T", True),
    ("F", False),
    ("123", Number(123)),
    ("-34.5", Number(-34.5)),
    ("74.2°F", Number(74.2, "°F")),
    ("9.23kg", Number(9.23, "kg")),
    ("1200ft³/h", Number(1200, "ft³/h")),
    ("0.5inH₂O", Number(0.5, "inH₂O")),
    ("40%RH", Number(40, "%RH")),
    ("5.4e-45", Number(5.4e-45)),
    ("INF", Number(math.inf)),
    ("-INF", Number(-math.inf)),
    ('"hello"', "hello"),
    ('"line1\\nline2 \\"q\\" \\\\ \\$x \\t"', 'line1\nline2 "q" \\ $x \t'),
    ('"°F ünïcödé"', "°F ünïcödé"),
    ("@site-1", Ref("site-1")),
    ('@point-ahu-1-supplyTemp "AHU-1 Supply Temp"', Ref("point-ahu-1-supplyTemp", "AHU-1 Supply Temp")),
    ("`http://project-haystack.org/`", Uri("http://project-haystack.org/")),
    ("^hot-water", Symbol("hot-water")),
    ("2026-01-01", date(2026, 1, 1)),
    ("08:12:05", time(8, 12, 5)),
    ("08:12:05.250", time(8, 12, 5, 250000)),
    ("2026-01-01T00:00:00-05:00 New_York", datetime(2026, 1, 1, tzinfo=NY)),
    ("2026-07-01T12:30:00.123-04:00 New_York", datetime(2026, 7, 1, 12, 30, 0, 123000, tzinfo=NY)),
    ("2026-01-01T05:00:00Z UTC", datetime(2026, 1, 1, 5, tzinfo=ZoneInfo("UTC"))),
    ("C(40.71,-74.01)", Coord(40.71, -74.01)),
    ('Bin("text/plain")', XStr("Bin", "text/plain")),
]


@pytest.mark.parametrize("text,value", SCALARS, ids=[s for s, _ in SCALARS])
def test_scalar_encodes_and_decodes(text, value):
    assert zinc.encode_val(value) == text
    assert zinc.decode_val(text) == value


def test_nan_round_trips():
    assert zinc.encode_val(Number(math.nan)) == "NaN"
    assert math.isnan(zinc.decode_val("NaN").val)


@pytest.mark.parametrize("text,value", [
    ("10_000", Number(10000)),
    ("5.4E+8kW", Number(5.4e8, "kW")),
    ("2010-01-08T05:00:00Z", datetime(2010, 1, 8, 5, tzinfo=timezone.utc)),
    ("2010-11-28T18:21:58+03:00 GMT-3", datetime(2010, 11, 28, 15, 21, 58, tzinfo=timezone.utc)),
    ("12:30", time(12, 30)),
    ("`file \\#2`", Uri("file \\#2")),  # reserved uri escapes keep their backslash
    ('"\\u00b0F"', "°F"),
    ("[1, 2,3,]", [Number(1), Number(2), Number(3)]),
    ("{dis:\"Building\" site area:35000ft²}", {"dis": "Building", "site": MARKER, "area": Number(35000, "ft²")}),
    ("{a:1, b}", {"a": Number(1), "b": MARKER}),
])
def test_decodes_alternative_forms(text, value):
    assert zinc.decode_val(text) == value


def test_datetime_keeps_its_zone():
    dt = zinc.decode_val("2026-03-08T03:00:00-04:00 New_York")
    assert dt.tzinfo.key == "America/New_York"
    assert zinc.encode_val(dt) == "2026-03-08T03:00:00-04:00 New_York"


SPEC_GRID = '''ver:"3.0" database:"test" dis:"Site Energy Summary"
siteName dis:"Sites", val dis:"Value" unit:"kW"
"Site 1", 356.214kW
"Site 2", 463.028kW
'''


def test_spec_grid_with_meta_and_column_meta():
    g = zinc.decode_grid(SPEC_GRID)
    assert g.meta == {"database": "test", "dis": "Site Energy Summary"}
    assert g.cols == [("siteName", {"dis": "Sites"}), ("val", {"dis": "Value", "unit": "kW"})]
    assert g.rows[1] == {"siteName": "Site 2", "val": Number(463.028, "kW")}
    assert zinc.decode_grid(zinc.encode_grid(g)) == g


def test_nested_list_dict_grid_and_sparse_rows():
    text = '''ver:"3.0"
type,val
"list",[1,2,3]
"dict",{dis:"Dict!" foo}
"grid",<<
  ver:"2.0"
  a,b
  1,2
  3,4
  >>
"a",N
,2
'''
    g = zinc.decode_grid(text)
    assert g.rows[0]["val"] == [Number(1), Number(2), Number(3)]
    assert g.rows[1]["val"] == {"dis": "Dict!", "foo": MARKER}
    assert g.rows[2]["val"] == Grid({}, [("a", {}), ("b", {})],
                                    [{"a": Number(1), "b": Number(2)}, {"a": Number(3), "b": Number(4)}])
    assert g.rows[3:] == [{"type": "a"}, {"val": Number(2)}]
    assert zinc.decode_grid(zinc.encode_grid(g)) == g


@pytest.mark.parametrize("text,rows", [
    ('ver:"3.0"\nfilter,limit\n"point and siteRef==@siteA",1000\n',
     [{"filter": "point and siteRef==@siteA", "limit": Number(1000)}]),
    ('ver:"3.0"\nid\n@vav101.zoneTemp\n@vav102.zoneTemp\n',
     [{"id": Ref("vav101.zoneTemp")}, {"id": Ref("vav102.zoneTemp")}]),
    ('ver:"3.0"\nid,range\n@someTemp,"2012-10-01"\n', [{"id": Ref("someTemp"), "range": "2012-10-01"}]),
    ('ver:"3.0"\r\nid,range\r\n@outsideAirTemp,"yesterday"\r\n',
     [{"id": Ref("outsideAirTemp"), "range": "yesterday"}]),
])
def test_request_grids(text, rows):
    assert zinc.decode_grid(text).rows == rows


def test_watch_sub_request_meta():
    g = zinc.decode_grid('ver:"3.0" watchDis:"TUI" lease:1min\nid\n@a\n@b\n')
    assert g.meta == {"watchDis": "TUI", "lease": Number(1, "min")}
    assert [r["id"] for r in g.rows] == [Ref("a"), Ref("b")]


def test_single_column_null_row_is_N():
    g = Grid({}, [("id", {})], [{"id": Ref("a")}, {}])
    assert zinc.encode_grid(g) == 'ver:"3.0"\nid\n@a\nN\n'
    assert zinc.decode_grid(zinc.encode_grid(g)) == g


def test_error_and_empty_grids():
    err = Grid.error("Cannot resolve id: badId", "UnknownRecErr: badId\n  ....")
    text = zinc.encode_grid(err)
    assert text == 'ver:"3.0" err dis:"Cannot resolve id: badId" errTrace:"UnknownRecErr: badId\\n  ...."\nempty\n'
    assert zinc.decode_grid(text) == err
    assert zinc.decode_grid('ver:"3.0"\nempty\n') == Grid()


def test_default_building_round_trips():
    from haystack_tui.model.building import load_building

    building = load_building()
    grid = Grid.make([entity_row(e.id, e.tags) for e in building.entities])
    assert len(grid.rows) == len(building.entities) > 390
    assert zinc.decode_grid(zinc.encode_grid(grid)) == grid


@pytest.mark.parametrize("text,position", [
    ('ver:"2.5"\na\n1\n', 4),
    ('ver:"3.0"\na,b\n1,2,3\n', 17),
    ('ver:"3.0"\na\n"unterminated\n', 12),
    ('ver:"3.0"\na\n@\n', 13),
    ('ver:"3.0"\nA\n1\n', 10),
    ('ver:"3.0"\na\n2026-13-01\n', 12),
    ('ver:"3.0"\na\n2026-01-01T00:00:00-05:00 Nowhere\n', 12),
    ('ver:"3.0"\na\n"bad \\q escape"\n', 17),
    ('nover\na\n', 0),
])
def test_errors_name_the_position(text, position):
    with pytest.raises(ZincError) as e:
        zinc.decode_grid(text)
    assert e.value.position == position
    assert f"position {position}" in str(e.value)


def test_phable_reads_our_zinc_and_we_read_phables():
    ph_zinc = pytest.importorskip("phable.io.ph_zinc")
    from phable import kinds as ph

    ours = Grid.make([{"id": Ref("p1", "Point 1"), "curVal": Number(72.5, "°F"), "point": MARKER,
                       "ts": datetime(2026, 1, 1, tzinfo=NY), "on": True}], {"hisStart": date(2026, 1, 1)})
    theirs = ph_zinc.ph_from_zinc(zinc.encode_grid(ours))
    row = theirs.rows[0]
    assert row["id"] == ph.Ref("p1", "Point 1") and row["curVal"] == ph.Number(72.5, "°F")
    assert row["ts"] == datetime(2026, 1, 1, tzinfo=NY) and row["on"] is True
    request = ph.Grid({"ver": "3.0"}, [ph.GridCol("id"), ph.GridCol("range")],
                      [{"id": ph.Ref("p1"), "range": "2026-01-01,2026-01-02"}])
    assert zinc.decode_grid(ph_zinc.ph_to_zinc(request)).rows == [
        {"id": Ref("p1"), "range": "2026-01-01,2026-01-02"}]
