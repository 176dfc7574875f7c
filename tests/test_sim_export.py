"""CSV export: header, row order, formatting, chunking and progress."""

from __future__ import annotations

import io
import re
from datetime import datetime, timezone

import numpy as np
import pytest

from haystack_tui.model import load_building
from haystack_tui.sim import INTERVAL, STATUS_NAMES, export_csv, generate
from haystack_tui.sim import export as export_module

BUILDING = load_building()
START = int(datetime(2026, 1, 1, tzinfo=timezone.utc).timestamp())
SEED = 9


def export(start, end, **kw):
    out = io.StringIO()
    rows = export_csv(BUILDING, SEED, start, end, out, **kw)
    return rows, out.getvalue().splitlines()


def test_header_order_and_formatting():
    rows, lines = export(START, START + 3 * INTERVAL)
    assert lines[0] == "ts,id,value,status"
    p = len(BUILDING.points)
    assert rows == 3 * p == len(lines) - 1
    block = generate(BUILDING, SEED, START, 3)
    for k, line in enumerate(lines[1:]):
        ts, pid, value, status = line.split(",")
        r, c = divmod(k, p)
        point = BUILDING.points[c]
        assert ts == datetime.fromtimestamp(START + r * INTERVAL, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        assert pid == point.id
        assert status == STATUS_NAMES[block.status[r, c]]
        v = block.values[r, c]
        if np.isnan(v):
            assert value == "" and status == "fault"
        elif point.kind == "Bool":
            assert value == ("true" if v == 1 else "false")
        else:
            d = point.type.decimals
            assert re.fullmatch(r"-?\d+" + (rf"\.\d{{{d}}}" if d > 0 else ""), value), (point.id, value)
            assert float(value) == v


def test_examples_of_resolution():
    _, lines = export(START, START + INTERVAL)
    by_id = {line.split(",")[1]: line.split(",")[2] for line in lines[1:]}
    assert re.fullmatch(r"\d+\.\d", by_id["point-vav-1-north-zoneTemp"]) or by_id["point-vav-1-north-zoneTemp"] == ""
    assert re.fullmatch(r"\d+", by_id["point-meter-main-gas-volume"])
    assert re.fullmatch(r"\d\.\d{3}", by_id["point-meter-main-electric-powerFactor"]) \
        or by_id["point-meter-main-electric-powerFactor"] == ""
    assert by_id["point-chiller-1-status"] in ("true", "false")


def test_range_is_start_inclusive_end_exclusive_and_start_rounds_up():
    rows, lines = export(START + 1, START + 3 * INTERVAL)  # -> START+900 and START+1800
    stamps = sorted({line.split(",")[0] for line in lines[1:]})
    assert stamps == ["2026-01-01T00:15:00Z", "2026-01-01T00:30:00Z"]
    assert rows == 2 * len(BUILDING.points)
    rows, lines = export(START + 5, START + 10)
    assert rows == 0 and lines == ["ts,id,value,status"]


def test_chunks_progress_and_continuity(monkeypatch):
    monkeypatch.setattr(export_module, "CHUNK_INTERVALS", 4)
    calls = []
    rows, lines = export(START, START + 10 * INTERVAL, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(4, 10), (8, 10), (10, 10)]
    block = generate(BUILDING, SEED, START, 10)
    p = len(BUILDING.points)
    values = [line.split(",")[2] for line in lines[1:]]
    for t in BUILDING.totalizers:  # totalizers carried across chunks: same as one block
        got = [float(values[r * p + t.column]) for r in range(10)]
        assert got == list(block.values[:, t.column])


@pytest.mark.parametrize("start", [START - 7 * 86400])
def test_before_the_origin(start):
    rows, lines = export(start, start + INTERVAL)
    assert rows == len(BUILDING.points)
    energy = [line for line in lines if ",point-meter-main-electric-energy," in line][0]
    assert float(energy.split(",")[2]) < BUILDING.spec.meters.electric_kwh
