"""The console's pure rules: number formats, sparklines, filter and sort keys,
the backfill range, and the architecture rule that the console writes no SQL."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from haystack_tui.engine.status import PointState
from haystack_tui.errors import ConfigError
from haystack_tui.tui import format as fmt
from haystack_tui.tui.point_query import matches, parse_query, short_id, sort_key
from haystack_tui.tui.screens.backfill import backfill_range

NOW = 1_767_628_800  # 2026-01-05T16:00:00Z


def point(pid="point-ahu-1-supplyTemp", equip="equip-ahu-1", value=55.0, status="ok", unit="°F", kind="Number"):
    return PointState(pid, equip, "Supply Air Temp", kind, unit, value, status)


@pytest.mark.parametrize("value, unit, kind, text", [
    (55.123, "°F", "Number", "55.12 °F"), (1234567.8, "kWh", "Number", "1,234,568 kWh"),
    (123.44, "cfm", "Number", "123.4 cfm"), (0.931, None, "Number", "0.93"), (1.0, None, "Bool", "on"),
    (0.0, None, "Bool", "off"), (None, "°F", "Number", "—"),
])
def test_readings(value, unit, kind, text):
    assert fmt.reading(value, unit, kind) == text


def test_sparkline_scales_to_its_window_and_keeps_gaps():
    assert fmt.sparkline(list(range(8)), 8) == "▁▂▃▄▅▆▇█"
    assert fmt.sparkline([1.0, None, 3.0], 4) == " ▁ █"
    assert fmt.sparkline([5.0] * 96, 10) == "▄" * 10
    assert fmt.sparkline([], 6) == " " * 6
    line = fmt.sparkline([float(i) for i in range(96)], 10)
    assert len(line) == 10 and line[-1] == "█"  # the newest value is always drawn


def test_clock_and_duration_texts():
    assert fmt.stamp(NOW) == "2026-01-05 16:00Z" and fmt.near(NOW + 900, NOW) == "16:15Z"
    assert fmt.near(NOW - 86400, NOW) == "2026-01-04 16:00Z"
    assert (fmt.duration(42), fmt.duration(725), fmt.duration(3725), fmt.duration(None)) == \
        ("0:42", "12:05", "1:02:05", "--:--")


def test_filter_words_must_all_match_and_fields_narrow():
    p = point()
    assert matches(p, parse_query("AHU-1 supply"))
    assert not matches(p, parse_query("ahu-1 zone"))
    assert matches(p, parse_query("unit:°f status:ok"))
    assert not matches(p, parse_query("status:fault"))
    assert matches(p, parse_query("kind:number equip:ahu-1"))
    assert matches(p, parse_query("")) and parse_query("nofield:x") == ((None, "nofield:x"),)


def test_sort_keys_put_missing_values_last_and_faults_first():
    order = {"a": 0, "b": 1, "c": 2}
    pts = [point("a", value=None), point("b", value=3.0, status="fault"), point("c", value=1.0, status="stale")]
    assert [p.id for p in sorted(pts, key=lambda p: sort_key(p, "value", order))] == ["c", "b", "a"]
    assert [p.id for p in sorted(pts, key=lambda p: sort_key(p, "status", order))] == ["b", "c", "a"]
    assert [p.id for p in sorted(pts, key=lambda p: sort_key(p, None, order))] == ["a", "b", "c"]


def test_short_id_drops_the_equipment_part_only_when_it_is_there():
    assert short_id(point()) == "supplyTemp"
    assert short_id(point("point-meter-main-gas-volume", "meter-main-gas")) == "volume"
    assert short_id(point("custom-id", "equip-ahu-1")) == "custom-id"


def test_backfill_range_days_back_or_explicit():
    assert backfill_range(NOW + 95, "1") == (NOW + 900 - 86400, NOW + 900)
    assert backfill_range(NOW, "7", "2026-01-01", "2026-01-02T00:10Z") == (1_767_225_600, 1_767_312_900)
    for days, start, end, message in [("x", "", "", "whole number"), ("0", "", "", "from 1 to"),
                                      ("1", "2026-01-03", "2026-01-02", "after the start"),
                                      ("1", "yesterday", "", "not an ISO 8601")]:
        with pytest.raises(ConfigError, match=message):
            backfill_range(NOW, days, start, end)


def test_the_console_imports_neither_the_store_nor_a_database_driver():
    code = ("import sys, haystack_tui.tui.app, haystack_tui.tui.remote, haystack_tui.tui.run;"
            "print(sorted(m for m in sys.modules if m.startswith(('haystack_tui.store', 'psycopg'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    sources = Path(__file__).parents[1].joinpath("haystack_tui", "tui").rglob("*.py")
    forbidden = re.compile(r"^\s*(from|import)\s+(haystack_tui\.store|psycopg)", re.MULTILINE)
    assert [path.name for path in sources if forbidden.search(path.read_text())] == []
