"""Property tests: any value the model can hold survives Zinc and JSON unchanged."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from headless.haystack import json_codec, zinc
from headless.haystack.kinds import MARKER, NA, Coord, Grid, Number, Ref, Symbol, Uri

ZONES = [ZoneInfo(z) for z in ("America/New_York", "UTC", "Asia/Kolkata", "Australia/Lord_Howe", "Etc/GMT+5")]
UNITS = [None, "°F", "%", "%RH", "cfm", "gal/min", "kW", "kWh", "ft³", "ft³/h", "inH₂O", "m²", "$", "tonref"]
ID_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_:-.~"

texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
numbers = st.builds(Number, st.floats(allow_nan=False, allow_infinity=True, width=64), st.sampled_from(UNITS))
refs = st.builds(Ref, st.text(ID_CHARS, min_size=1, max_size=20), st.none() | texts)
instants = st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(2100, 1, 1),
                        timezones=st.just(timezone.utc))
datetimes = st.tuples(instants, st.sampled_from(ZONES)).map(lambda p: p[0].astimezone(p[1]))
scalars = st.one_of(
    st.none(), st.just(MARKER), st.just(NA), st.booleans(), texts, numbers, refs, datetimes,
    st.dates(), st.times(), st.builds(Uri, st.text(st.characters(blacklist_categories=("Cs",),
                                                                 blacklist_characters="\\"), max_size=20)),
    st.builds(Symbol, st.text(ID_CHARS, min_size=1, max_size=10)),
    st.builds(Coord, st.floats(-90, 90), st.floats(-180, 180)),
)
names = st.from_regex(r"[a-z][A-Za-z0-9_]{0,8}", fullmatch=True)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(names, inner.filter(lambda v: v is not None), max_size=3), max_leaves=8)
rows = st.lists(st.dictionaries(names, values, max_size=5), max_size=4)


@settings(max_examples=60, deadline=None)
@given(rows=rows, meta=st.dictionaries(names.filter(lambda n: n != "ver"),
                                       scalars.filter(lambda v: v is not None), max_size=3))
def test_grids_round_trip_through_zinc_and_json(rows, meta):
    grid = Grid.make(rows, meta)
    if not grid.cols:
        grid = Grid(grid.meta)
    assert zinc.decode_grid(zinc.encode_grid(grid)) == grid
    assert json_codec.decode_grid(json_codec.encode_grid(grid)) == grid


@settings(max_examples=60, deadline=None)
@given(value=values)
def test_values_round_trip(value):
    assert zinc.decode_val(zinc.encode_val(value)) == value
    assert json_codec.decode_val(json_codec.encode_val(value)) == value
