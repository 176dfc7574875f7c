"""Determinism and totalizer continuity of the generator.

A value is a function of (seed, point, interval) only: any sub-range generated
alone, in any order, equals the same rows of a longer run, bit for bit; the
totalizers continue exactly across split blocks and agree with readings_at.
"""

from __future__ import annotations

from datetime import datetime, timezone

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from haystack_tui.model import load_building
from haystack_tui.sim import INTERVAL, generate, readings_at
from haystack_tui.sim.layout import layout
from haystack_tui.sim.totalizers import CHECKPOINT_INTERVALS

SEED = 20260101
# Three days around the spring DST change, so sub-ranges straddle it.
START = int(datetime(2026, 3, 7, 0, 0, tzinfo=timezone.utc).timestamp())
N = 96 * 3


@pytest.fixture(scope="module")
def building():
    return load_building()


@pytest.fixture(scope="module")
def long_run(building):
    return generate(building, SEED, START, N)


def same(a, b) -> bool:
    return np.array_equal(a, b, equal_nan=True)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(offset=st.integers(0, N - 1), length=st.integers(1, 60))
def test_any_sub_range_alone_equals_the_long_run(building, long_run, offset, length):
    length = min(length, N - offset)
    part = generate(building, SEED, START + offset * INTERVAL, length)
    rows = slice(offset, offset + length)
    assert np.array_equal(part.times, long_run.times[rows])
    assert same(part.values, long_run.values[rows])
    assert np.array_equal(part.status, long_run.status[rows])


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cuts=st.lists(st.integers(1, N - 1), min_size=1, max_size=5, unique=True), order=st.randoms())
def test_pieces_in_any_order_reassemble_the_long_run(building, long_run, cuts, order):
    edges = [0, *sorted(cuts), N]
    pieces = list(zip(edges, edges[1:]))
    order.shuffle(pieces)
    got = {a: generate(building, SEED, START + a * INTERVAL, b - a) for a, b in pieces}
    values = np.concatenate([got[a].values for a in sorted(got)])
    status = np.concatenate([got[a].status for a in sorted(got)])
    assert same(values, long_run.values)
    assert np.array_equal(status, long_run.status)


def test_seed_changes_values_and_global_random_state_is_untouched(building):
    state = np.random.get_state()
    zeros = np.zeros(len(building.totalizers))
    a = generate(building, 1, START, 8, zeros)
    np.random.seed(999)  # must not matter
    b = generate(building, 1, START, 8, zeros)
    c = generate(building, 2, START, 8, zeros)
    np.random.set_state(state)
    assert same(a.values, b.values)
    assert not same(a.values, c.values)


def test_block_shape_and_types(building, long_run):
    assert long_run.times.dtype == np.int64
    assert np.all(np.diff(long_run.times) == INTERVAL)
    assert long_run.values.shape == (N, len(building.points))
    assert long_run.values.dtype == np.float64
    assert long_run.status.dtype == np.uint8
    bools = [p.column for p in building.points if p.kind == "Bool"]
    v = long_run.values[:, bools]
    assert set(np.unique(v[~np.isnan(v)])) <= {0.0, 1.0}


@pytest.mark.parametrize("start,n", [(START + 1, 1), (START + 450, 4), (START, 0), (START, -3)])
def test_bad_arguments_raise(building, start, n):
    with pytest.raises(ValueError):
        generate(building, SEED, start, n)


@pytest.mark.parametrize("readings", [[1.0, 2.0], [np.nan, 0, 0, 0, 0]])
def test_bad_readings_raise(building, readings):
    with pytest.raises(ValueError):
        generate(building, SEED, START, 2, readings)


def test_a_building_loaded_again_shares_the_constants(building):
    assert layout(load_building()) is layout(building)


def tot_cols(building):
    return [t.column for t in building.totalizers]


def test_totalizers_continue_across_split_blocks(building):
    whole = generate(building, SEED, START, 200)
    first = generate(building, SEED, START, 77)
    second = generate(building, SEED, START + 77 * INTERVAL, 123, first.readings_end)
    cols = tot_cols(building)
    assert same(np.concatenate([first.values, second.values])[:, cols], whole.values[:, cols])
    assert np.array_equal(second.readings_end, whole.readings_end)
    assert np.array_equal(whole.readings_end, whole.values[-1, cols])


