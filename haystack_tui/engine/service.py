"""The continuous engine: detect -> create -> backfill -> tick, for months.

All database work runs in one worker coroutine that takes commands from a
queue (tick, catch-up, backfill, validate, stop), each executed in a thread so
the event loop (Textual's or aiohttp's) stays responsive. One place therefore
handles a database outage: report unhealthy, back off, reconnect, win the
writer lock again and plan the gap afresh. Nothing here imports Textual or
aiohttp; front ends read ``snapshot`` and ``subscribe()`` to events.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

import numpy as np
import psycopg

from haystack_tui.config import Settings
from haystack_tui.engine.backfill import BackfillProgress, run_backfill
from haystack_tui.engine.clock import SimClock
from haystack_tui.engine.connection import Sessions
from haystack_tui.engine.events import EventBus
from haystack_tui.engine.live import HISTORY, GapPicture, LiveValues
from haystack_tui.engine.plan import plan_chunks
from haystack_tui.engine.setup import Prepared, prepare
from haystack_tui.engine.status import BackfillState, CheckState, Event, Snapshot
from haystack_tui.errors import DatabaseUnavailable, HaystackError
from haystack_tui.model.building import Building
from haystack_tui.store import detect, reads
from haystack_tui.store.connect import Database, first_line
from haystack_tui.store.state import log_activity, save_state
from haystack_tui.store.values import EncodedChunk
from haystack_tui.timegrid import DAY, INTERVAL, align_down, iso

log = logging.getLogger("haystack_tui.engine")

PROBE_INTERVAL_S = 10.0
BACKOFF_CAP_S = 60.0
BIG_WRITE_INTERVALS = 4  # more than this is reported as a backfill, with progress


class _DatabaseDown(Exception):
    """The database or our lock session failed; the worker reconnects."""


class Engine:
    def __init__(self, settings: Settings, building: Building, database: Callable[[], Database],
                 clock: SimClock | None = None, validator: Callable[..., list] | None = None,
                 lock_retry_s: float = 5.0, hole_window_days: int = 30) -> None:
        self.settings = settings
        self.building = building
        self._resolve_db = database
        self.clock = clock or SimClock(settings.speed)
        self._validator = validator
        self.lock_retry_s = lock_retry_s
        self.hole_window_days = hole_window_days
        self._sessions: Sessions | None = None
        self._db: Database | None = None
        self._prepared: Prepared | None = None
        self._commands: asyncio.Queue = asyncio.Queue()
        self._bus = EventBus()
        self._counters: Counter[str] = Counter()
        self._fields: dict[str, Any] = {"mode": "starting", "healthy": True, "reason": ""}
        self._version = 0
        self._cached: Snapshot | None = None
        self._live = LiveValues(building)
        self._gaps = GapPicture()
        self._last_written: int | None = None
        self._paused = False
        self._stopping = False
        self._interrupt = threading.Event()
        self._task: asyncio.Task | None = None
        self._scheduler = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._backfill_progress_at = 0.0
        self._started_at = time.time()

    # ----- public surface -------------------------------------------------------------
    @property
    def snapshot(self) -> Snapshot:
        if self._cached is None or self._cached.version != self._version:
            self._cached = self._build_snapshot()
        return self._cached

    def subscribe(self) -> asyncio.Queue:
        return self._bus.subscribe()

    def unsubscribe(self, q: asyncio.Queue) -> None:
        self._bus.unsubscribe(q)

    def recent_events(self, since_seq: int = 0) -> list[Event]:
        return self._bus.recent(since_seq)

    async def start(self) -> None:
        from apscheduler.schedulers.asyncio import AsyncIOScheduler

        self._loop = asyncio.get_running_loop()
        self._scheduler = AsyncIOScheduler(timezone=timezone.utc)
        self._scheduler.start()
        self._task = asyncio.create_task(self._run(), name="haystack-engine")

    async def stop(self, timeout: float = 9.0) -> None:
        """Finish or roll back the chunk in flight, record ``stopped``, release the lock."""
        self._stopping = True
        self._interrupt.set()
        self._commands.put_nowait(("stop",))
        if self._task is not None:
            try:
                await asyncio.wait_for(asyncio.shield(self._task), timeout)
            except asyncio.TimeoutError:
                self._task.cancel()
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        if self._sessions is not None:
            await asyncio.to_thread(self._sessions.close)

    async def pause(self) -> None:
        if self._paused:
            return
        self._paused = True
        self._interrupt.set()
        self._set(mode="paused")
        self._emit("paused", "generation paused", sim_time=iso(align_down(self.clock.now())))
        self._commands.put_nowait(("state", "paused"))

    async def resume(self) -> None:
        if not self._paused:
            return
        self._paused = False
        if self._fields.get("mode") == "paused":
            self._set(mode="running")
        self._emit("resumed", "generation resumed; filling the paused span")
        self._commands.put_nowait(("catch_up",))
        self._commands.put_nowait(("state", "running"))

    async def backfill(self, start: int, end: int) -> None:
        """Queue a forced backfill of ``[start, end)`` (clipped to the simulated now)."""
        if end <= start:
            raise HaystackError("backfill: end must be after start")
        self._commands.put_nowait(("backfill", int(start), int(end)))

    async def validate(self) -> tuple[CheckState, ...]:
        if self._fields.get("mode") == "standby":  # the worker waits for the lock and serves no commands
            raise HaystackError("standing by: validation runs on the instance that is writing")
        fut = asyncio.get_running_loop().create_future()
        self._commands.put_nowait(("validate", fut))
        return await fut

    async def history(self, point_id: str, start: int, end: int, limit: int = 100_000
                      ) -> list[tuple[int, float | None, str]]:
        """One point's stored (epoch, value, status) over ``[start, end)``, oldest first, at most ``limit``."""
        if self._prepared is None or self._sessions is None:
            return []
        eid = self._prepared.entity_ids.get(point_id)
        if eid is None:
            raise HaystackError(f"unknown point {point_id!r}")
        sessions, tables = self._sessions, self._prepared.tables
        try:
            return await asyncio.to_thread(lambda: reads.history(sessions.reader(), tables, eid, start, end, limit))
        except psycopg.Error as exc:
            raise HaystackError(f"history unavailable: {first_line(exc)}") from None

    async def current(self) -> dict[str, tuple[int, float | None, str | None]]:
        """Each point's newest stored (epoch, value, status), from the ``_current`` table."""
        if self._prepared is None or self._sessions is None:
            return {}
        sessions, p = self._sessions, self._prepared
        by_eid = {e: pid for pid, e in p.entity_ids.items()}
        try:
            rows = await asyncio.to_thread(lambda: reads.current_rows(sessions.reader(), p.tables))
        except psycopg.Error as exc:
            raise HaystackError(f"current values unavailable: {first_line(exc)}") from None
        return {by_eid[e]: (t, v, s) for e, t, v, s in rows if e in by_eid}

    async def his_extents(self, max_age_s: float = 30.0) -> dict[str, tuple[int | None, int | None, int]]:
        """Per point (first epoch, last epoch, rows stored); cached for ``max_age_s``."""
        cached = getattr(self, "_extents_cache", None)
        if cached is not None and time.monotonic() - cached[0] < max_age_s:
            return cached[1]
        if self._prepared is None or self._sessions is None:
            return {}
        sessions, p = self._sessions, self._prepared
        by_eid = {int(e): pid for pid, e in zip(p.columns.point_ids, p.columns.entity_ids)}
        try:
            rows = await asyncio.to_thread(lambda: reads.extents(sessions.reader(), p.tables, p.point_entity_ids))
        except psycopg.Error as exc:
            raise HaystackError(f"history extents unavailable: {first_line(exc)}") from None
        result = {by_eid[e]: (first, last, int(n)) for e, first, last, n in rows}
        self._extents_cache = (time.monotonic(), result)
        return result

    @property
    def prepared(self) -> Prepared | None:
        return self._prepared

    # ----- the worker -------------------------------------------------------------------
    async def _run(self) -> None:
        backoff = 1.0
        while not self._stopping:
            try:
                if await self._bring_up():
                    backoff = 1.0
                    await self._serve()
            except _DatabaseDown as exc:
                self._fail("database", f"database unavailable: {exc}")
            except HaystackError as exc:
                self._fail("config", str(exc))
            except Exception as exc:  # keep running for months: report and retry
                log.exception("engine error")
                self._fail("internal", f"{exc.__class__.__name__}: {exc}")
            if self._stopping:
                break
            if self._sessions is not None:
                await asyncio.to_thread(self._sessions.close, False)
            await self._sleep(backoff)
            backoff = min(backoff * 2, BACKOFF_CAP_S)
        await self._shutdown()

    async def _bring_up(self) -> bool:
        """Connect, win the lock (or stand by), prepare, fill what is missing, arm the tick."""
        self._set(mode="paused" if self._paused else "starting")
        if self._db is None:
            self._db = await self._call(self._resolve_db)
            self._set(database=self._db.masked, embedded=self._db.embedded)
        self._sessions = Sessions(self._db, self.settings.org, self.building.site_id)
        await self._call(self._sessions.open)
        announced = False
        while not await self._call(self._sessions.try_lock):
            if not announced:
                self._set(mode="standby", healthy=True, reason="")
                self._emit("standby", "another instance is writing; standing by")
                announced = True
            await self._sleep(self.lock_retry_s)
            if self._stopping:
                return False
            await self._call(self._sessions.probe)
        if announced:
            self._emit("lock_acquired", "the writer lock is ours; taking over")
        self._prepared = await self._call(prepare, self._sessions.conn, self.building, self.settings.org)
        if self._prepared.created:
            self._emit("entities_created", f"created {self._prepared.created} entities", count=self._prepared.created)
        await self._load_live()
        self._set(healthy=True, reason="", last_error=None)
        self._emit("started", f"writing {self.settings.org}/{self.building.site_id}",
                   last=iso(self._last_written), speed=self.clock.speed)
        await self._initial_fill()
        # "running" only once what was missing is there: a client seeing it can rely on the data
        self._set(mode="paused" if self._paused else "running")
        self._commands.put_nowait(("state", "paused" if self._paused else "running"))
        self._arm_tick()
        return True

    async def _load_live(self) -> None:
        p, conn = self._prepared, self._sessions.conn
        last = await self._call(detect.last_timestamp, conn, p.tables, p.point_entity_ids)
        self._last_written = last
        if last is not None:
            rows = await self._call(reads.recent_rows, conn, p.tables, p.point_entity_ids, last - (HISTORY - 1) * INTERVAL)
            column_of = {int(e): j for j, e in enumerate(p.columns.entity_ids)}
            self._live.load(rows, column_of)
        if self.clock.speed != 1.0 or (last is not None and last > self.clock.now()):
            self.clock.reanchor(max(self.clock.wall(), float(last or 0)))
        self._set(last_tick=last)

    async def _initial_fill(self) -> None:
        """Start-up: the trailing gap (or the configured history) plus holes in the window."""
        now_grid = align_down(self.clock.now())
        hi = now_grid + INTERVAL
        p = self._prepared
        if self._last_written is None:
            lo = hi - self.settings.history_days * DAY
        else:  # holes inside what is stored (recent window), plus the trailing gap
            first = await self._call(detect.first_timestamp, self._sessions.conn, p.tables, p.point_entity_ids)
            lo = min(max(hi - self.hole_window_days * DAY, first or hi), self._last_written + INTERVAL)
        cov = await self._call(detect.coverage, self._sessions.conn, p.tables, p.point_entity_ids, lo, hi)
        self._gaps.reset(lo, cov.missing)
        if not self._paused and len(cov.missing):
            await self._write(plan_chunks(cov.missing, partial=cov.partial), "startup backfill")

    async def _serve(self) -> None:
        while not self._stopping:
            try:
                cmd = await asyncio.wait_for(self._commands.get(), PROBE_INTERVAL_S)
            except asyncio.TimeoutError:
                await self._call(self._sessions.probe)
                await self._flush_log()
                self._touch()
                continue
            await self._handle(cmd)
            await self._flush_log()

    async def _handle(self, cmd: tuple) -> None:
        kind = cmd[0]
        if kind == "stop":
            return
        if kind == "state":
            await self._call(self._save, status=cmd[1])
        elif kind in ("tick", "catch_up"):
            await self._catch_up()
            if kind == "tick":
                self._arm_tick()
        elif kind == "backfill":
            await self._forced_backfill(cmd[1], cmd[2])
        elif kind == "validate":
            await self._run_validation(cmd[1])

    async def _catch_up(self) -> None:
        """Write every interval from the last written up to the simulated now."""
        if self._paused:
            return
        target = align_down(self.clock.now())
        start = (self._last_written + INTERVAL) if self._last_written is not None else target
        if target < start:
            self._touch()
            return
        grid = np.arange(start, target + INTERVAL, INTERVAL, dtype=np.int64)
        await self._write(plan_chunks(grid), "tick" if len(grid) == 1 else "catch-up")

    async def _forced_backfill(self, start: int, end: int) -> None:
        hi = min(align_down(end - 1) + INTERVAL, align_down(self.clock.now()) + INTERVAL)
        p = self._prepared
        cov = await self._call(detect.coverage, self._sessions.conn, p.tables, p.point_entity_ids, start, hi)
        self._emit("backfill_requested", f"backfill {iso(start)}..{iso(hi)}: {len(cov.missing)} intervals missing",
                   start=iso(start), end=iso(hi), missing=int(len(cov.missing)))
        if len(cov.missing):
            await self._write(plan_chunks(cov.missing, partial=cov.partial), "requested backfill", force_report=True)
        else:
            self._emit("backfill_done", "nothing missing in the requested range", rows=0)

    async def _write(self, chunks, label: str, force_report: bool = False) -> None:
        n = sum(c.n for c in chunks)
        if not n:
            return
        report = force_report or n > BIG_WRITE_INTERVALS
        lo, hi = chunks[0].start, chunks[-1].end
        if report:
            self._set(mode="backfilling", backfill=BackfillState(True, lo, hi, 0, n * len(self.building.points)))
            self._emit("backfill_started", f"{label}: {n} intervals from {iso(lo)}", start=iso(lo), end=iso(hi),
                       intervals=n)
        self._interrupt.clear()
        t0 = time.perf_counter()
        loop = asyncio.get_running_loop()
        try:
            result = await self._call(
                run_backfill, self._sessions.conn, self._prepared, self.settings.seed, lo, hi, chunks=chunks,
                should_stop=self._interrupt.is_set,
                progress=lambda p: loop.call_soon_threadsafe(self._on_progress, p, report),
                on_chunk=lambda c: loop.call_soon_threadsafe(self._on_chunk, c))
        finally:
            if self._fields.get("mode") == "backfilling":
                self._set(mode="paused" if self._paused else "running")
        seconds = time.perf_counter() - t0
        self._counters["rows_written"] += result.rows
        if report:
            self._counters["backfill_rows"] += result.rows
            self._set(backfill=BackfillState(False, lo, hi, result.rows, result.rows, result.rows_per_s, 0.0))
            if result.intervals > HISTORY // 2:
                await self._reload_live()
            self._emit("backfill_done", f"{label}: {result.rows:,} rows in {seconds:.1f} s"
                       f"{' (stopped early)' if result.stopped else ''}", rows=result.rows, seconds=round(seconds, 3),
                       rows_per_s=round(result.rows_per_s), stopped=result.stopped)
        else:
            self._counters["ticks"] += result.intervals
            self._emit("tick_written", f"wrote {iso(hi - INTERVAL)} ({result.rows} rows)", ts=iso(hi - INTERVAL),
                       rows=result.rows, seconds=round(seconds, 4), log=False)

    async def _reload_live(self) -> None:
        p = self._prepared
        rows = await self._call(reads.recent_rows, self._sessions.conn, p.tables, p.point_entity_ids,
                                (self._last_written or 0) - (HISTORY - 1) * INTERVAL)
        self._live.load(rows, {int(e): j for j, e in enumerate(p.columns.entity_ids)})
        self._touch()

    def _on_chunk(self, chunk: EncodedChunk) -> None:
        end = chunk.start + chunk.n * INTERVAL
        last_ts = end - INTERVAL
        self._live.push(last_ts, chunk.last_values, chunk.last_status)
        self._gaps.written(chunk.start, end)
        if self._last_written is None or last_ts > self._last_written:
            self._last_written = last_ts
        self._set(last_tick=self._last_written)

    def _on_progress(self, p: BackfillProgress, report: bool) -> None:
        if not report:
            return
        b = self._fields.get("backfill", BackfillState())
        self._set(backfill=replace(b, rows_done=p.rows_done, rows_total=p.rows_total,
                                   rows_per_s=p.rows_per_s, eta_s=p.eta_s))
        now = time.monotonic()
        if now - self._backfill_progress_at >= 1.0 or p.rows_done >= p.rows_total:
            self._backfill_progress_at = now
            self._emit("backfill_progress", f"{p.fraction:.0%} ({p.rows_done:,}/{p.rows_total:,} rows,"
                       f" {p.rows_per_s:,.0f} rows/s)", fraction=round(p.fraction, 4), rows=p.rows_done,
                       rows_per_s=round(p.rows_per_s), eta_s=None if p.eta_s is None else round(p.eta_s, 1), log=False)

    async def _run_validation(self, fut: asyncio.Future) -> None:
        try:
            if self._validator is None:
                raise HaystackError("no validator configured")
            now = self.clock.now()
            hi = align_down(now) + INTERVAL
            p, sessions = self._prepared, self._sessions
            first = await self._call(detect.first_timestamp, sessions.conn, p.tables, p.point_entity_ids)
            lo = max(hi - 7 * DAY, first or hi)  # never judge days that were never meant to be filled
            results = await self._call(lambda: self._validator(sessions.reader(), p, lo, hi, running=not self._paused,
                                                               now=now))
            checks = tuple(CheckState(r.name, r.passed, r.severity, str(r.figure), _detail(r)) for r in results)
            checks = tuple(sorted(checks, key=lambda c: c.passed))
            self._set(validation=checks, validation_at=time.time())
            failed = [c.name for c in checks if not c.passed]
            self._emit("validation_done", "all checks passed" if not failed else f"failed: {', '.join(failed)}",
                       passed=not failed, failed=failed)
            if not fut.done():
                fut.set_result(checks)
        except _DatabaseDown:
            if not fut.done():
                fut.set_exception(HaystackError("validation: the database is unavailable"))
            raise
        except Exception as exc:
            if not fut.done():
                fut.set_exception(exc if isinstance(exc, HaystackError) else HaystackError(str(exc)))

    # ----- ticks ------------------------------------------------------------------------
    def _arm_tick(self) -> None:
        if self._scheduler is None or self._stopping:
            return
        next_sim = align_down(self.clock.now()) + INTERVAL
        grace = min(5.0, 0.5 * INTERVAL / self.clock.speed) / self.clock.speed
        delay = self.clock.seconds_until(next_sim) + grace
        run_at = datetime.now(timezone.utc) + timedelta(seconds=delay)
        self._scheduler.add_job(self._tick_due, "date", run_date=run_at, id="tick", replace_existing=True,
                                misfire_grace_time=None, coalesce=True)
        self._set(next_tick=next_sim, next_tick_wall=time.time() + delay)

    async def _tick_due(self) -> None:
        self._commands.put_nowait(("tick",))

    # ----- helpers ----------------------------------------------------------------------
    async def _call(self, fn, *args, **kwargs):
        """Run blocking database work in a thread; map driver failures to an outage."""
        try:
            return await asyncio.to_thread(fn, *args, **kwargs)
        except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
            raise _DatabaseDown(first_line(exc)) from None
        except psycopg.Error as exc:
            raise _DatabaseDown(f"{exc.__class__.__name__}: {first_line(exc)}") from None
        except DatabaseUnavailable as exc:
            raise _DatabaseDown(str(exc)) from None

    def _save(self, status: str) -> None:
        conn = self._sessions.conn
        with conn.transaction():
            save_state(conn, self._prepared.state_name, status=status, clear_error=status == "running",
                       config={"speed": self.clock.speed, "seed": self.settings.seed, "org": self.settings.org})

    async def _flush_log(self) -> None:
        if self._sessions is None or self._sessions.conn is None or not self._sessions.locked:
            return
        pending = self._bus.take_pending_log()
        if not pending:
            return

        def write() -> None:
            conn = self._sessions.conn
            with conn.transaction():
                for kind, message, details in pending:
                    log_activity(conn, kind, message, details)

        try:
            await self._call(write)
        except _DatabaseDown:
            self._bus.requeue_log(pending)
            raise

    async def _sleep(self, seconds: float) -> None:
        """Sleep, but wake at once for a stop request."""
        end = time.monotonic() + seconds
        while not self._stopping and time.monotonic() < end:
            await asyncio.sleep(min(0.1, end - time.monotonic()))

    def _fail(self, kind: str, message: str) -> None:
        self._counters["errors"] += 1
        self._counters[f"errors_{kind}"] += 1
        self._set(mode="error", healthy=False, reason=message, last_error=message, last_error_at=time.time())
        self._emit("error", message, error_kind=kind)
        log.warning(message)

    async def _shutdown(self) -> None:
        if self._sessions is not None and self._sessions.locked and self._prepared is not None:
            try:
                await asyncio.to_thread(self._save, "stopped")
                self._emit("stopped", "engine stopped")
                await self._flush_log()
            except Exception as exc:  # the database may be gone; stopping must still succeed
                log.warning("could not record the stopped state: %s", first_line(exc))
        self._set(mode="stopped")
        if self._sessions is not None:
            await asyncio.to_thread(self._sessions.close)

    def _set(self, **changes: Any) -> None:
        self._fields.update(changes)
        self._touch()

    def _touch(self) -> None:
        self._version += 1

    def _emit(self, kind: str, message: str, /, log: bool = True, **details: Any) -> None:
        self._bus.emit(kind, message, log=log, **details)
        self._touch()

    def _build_snapshot(self) -> Snapshot:
        f = self._fields
        now = self.clock.now()
        healthy, reason = f.get("healthy", True), f.get("reason", "")
        mode = f.get("mode", "starting")
        if mode == "running" and self._last_written is not None:
            late = align_down(now) - self._last_written
            if late > 2 * INTERVAL:
                healthy, reason = False, f"ticks are late: newest interval is {late // INTERVAL} intervals old"
        if mode == "backfilling" and not self._loop_alive():
            healthy, reason = False, "backfill stalled"
        return Snapshot(
            mode=mode, healthy=healthy, reason=reason, version=self._version, org=self.settings.org,
            site=self.building.site_id, database=f.get("database", ""), embedded=f.get("embedded", False),
            speed=self.clock.speed, sim_now=now, last_tick=self._last_written, next_tick=f.get("next_tick"),
            next_tick_wall=f.get("next_tick_wall"), started_at=self._started_at,
            gap=self._gaps.state(align_down(now)), backfill=f.get("backfill", BackfillState()),
            totalizers=self._live.totalizers(), points=self._live.points(), counters=dict(self._counters),
            last_error=f.get("last_error"), last_error_at=f.get("last_error_at"),
            validation=f.get("validation", ()), validation_at=f.get("validation_at"),
        )

    def _loop_alive(self) -> bool:
        return self._task is not None and not self._task.done()


def _detail(result: Any) -> str:
    rows = getattr(result, "rows", None) or getattr(result, "offending", None) or []
    return "; ".join(str(r) for r in list(rows)[:3])
