"""The engine's public state: one snapshot and a stream of events.

Every front end (the console in-process, the console attached over HTTP,
``/status``, ``/metrics``) renders these and nothing else, so all of them
show the same thing. Both are plain data and serialise to JSON with
``to_dict``; ``snapshot_from_dict`` rebuilds a snapshot on the client side.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

MODES = ("starting", "backfilling", "running", "paused", "standby", "error", "stopped")


@dataclass(frozen=True)
class Event:
    """Something that happened, in past tense: ``tick_written``, ``backfill_done``..."""

    seq: int
    """Increasing number; clients resume a stream after the last seq they saw."""
    at: float
    """Wall-clock epoch seconds when it happened."""
    kind: str
    message: str
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Event":
        return cls(int(d["seq"]), float(d["at"]), str(d["kind"]), str(d["message"]), dict(d.get("details") or {}))


@dataclass(frozen=True)
class BackfillState:
    active: bool = False
    start: int | None = None
    """Range being filled (epoch seconds, half-open)."""
    end: int | None = None
    rows_done: int = 0
    rows_total: int = 0
    rows_per_s: float = 0.0
    eta_s: float | None = None

    @property
    def fraction(self) -> float:
        return 1.0 if not self.rows_total else self.rows_done / self.rows_total


@dataclass(frozen=True)
class GapState:
    window_start: int | None = None
    window_end: int | None = None
    missing_intervals: int = 0
    open_gaps: tuple[tuple[int, int], ...] = ()
    """Up to 20 (start, end) ranges of missing intervals in the window."""
    strip: tuple[float, ...] = ()
    """Fraction of intervals present per hour of the window, oldest first."""


@dataclass(frozen=True)
class PointState:
    id: str
    equip: str
    dis: str
    kind: str
    unit: str | None
    value: float | None
    """Newest value (Bool as 0/1); None when missing."""
    status: str
    history: tuple[float | None, ...] = ()
    """Recent values, oldest first, for sparklines."""


@dataclass(frozen=True)
class TotalizerState:
    id: str
    dis: str
    unit: str | None
    value: float | None
    last_delta: float | None
    rate: float | None
    rate_unit: str | None
    monotonic: bool


@dataclass(frozen=True)
class CheckState:
    name: str
    passed: bool
    severity: str
    figure: str
    detail: str = ""


@dataclass(frozen=True)
class Snapshot:
    mode: str = "starting"
    healthy: bool = True
    reason: str = ""
    """Why the engine is unhealthy (empty when healthy)."""
    version: int = 0
    """Increases whenever anything in the snapshot changes."""
    org: str = ""
    site: str = ""
    database: str = ""
    """Masked URL of the database."""
    embedded: bool = False
    speed: float = 1.0
    sim_now: float = 0.0
    """Simulated clock, epoch seconds."""
    last_tick: int | None = None
    """Newest interval written (epoch seconds)."""
    next_tick: int | None = None
    """Next interval to be written (simulated epoch seconds)."""
    next_tick_wall: float | None = None
    """Wall-clock epoch seconds at which the next tick fires."""
    started_at: float = 0.0
    gap: GapState = GapState()
    backfill: BackfillState = BackfillState()
    totalizers: tuple[TotalizerState, ...] = ()
    points: tuple[PointState, ...] = ()
    counters: dict[str, int] = field(default_factory=dict)
    """rows_written, backfill_rows, ticks, errors, errors_<kind>..."""
    last_error: str | None = None
    last_error_at: float | None = None
    validation: tuple[CheckState, ...] = ()
    validation_at: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    """Front-end additions (e.g. open Haystack sessions) merged in by the service."""

    def to_dict(self, points: bool = True) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        if not points:
            d["points"] = []
        return d


def snapshot_from_dict(d: dict[str, Any]) -> Snapshot:
    """Rebuild a Snapshot from its JSON form (the console attached over HTTP)."""
    return Snapshot(
        **{k: v for k, v in d.items() if k not in {"gap", "backfill", "totalizers", "points", "validation"}
           and k in {f.name for f in dataclasses.fields(Snapshot)}},
        gap=GapState(**{**d.get("gap", {}), "open_gaps": tuple(tuple(g) for g in d.get("gap", {}).get("open_gaps", ())),
                        "strip": tuple(d.get("gap", {}).get("strip", ()))}),
        backfill=BackfillState(**d.get("backfill", {})),
        totalizers=tuple(TotalizerState(**t) for t in d.get("totalizers", ())),
        points=tuple(PointState(**{**p, "history": tuple(p.get("history", ()))}) for p in d.get("points", ())),
        validation=tuple(CheckState(**c) for c in d.get("validation", ())),
    )
