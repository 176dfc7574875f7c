"""Filters: every operator and value kind, precedence, parens, ref paths, error positions."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from headless.haystack.filter import FilterError, parse_filter
from headless.haystack.kinds import MARKER, Number, Ref, Uri

NY = ZoneInfo("America/New_York")

SITE = {"id": "site-1", "dis": "HQ", "site": MARKER, "geoCity": "Chicago", "area": Number(150000, "ft²")}
AHU = {"id": Ref("ahu-1"), "dis": "AHU-1", "equip": MARKER, "ahu": MARKER, "siteRef": Ref("site-1", "HQ")}
POINT = {
    "id": "p1", "dis": "AHU-1 Supply Temp", "point": MARKER, "his": MARKER,
    "curVal": Number(55.2, "°F"), "precision": Number(1), "enabled": True,
    "installed": date(2020, 6, 1), "start": time(7, 30),
    "lastSeen": datetime(2026, 1, 1, 12, tzinfo=NY), "doc": Uri("http://x/p1"),
    "equipRef": Ref("ahu-1"), "siteRef": Ref("site-1"), "airRef": [Ref("ahu-2"), Ref("ahu-1")],
    "nested": {"inner": Number(3)},
}
DB = {"site-1": SITE, "ahu-1": AHU, "ahu-2": {"id": Ref("ahu-2"), "dis": "AHU-2"}}


def match(text: str, tags: dict = POINT) -> bool:
    return parse_filter(text).matches(tags, DB.get)


@pytest.mark.parametrize("text,expected", [
    ("point", True), ("site", False), ("not site", True), ("not point", False),
    ("point and his", True), ("point and site", False), ("site or his", True), ("site or equip", False),
    # numbers with units: same unit or unitless side; other units never compare
    ("curVal == 55.2°F", True), ("curVal == 55.2", True), ("curVal == 55.2kW", False),
    ("curVal != 55.2°F", False), ("curVal != 60°F", True), ("curVal != 55.2kW", True),
    ("curVal < 60°F", True), ("curVal <= 55.2°F", True), ("curVal > 55.2°F", False),
    ("curVal >= 55.2°F", True), ("curVal > 50", True), ("curVal > 50kW", False), ("curVal < -5°F", False),
    ("precision == 1", True), ("precision >= 1_000", False),
    # strings, bools, refs, uris
    ('dis == "AHU-1 Supply Temp"', True), ('dis != "x"', True), ('dis < "B"', True), ('dis > "B"', False),
    ("enabled == true", True), ("enabled == false", False), ("enabled != false", True),
    ("equipRef == @ahu-1", True), ('equipRef == @ahu-1 "Any Dis"', True), ("equipRef != @ahu-1", False),
    ("id == @p1", True), ("id == @p2", False),
    ("doc == `http://x/p1`", True), ("doc < `http://y`", True),
    # dates, times, dateTimes (instants compare across zones)
    ("installed == 2020-06-01", True), ("installed < 2021-01-01", True), ("installed >= 2020-06-02", False),
    ("start == 07:30:00", True), ("start < 08:00", True), ("start > 07:30:00", False),
    ("lastSeen == 2026-01-01T12:00:00-05:00 New_York", True),
    ("lastSeen == 2026-01-01T17:00:00Z UTC", True),
    ("lastSeen > 2026-01-01T11:59:59-05:00 New_York", True), ("lastSeen < 2026-01-01T16:00:00Z", False),
    # kinds never compare across; missing paths never match a comparison
    ('curVal == "55.2"', False), ("installed == 2020-06-01T00:00:00-04:00 New_York", False),
    ("dis == 5", False), ("dis != 5", True), ("missing == 1", False), ("missing != 1", False),
    ("point and missing < 1", False),
])
def test_operators_and_kinds(text, expected):
    assert match(text) is expected


@pytest.mark.parametrize("text,expected", [
    ("equipRef->siteRef->geoCity == \"Chicago\"", True),
    ("equipRef->ahu", True), ("equipRef->vav", False), ("not equipRef->vav", True),
    ("siteRef->area > 100000ft²", True), ("siteRef->area->x", False), ("dis->x", False),
    ("airRef == @ahu-2", True), ("airRef == @ahu-1", True), ("airRef == @ahu-3", False),
    ('airRef->dis == "AHU-2"', True), ('airRef->dis == "AHU-1"', True), ('airRef->dis == "AHU-9"', False),
    ("nested->inner == 3", True), ("unknownRef->x", False),
])
def test_arrow_paths(text, expected):
    assert match(text) is expected


def test_arrow_without_resolver_never_matches():
    assert parse_filter("equipRef->ahu").matches(POINT) is False
    assert parse_filter("equipRef->ahu").matches(POINT, lambda ref: None) is False


@pytest.mark.parametrize("text,expected", [
    ("site or point and his", True),        # and binds tighter: site or (point and his)
    ("(site or point) and his", True),
    ("site or point and site", False),
    ("(site or point) and not his", False),
    ("point and (site or his) and not ahu", True),
    ("((point))", True),
    ("not his or point", True),
])
def test_precedence_and_parens(text, expected):
    assert match(text) is expected


def test_parse_tree_and_normalised_text():
    f = parse_filter("a or b and c")
    assert str(f) == "a or b and c"
    assert str(parse_filter("(a or b) and c")) == "(a or b) and c"
    assert str(parse_filter("x->y  >=  5kW and not z")) == "x->y >= 5kW and not z"
    assert str(parse_filter('b == true and s != "q\\"x"')) == 'b == true and s != "q\\"x"'


@pytest.mark.parametrize("text,position", [
    ("", 0), ("site and", 8), ("site or ", 8), ("a ==", 4), ("(site", 5), ("site)", 4),
    ("dis == foo", 7), ("x == M", 5), ("x == INF", 5), ("x == T", 5), ("x == N", 5),
    ("not (a)", 4), ("a -> ", 5), ("and", 0), ("a and or b", 6), ("x = 3", 2), ("a b", 2),
    ('x == "abc', 5), ("x == 2026-13-01", 5), ("x == @", 6), ("Site", 0), ("x == ^sym", 5),
    ("x == C(1,2)", 5), ("a and (b or c", 13),
])
def test_errors_name_the_position(text, position):
    with pytest.raises(FilterError) as e:
        parse_filter(text)
    assert e.value.position == position
    assert f"position {position}" in str(e.value)


def test_default_building_queries():
    from haystack_tui.model.building import load_building
    from headless.haystack.kinds import entity_row

    rows = {e.id: entity_row(e.id, e.tags) for e in load_building().entities}

    def count(text: str) -> int:
        f = parse_filter(text)
        return sum(f.matches(r, rows.get) for r in rows.values())

    assert count("site") == 1
    assert count("ahu and equip") == 4
    assert count("vav and ahuRef->ahu") == 48
    assert count('point and equipRef->ahu and siteRef->tz == "New_York"') == 4 * count("point and equipRef==@equip-ahu-1")
    assert count("point and his") == count("point")