def test_totalizer_deltas_are_the_rounded_rates_and_never_negative(building, long_run):
    before = readings_at(building, SEED, START - INTERVAL)
    for k, tot in enumerate(building.totalizers):
        rate = long_run.values[:, building.rate_point(tot).column]
        reading = np.concatenate([[before[k]], long_run.values[:, tot.column]])
        scale = 10.0 ** tot.type.decimals
        delta_units = np.rint(np.diff(reading) * scale)
        expected = np.floor(np.rint(rate * 10.0 ** building.rate_point(tot).type.decimals)
                            * tot.type.rate_factor * scale / 10.0 ** building.rate_point(tot).type.decimals + 0.5)
        assert np.array_equal(delta_units, expected), tot.id
        assert np.all(delta_units >= 0)


def test_readings_at_agrees_with_blocks_before_and_after_the_origin(building):
    origin = int(building.spec.meters.origin.timestamp())
    block = generate(building, SEED, origin - 10 * INTERVAL, 20)
    cols = tot_cols(building)
    for r in (0, 9, 10, 19):
        ts = int(block.times[r])
        assert np.array_equal(readings_at(building, SEED, ts), block.values[r, cols])
    initial = [building.initial_reading(t) for t in building.totalizers]
    assert np.array_equal(readings_at(building, SEED, origin), initial)
    # Between grid times the reading is that of the last grid time.
    assert np.array_equal(readings_at(building, SEED, int(block.times[12]) + 300), block.values[12, cols])


def test_readings_at_does_not_depend_on_cached_checkpoints(building):
    far = int(datetime(2026, 3, 20, 12, 0, tzinfo=timezone.utc).timestamp())
    early = int(datetime(2025, 11, 20, 3, 15, tzinfo=timezone.utc).timestamp())
    warm = [readings_at(building, 5, t) for t in (far, early, far - 86400)]
    layout(building).checkpoints.clear()  # cold: integrate from the origin again, in another order
    cold = [readings_at(building, 5, t) for t in (far - 86400, early, far)]
    assert np.array_equal(warm[0], cold[2])
    assert np.array_equal(warm[1], cold[1])
    assert np.array_equal(warm[2], cold[0])
    assert np.all(warm[1] <= np.array([building.initial_reading(t) for t in building.totalizers]))


def test_readings_at_is_the_same_from_any_checkpoint(building):
    """Forward from the checkpoint before, or back from the one after: the same integers."""
    origin = int(building.spec.meters.origin.timestamp())
    chunk = CHECKPOINT_INTERVALS * INTERVAL
    times = [origin + chunk * 2 - 3 * INTERVAL, origin + chunk + 100 * INTERVAL, origin - chunk + 5 * INTERVAL,
             origin - 2 * INTERVAL, origin + 3 * chunk - INTERVAL]
    lay = layout(building)
    cold = []
    for t in times:
        lay.checkpoints.pop(6, None)
        cold.append(readings_at(building, 6, t))
    readings_at(building, 6, origin + 4 * chunk)  # checkpoints on both sides of every time
    readings_at(building, 6, origin - 2 * chunk)
    for t, expected in zip(times, cold):
        assert np.array_equal(readings_at(building, 6, t), expected)


def test_backfill_in_any_order_meets_every_seam(building):
    """March, then January, then the February hole: readings agree with one continuous pass."""
    jan = int(datetime(2026, 1, 30, tzinfo=timezone.utc).timestamp())
    feb = jan + 96 * INTERVAL
    mar = feb + 96 * INTERVAL
    cols = tot_cols(building)
    m = generate(building, SEED, mar, 96)
    j = generate(building, SEED, jan, 96)
    f = generate(building, SEED, feb, 96, j.readings_end)
    assert np.array_equal(f.readings_end, readings_at(building, SEED, mar - INTERVAL))
    stitched = np.concatenate([j.values[:, cols], f.values[:, cols], m.values[:, cols]])
    assert np.all(np.diff(stitched, axis=0) >= 0)
    whole = generate(building, SEED, jan, 3 * 96)
    assert np.array_equal(stitched, whole.values[:, cols])
