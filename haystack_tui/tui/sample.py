"""A hand-built, deterministic state of the default building, and a Source
that serves it: for the README screenshot, the snapshot tests and the refresh
benchmark. The console never uses it at run time.

Plain data only (no engine, no database): the ids follow the default
building's patterns and the values follow daily cycles, fixed by ``seed`` and
``now`` so every rendering of it is identical.
"""

from __future__ import annotations

import asyncio
import math
import random
from dataclasses import replace
from typing import AsyncIterator

from haystack_tui.engine.status import (BackfillState, CheckState, Event, GapState, PointState, Snapshot,
                                        TotalizerState)
from haystack_tui.tui.source import History, Source

NOW = 1_767_628_800  # 2026-01-05T16:00:00Z
INTERVAL = 900

# equipment type -> (suffix, dis, kind, unit, middle, swing) of its points; a negative swing
# makes a totalizer that grows by about that much per interval
KINDS = {
    "chiller": [("status", "Status", "Bool", None, 1, 0), ("enable", "Enable Command", "Bool", None, 1, 0),
                ("chwSupplyTemp", "CHW Supply Temp", "Number", "°F", 44, 2),
                ("chwReturnTemp", "CHW Return Temp", "Number", "°F", 54, 3),
                ("condenserTemp", "Condenser Temp", "Number", "°F", 85, 4),
                ("chwFlow", "CHW Flow Rate", "Number", "gal/min", 900, 300),
                ("power", "Power", "Number", "kW", 310, 120), ("energy", "Energy", "Number", "kWh", 1.02e6, -77),
                ("cop", "COP", "Number", None, 5.5, 1), ("loadPercent", "Load", "Number", "%", 55, 30)],
    "boiler": [("status", "Status", "Bool", None, 1, 0), ("enable", "Enable Command", "Bool", None, 1, 0),
               ("hwSupplyTemp", "HW Supply Temp", "Number", "°F", 160, 12),
               ("hwReturnTemp", "HW Return Temp", "Number", "°F", 140, 10),
               ("firingRate", "Firing Rate", "Number", "%", 40, 30),
               ("gasFlow", "Gas Flow", "Number", "ft³/h", 1200, 500)],
    "ahu": [("status", "Status", "Bool", None, 1, 0), ("enable", "Enable", "Bool", None, 1, 0),
            ("supplyTemp", "Supply Air Temp", "Number", "°F", 55, 3),
            ("returnTemp", "Return Air Temp", "Number", "°F", 72, 2),
            ("mixedTemp", "Mixed Air Temp", "Number", "°F", 60, 5),
            ("supplyFanSpeed", "Supply Fan Speed", "Number", "%", 65, 25),
            ("staticPressure", "Static Pressure", "Number", "inH₂O", 1.5, 0.4),
            ("supplyAirFlow", "Supply Air Flow", "Number", "cfm", 24000, 9000),
            ("fanPower", "Supply Fan Power", "Number", "kW", 18, 8),
            ("coolingValve", "Cooling Valve", "Number", "%", 40, 35),
            ("heatingValve", "Heating Valve", "Number", "%", 10, 10)],
    "vav": [("zoneTemp", "Zone Temp", "Number", "°F", 72, 1.5),
            ("zoneTempSp", "Zone Temp Setpoint", "Number", "°F", 72, 0),
            ("airFlow", "Air Flow", "Number", "cfm", 600, 250),
            ("damperPos", "Damper Position", "Number", "%", 45, 25), ("occupied", "Occupied", "Bool", None, 1, 0)],
    "elecMeter": [("power", "Power", "Number", "kW", 820, 300), ("energy", "Energy", "Number", "kWh", 4.18e6, -205),
                  ("powerFactor", "Power Factor", "Number", None, 0.93, 0.03),
                  ("lightingPlugPower", "Lighting and Plug Power", "Number", "kW", 240, 90)],
    "gasMeter": [("flow", "Gas Flow", "Number", "ft³/h", 1240, 500),
                 ("volume", "Gas Volume", "Number", "ft³", 9.2e5, -310)],
    "waterMeter": [("flow", "Water Flow", "Number", "gal/min", 36, 20),
                   ("volume", "Water Volume", "Number", "gal", 2.77e6, -540)],
    "weather": [("temp", "Outside Air Temp", "Number", "°F", 34, 8),
                ("humidity", "Outside Air Humidity", "Number", "%RH", 62, 15)],
}


def equipment() -> list[tuple[str, str]]:
    """(equipment id, type) in the building's order."""
    eq = [("weather-metro-city", "weather"), ("equip-chiller-1", "chiller"), ("equip-chiller-2", "chiller"),
          ("equip-boiler-1", "boiler")]
    eq += [(f"equip-ahu-{i}", "ahu") for i in range(1, 5)]
    eq += [(f"equip-vav-{f}-{z}", "vav") for f in range(1, 13) for z in ("north", "south", "east", "west")]
    meters = [("meter-main-electric", "elecMeter"), ("meter-main-gas", "gasMeter"), ("meter-main-water", "waterMeter")]
    return eq + meters


def points(now: int = NOW, seed: int = 42, depth: int = 96, shift: float = 0.0) -> tuple[PointState, ...]:
    """Every point with ``depth`` intervals of history ending at ``now``;
    ``shift`` moves every value (the benchmark's 'everything changed')."""
    rng = random.Random(seed)
    out = []
    for equip, kind in equipment():
        stem = equip.removeprefix("equip-")
        for suffix, dis, pkind, unit, mid, swing in KINDS[kind]:
            phase, noise = rng.uniform(0, 2 * math.pi), swing * 0.05
            hist = tuple(_value(now - (depth - 1 - k) * INTERVAL, pkind, mid, swing, phase, rng, noise) + shift
                         for k in range(depth))
            status = "fault" if rng.random() < 0.02 else "stale" if rng.random() < 0.03 else "ok"
            out.append(PointState(f"point-{stem}-{suffix}", equip, dis, pkind, unit, hist[-1], status, hist))
    return tuple(out)


