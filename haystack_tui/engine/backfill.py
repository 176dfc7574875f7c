"""Filling what is missing: plan, then generate and write chunk by chunk.

Generation (numpy, releases the GIL) runs in a producer thread one chunk
ahead of the database write, through a queue of one, so the two overlap and
at most three chunks are ever in memory whatever the length of the gap. A
stop request is honoured between chunks: the chunk in flight commits or
rolls back whole, never partly.
"""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass
from typing import Callable

import numpy as np
import psycopg

from haystack_tui import sim
from haystack_tui.engine.plan import DEFAULT_CHUNK_INTERVALS, Chunk, plan_chunks
from haystack_tui.engine.setup import Prepared
from haystack_tui.engine.totalizers import readings_before
from haystack_tui.store import detect
from haystack_tui.store.values import EncodedChunk, ValueWriter, analyze, encode_block


ANALYZE_AFTER_ROWS = 100_000  # a load this large changes the table's statistics noticeably


@dataclass(frozen=True)
class BackfillProgress:
    rows_done: int
    rows_total: int
    intervals_done: int
    intervals_total: int
    elapsed_s: float
    chunk_start: int
    """Epoch seconds of the chunk just written."""

    @property
    def fraction(self) -> float:
        return 1.0 if self.rows_total == 0 else self.rows_done / self.rows_total

    @property
    def rows_per_s(self) -> float:
        return self.rows_done / self.elapsed_s if self.elapsed_s > 0 else 0.0

    @property
    def eta_s(self) -> float | None:
        rate = self.rows_per_s
        return (self.rows_total - self.rows_done) / rate if rate > 0 else None


@dataclass(frozen=True)
class BackfillResult:
    rows: int
    """Rows added to the values table."""
    intervals: int
    """Grid instants filled."""
    chunks: int
    seconds: float
    stopped: bool
    """True when a stop request ended the run early (state intact)."""
    missing: int
    """Grid instants found missing in the range before the run."""

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0


def plan_backfill(conn: psycopg.Connection, prepared: Prepared, lo: int, hi: int,
                  chunk_intervals: int = DEFAULT_CHUNK_INTERVALS) -> list[Chunk]:
    """The chunks that fill every missing instant of ``[lo, hi)``, oldest first."""
    cov = detect.coverage(conn, prepared.tables, prepared.point_entity_ids, lo, hi)
    return plan_chunks(cov.missing, chunk_intervals, cov.partial)


def run_backfill(conn: psycopg.Connection, prepared: Prepared, seed: int, lo: int, hi: int, *,
                 progress: Callable[[BackfillProgress], None] | None = None,
                 should_stop: Callable[[], bool] | None = None,
                 chunk_intervals: int = DEFAULT_CHUNK_INTERVALS,
                 chunks: list[Chunk] | None = None,
                 on_chunk: Callable[[EncodedChunk], None] | None = None) -> BackfillResult:
    """Fill ``[lo, hi)``; returns what was written. Safe to re-run: adds nothing the second time."""
    t0 = time.perf_counter()
    plan = plan_backfill(conn, prepared, lo, hi, chunk_intervals) if chunks is None else chunks
    n_points = len(prepared.building.points)
    total_intervals = sum(c.n for c in plan)
    starts = {c.start: readings_before(conn, prepared, seed, c.start) for c in plan if c.run_start}
    writer = ValueWriter(prepared.tables, prepared.columns, prepared.state_name)
    stop = threading.Event()
    produced: queue.Queue = queue.Queue(maxsize=1)
    producer = threading.Thread(target=_produce, args=(prepared, seed, plan, starts, produced, stop),
                                name="backfill-generate", daemon=True)
    producer.start()
    rows = intervals = done_chunks = 0
    stopped = False
    try:
        for _ in plan:
            item = produced.get()
            if isinstance(item, BaseException):
                raise item
            rows += writer.write(conn, item)
            intervals += item.n
            if on_chunk:
                on_chunk(item)
            done_chunks += 1
            if progress:
                progress(BackfillProgress(intervals * n_points, total_intervals * n_points, intervals,
                                          total_intervals, time.perf_counter() - t0, item.start))
            if should_stop and should_stop() and done_chunks < len(plan):
                stopped = True
                break
    finally:
        stop.set()
        _drain(produced)
        producer.join(timeout=30)
    if rows >= ANALYZE_AFTER_ROWS:
        analyze(conn, prepared.tables)
    return BackfillResult(rows, intervals, done_chunks, time.perf_counter() - t0, stopped, total_intervals)


def _produce(prepared: Prepared, seed: int, plan: list[Chunk], starts: dict[int, np.ndarray],
             out: queue.Queue, stop: threading.Event) -> None:
    """Generate and encode each chunk in order, carrying meter readings within a run."""
    carried: np.ndarray | None = None
    try:
        for chunk in plan:
            if stop.is_set():
                return
            before = starts[chunk.start] if chunk.run_start else carried
            block = sim.generate(prepared.building, seed, chunk.start, chunk.n, readings_before=before)
            carried = block.readings_end
            encoded = encode_block(prepared.columns, block.times, block.values, block.status, block.readings_end)
            while not stop.is_set():
                try:
                    out.put(encoded, timeout=0.2)
                    break
                except queue.Full:
                    continue
    except BaseException as exc:  # surfaced in the writer thread
        out.put(exc)


def _drain(q: queue.Queue) -> None:
    try:
        while True:
            q.get_nowait()
    except queue.Empty:
        pass
