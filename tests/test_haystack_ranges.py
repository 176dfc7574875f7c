"""hisRead ranges: every form, half-open [start, end) in the point's zone, DST days."""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from headless.haystack.ranges import RangeError, parse_range

TZ = "America/New_York"
NY = ZoneInfo(TZ)
NOW = datetime(2026, 3, 9, 15, 30, tzinfo=timezone.utc)  # 11:30 EDT, the day after spring-forward


def hours(span: tuple[datetime, datetime]) -> float:
    start, end = span
    return (end.timestamp() - start.timestamp()) / 3600


@pytest.mark.parametrize("text,start,end", [
    ("today", datetime(2026, 3, 9, tzinfo=NY), datetime(2026, 3, 10, tzinfo=NY)),
    ("yesterday", datetime(2026, 3, 8, tzinfo=NY), datetime(2026, 3, 9, tzinfo=NY)),
    ("2026-01-01", datetime(2026, 1, 1, tzinfo=NY), datetime(2026, 1, 2, tzinfo=NY)),
    ("2026-01-01,2026-01-03", datetime(2026, 1, 1, tzinfo=NY), datetime(2026, 1, 4, tzinfo=NY)),
    ("2026-01-01, 2026-01-01", datetime(2026, 1, 1, tzinfo=NY), datetime(2026, 1, 2, tzinfo=NY)),
    ("2026-01-01T00:00:00-05:00 New_York,2026-01-02T06:00:00-05:00 New_York",
     datetime(2026, 1, 1, tzinfo=NY), datetime(2026, 1, 2, 6, tzinfo=NY)),
    ("2026-03-09T10:00:00-04:00 New_York", datetime(2026, 3, 9, 10, tzinfo=NY), NOW),
    ('"today"', datetime(2026, 3, 9, tzinfo=NY), datetime(2026, 3, 10, tzinfo=NY)),
    ('"2026-01-01,2026-01-03"', datetime(2026, 1, 1, tzinfo=NY), datetime(2026, 1, 4, tzinfo=NY)),
    (" today ", datetime(2026, 3, 9, tzinfo=NY), datetime(2026, 3, 10, tzinfo=NY)),
])
def test_forms(text, start, end):
    s, e = parse_range(text, TZ, NOW)
    assert (s, e) == (start, end)
    assert s.tzinfo.key == TZ and e.tzinfo.key == TZ


def test_other_zones_are_converted_to_the_points_zone():
    s, e = parse_range("2026-01-01T05:00:00Z UTC,2026-01-01T08:00:00+01:00 Paris", TZ, NOW)
    assert s == datetime(2026, 1, 1, tzinfo=NY) and s.utcoffset().total_seconds() == -5 * 3600
    assert e == datetime(2026, 1, 1, 2, tzinfo=NY) and e.tzinfo.key == TZ


def test_haystack_tz_name_and_decoded_values_are_accepted():
    assert parse_range("today", "New_York", NOW) == parse_range("today", TZ, NOW)
    assert parse_range(date(2026, 1, 1), TZ, NOW) == parse_range("2026-01-01", TZ, NOW)
    dt = datetime(2026, 3, 9, 10, tzinfo=NY)
    assert parse_range(dt, TZ, NOW) == (dt, NOW)


def test_today_follows_the_points_zone_not_utc():
    late_evening = datetime(2026, 1, 2, 3, tzinfo=timezone.utc)  # still Jan 1 in New York
    assert parse_range("today", TZ, late_evening)[0] == datetime(2026, 1, 1, tzinfo=NY)
    assert parse_range("today", "Asia/Tokyo", late_evening)[0].date() == date(2026, 1, 2)


@pytest.mark.parametrize("text,expected_hours", [
    ("2026-03-08", 23), ("2026-11-01", 25), ("2026-03-07", 24), ("2026-03-08,2026-03-09", 47),
    ("2026-10-31,2026-11-01", 49),
])
def test_dst_days(text, expected_hours):
    assert hours(parse_range(text, TZ, NOW)) == expected_hours


def test_yesterday_across_spring_forward_is_23_hours():
    assert hours(parse_range("yesterday", TZ, NOW)) == 23
    fall_back = datetime(2026, 11, 1, 12, tzinfo=NY)
    assert hours(parse_range("today", TZ, fall_back)) == 25


def test_zone_whose_midnight_does_not_exist():
    # Santiago springs forward at 24:00 on 2026-09-05: Sept 6 starts at 01:00 local time.
    start, end = parse_range("2026-09-06", "America/Santiago", NOW)
    assert (start.hour, start.utcoffset().total_seconds()) == (1, -3 * 3600)
    assert hours((start, end)) == 23


@pytest.mark.parametrize("text", [
    "tomorrow", "", "2026-01-03,2026-01-01", "2026-01-01,2026-01-02T00:00:00Z UTC",
    "2026-01-01T00:00:00Z UTC,2026-01-02", "2026-13-01", "today,today", "5", "2026-01-01,2026-01-02,2026-01-03",
    "2026-01-02T00:00:00Z,2026-01-01T00:00:00Z", "2026-03-10T00:00:00Z", '"today', "2026-01-01 junk",
    "@ref", "2026-01-01T00:00:00-05:00 Nowhere",
])
def test_invalid_ranges(text):
    with pytest.raises(RangeError):
        parse_range(text, TZ, NOW)


def test_naive_now_is_rejected():
    with pytest.raises(ValueError):
        parse_range("today", TZ, datetime(2026, 1, 1))