def _value(ts: int, kind: str, mid: float, swing: float, phase: float, rng: random.Random, noise: float) -> float:
    day = math.sin(2 * math.pi * (ts % 86400) / 86400 + phase)
    if swing < 0:
        return round(mid - swing * (ts - NOW) / INTERVAL * (1.2 + 0.8 * day), 1)
    if kind == "Bool":
        return 1.0 if day > -0.3 else 0.0
    return round(mid + swing * day + rng.gauss(0, noise), 2)


def snapshot(now: int = NOW, seed: int = 42, shift: float = 0.0, version: int = 1) -> Snapshot:
    """A busy moment: running, a backfill of a hole under way, one check failed."""
    strip = [1.0] * 168
    strip[150:153] = [0.5, 0.0, 0.0]
    strip[40] = 0.75
    hole = (now - 18 * 3600, now - 15 * 3600 - 1800)
    return Snapshot(
        mode="running", version=version, org="demo", site="site-downtown-tower",
        database="postgresql://haystack:***@localhost:5432/haystack", embedded=True, speed=1.0,
        sim_now=now + 95, last_tick=now - INTERVAL, next_tick=now, next_tick_wall=now + 42.0, started_at=now - 7200,
        gap=GapState(now - 7 * 86400, now, 14, (hole, (now - 127 * 3600, now - 127 * 3600 + INTERVAL)), tuple(strip)),
        backfill=BackfillState(True, *hole, 1_288_000, 3_220_000, 312_400.0, 6.2),
        totalizers=totalizers(),
        points=points(now, seed, shift=shift),
        counters={"rows_written": 2_184_730, "backfill_rows": 2_160_960, "ticks": 74, "errors": 1},
        last_error="database unavailable: connection refused", last_error_at=now - 3300,
        validation=(
            CheckState("completeness", True, "error", "99.98%"),
            CheckState("regular grid", True, "error", "0 off-grid"),
            CheckState("totalizers monotonic", False, "error", "1 decrease", "point-chiller-2-energy"),
            CheckState("status mix", True, "warning", "95.1/2.9/2.0%"),
            CheckState("coherence", True, "warning", "0 violations"),
        ),
        validation_at=now - 600, extra={"haystack_sessions": 2},
    )


def totalizers() -> tuple[TotalizerState, ...]:
    """The meters; chiller 2's reading went down once (a defect the console flags)."""
    rows = [("meter-main-electric-energy", "Main Electric Meter", "kWh", 4_182_337.5, 205.1, 820.4, "kW", True),
            ("meter-main-gas-volume", "Main Gas Meter", "ft³", 918_204.0, 310.0, 1240.0, "ft³/h", True),
            ("meter-main-water-volume", "Main Water Meter", "gal", 2_770_410.0, 540.0, 36.0, "gal/min", True),
            ("chiller-1-energy", "Chiller 1", "kWh", 1_020_338.1, 77.4, 309.6, "kW", True),
            ("chiller-2-energy", "Chiller 2", "kWh", 610_112.9, -3.2, 0.0, "kW", False)]
    return tuple(TotalizerState(f"point-{r[0]}", *r[1:]) for r in rows)


def events(now: int = NOW) -> list[Event]:
    lines = [("started", "writing demo/site-downtown-tower"),
             ("backfill_done", "startup backfill: 2,160,960 rows in 8.4 s"),
             ("error", "database unavailable: connection refused"),
             ("started", "writing demo/site-downtown-tower"),
             ("tick_written", "wrote 2026-01-05T15:30:00Z (322 rows)"),
             ("validation_done", "failed: totalizers monotonic"),
             ("backfill_started", "requested backfill: 10 intervals from 2026-01-04T22:00:00Z"),
             ("tick_written", "wrote 2026-01-05T15:45:00Z (322 rows)"),
             ("backfill_progress", "40% (1,288,000/3,220,000 rows, 312,400 rows/s)")]
    return [Event(i + 1, now - 3600 + 400 * i, kind, message) for i, (kind, message) in enumerate(lines)]


class SampleSource(Source):
    """Serves ``current`` (replace it to simulate a refresh) and its events;
    records the commands it is sent instead of acting on them."""

    label = "sample data"

    def __init__(self, current: Snapshot | None = None) -> None:
        self.current = current or snapshot()
        self.commands: list[tuple] = []

    async def snapshot(self) -> Snapshot:
        return self.current

    async def events(self) -> AsyncIterator[Event]:
        for event in events():
            yield event
        await asyncio.Event().wait()  # nothing more will happen

    async def pause(self) -> None:
        self.commands.append(("pause",))
        self.current = replace(self.current, mode="paused", version=self.current.version + 1)

    async def resume(self) -> None:
        self.commands.append(("resume",))
        self.current = replace(self.current, mode="running", version=self.current.version + 1)

    async def backfill(self, start: int, end: int) -> None:
        self.commands.append(("backfill", start, end))

    async def validate(self):
        self.commands.append(("validate",))
        return self.current.validation

    async def history(self, point_id: str, start: int, end: int) -> History:
        p = next(p for p in self.current.points if p.id == point_id)
        rows = []
        for ts in range(start, end, INTERVAL):
            k = (ts - start) // INTERVAL
            missing = end - 8 * 3600 <= ts < end - 7 * 3600
            rows.append((ts, None if missing else p.history[k % len(p.history)], "ok"))
        return rows
