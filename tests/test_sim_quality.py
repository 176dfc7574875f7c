"""Data quality: stale and fault episodes at the configured rates, lasting several intervals."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone
from functools import lru_cache

import numpy as np
import pytest

from haystack_tui.model import load_building
from haystack_tui.model.building import build
from haystack_tui.sim import STATUS_FAULT, STATUS_OK, STATUS_STALE, generate

BUILDING = load_building()
START = int(datetime(2026, 4, 1, tzinfo=timezone.utc).timestamp())
MONTH = 96 * 30
# Totalizer readings are not under test here: start them at zero rather than integrate from the origin.
ZEROS = np.zeros(len(BUILDING.totalizers))


@lru_cache(maxsize=None)
def month():
    return generate(BUILDING, 3, START, MONTH, ZEROS)


def degradable(building):
    return np.array([p.type.degradable for p in building.points])


def runs(flags: np.ndarray) -> list[int]:
    """Lengths of the runs of True in each column."""
    out = []
    for col in flags.T:
        padded = np.concatenate([[False], col, [False]]).astype(np.int8)
        edges = np.diff(padded)
        out += list(np.nonzero(edges == -1)[0] - np.nonzero(edges == 1)[0])
    return out


def test_rates_over_a_month():
    q = BUILDING.spec.data_quality
    status = month().status
    deg = degradable(BUILDING)
    assert np.all(status[:, ~deg] == STATUS_OK)
    s = status[:, deg]
    assert abs((s == STATUS_STALE).mean() - q.stale) < 0.006
    assert abs((s == STATUS_FAULT).mean() - q.fault) < 0.005
    assert abs((s == STATUS_OK).mean() - q.ok) < 0.008


def test_episodes_last_several_intervals():
    status = month().status[:, degradable(BUILDING)]
    for code in (STATUS_STALE, STATUS_FAULT):
        lengths = np.array(runs(status == code))
        assert len(lengths) > 100
        assert 4.5 < lengths.mean() < 7.5  # configured mean: 6
        assert np.mean(lengths == 1) < 0.05


def test_stale_repeats_the_last_good_value_and_faults_are_missing_or_out_of_range():
    block = month()
    lo = np.array([p.type.lo for p in BUILDING.points])
    hi = np.array([p.type.hi for p in BUILDING.points])
    v, s = block.values, block.status
    rows, cols = np.nonzero((s[1:] == STATUS_STALE) & (s[:-1] == STATUS_OK))
    assert len(rows) > 50
    for r, c in zip(rows + 1, cols):
        end = r
        while end < len(s) and s[end, c] == STATUS_STALE:
            assert v[end, c] == v[r - 1, c] or (np.isnan(v[end, c]) and np.isnan(v[r - 1, c]))
            end += 1
    fault = s == STATUS_FAULT
    missing = np.isnan(v) & fault
    outside = ~np.isnan(v) & fault
    assert missing.any() and outside.any()
    assert np.all(((v < lo) | (v > hi))[outside])
    ok = s == STATUS_OK
    assert not np.isnan(v[ok]).any()


@pytest.mark.parametrize("ok,stale,fault,episode", [(0.8, 0.15, 0.05, 3.0), (0.99, 0.005, 0.005, 12.0)])
def test_other_configured_rates(ok, stale, fault, episode):
    q = dataclasses.replace(BUILDING.spec.data_quality, ok=ok, stale=stale, fault=fault, episode_intervals=episode)
    other = build(dataclasses.replace(BUILDING.spec, data_quality=q))
    s = generate(other, 3, START, MONTH, ZEROS).status[:, degradable(other)]
    assert abs((s == STATUS_STALE).mean() - stale) < max(0.25 * stale, 0.002)
    assert abs((s == STATUS_FAULT).mean() - fault) < max(0.25 * fault, 0.002)
    lengths = np.array(runs(s != STATUS_OK))
    assert abs(lengths.mean() - episode) < 0.2 * episode
