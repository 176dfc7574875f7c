"""Prometheus exposition, read from the engine's snapshot at scrape time.

A custom collector over the snapshot keeps the counters exactly the engine's
(no second bookkeeping); the tick-duration histogram is fed from tick events.
Each app gets its own registry, so tests can build many apps.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from haystack_tui.engine.status import MODES


class SnapshotCollector:
    def __init__(self, engine) -> None:
        self.engine = engine

    def collect(self):
        s = self.engine.snapshot
        c = s.counters
        yield _counter("haystack_rows_written", "Rows added to the values table", c.get("rows_written", 0))
        yield _counter("haystack_backfill_rows", "Rows added by backfills", c.get("backfill_rows", 0))
        yield _counter("haystack_ticks", "Intervals written by ticks", c.get("ticks", 0))
        errors = CounterMetricFamily("haystack_errors", "Errors by kind", labels=["kind"])
        for key, value in sorted(c.items()):
            if key.startswith("errors_"):
                errors.add_metric([key.removeprefix("errors_")], value)
        yield errors
        yield _gauge("haystack_gap_intervals", "Missing intervals in the recent window", s.gap.missing_intervals)
        yield _gauge("haystack_last_sample_timestamp_seconds", "Newest interval written (epoch seconds)",
                     s.last_tick or 0)
        yield _gauge("haystack_healthy", "1 when healthy", int(s.healthy))
        yield _gauge("haystack_standby", "1 while standing by for the writer lock", int(s.mode == "standby"))
        yield _gauge("haystack_paused", "1 while paused", int(s.mode == "paused"))
        mode = GaugeMetricFamily("haystack_mode", "Current mode (1 for the active one)", labels=["mode"])
        for m in MODES:
            mode.add_metric([m], int(s.mode == m))
        yield mode
        yield _gauge("haystack_backfill_progress_ratio", "Progress of the running backfill",
                     s.backfill.fraction if s.backfill.active else 0)
        tot = GaugeMetricFamily("haystack_totalizer_value", "Totalizer reading per meter", labels=["point", "unit"])
        for t in s.totalizers:
            if t.value is not None:
                tot.add_metric([t.id, t.unit or ""], t.value)
        yield tot


class ExtraCollector:
    """Gauges from the service's own ``app[EXTRA]`` dict, which the engine's snapshot does not hold."""

    def __init__(self, extra: dict) -> None:
        self.extra = extra

    def collect(self):
        sessions = self.extra.get("haystack_sessions")
        if sessions is not None:
            yield _gauge("haystack_api_sessions", "Open Haystack API sessions", sessions)


def add_extra_gauges(registry: CollectorRegistry, extra: dict) -> None:
    """Expose ``extra`` (e.g. the open Haystack sessions) on ``registry``."""
    registry.register(ExtraCollector(extra))


def _counter(name: str, doc: str, value: float) -> CounterMetricFamily:
    return CounterMetricFamily(name, doc, value=value)


def _gauge(name: str, doc: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, doc, value=value)


def make_registry(engine) -> tuple[CollectorRegistry, Histogram]:
    registry = CollectorRegistry()
    registry.register(SnapshotCollector(engine))
    tick_seconds = Histogram("haystack_tick_duration_seconds", "Time to generate and write one tick",
                             buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10), registry=registry)
    return registry, tick_seconds
