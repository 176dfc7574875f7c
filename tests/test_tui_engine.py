"""The console driving a real engine on a real, fresh database.

``build_engine`` at 900x speed (one 15-minute interval per second), the App
headless at 120x36, keys pressed like an operator: each test checks what the
engine did (its snapshot) and what the screen shows.
"""

from __future__ import annotations

import contextlib
import time

from haystack_tui.engine.compose import build_engine
from haystack_tui.tui import format as fmt
from haystack_tui.tui.app import HaystackApp
from haystack_tui.tui.screens import BackfillDialog, PointDetailScreen
from haystack_tui.tui.source import LocalSource
from haystack_tui.tui.widgets import ActivityLog, GapPanel, PointsTable, StatusBar, TotalizerTable, ValidationTable

SIZE = (120, 36)


async def wait_for(pilot, condition, timeout: float = 60.0, what: str = "condition") -> None:
    """Let the app run until ``condition()`` holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await pilot.pause(0.05)


def log_text(app: HaystackApp) -> str:
    return "\n".join(strip.text for strip in app.query_one(ActivityLog).lines)


def status_text(app: HaystackApp) -> str:
    return app.query_one(StatusBar).render().plain


@contextlib.asynccontextmanager
async def console(settings, history_days: int = 1):
    """A started engine under a running console; the engine is stopped on exit."""
    engine = build_engine(settings.with_overrides(speed=900.0, history_days=history_days))
    app = HaystackApp(LocalSource(engine))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: engine.snapshot.mode == "running" and engine.snapshot.last_tick is not None,
                       what="the engine to run")
        await wait_for(pilot, lambda: app.snapshot.mode == "running" and app.snapshot.last_tick is not None,
                       what="the console to show it")
        yield app, pilot, engine
    assert engine.snapshot.mode == "stopped"  # quitting the console stops a local engine


async def test_p_pauses_and_r_resumes_the_engine(settings):
    async with console(settings) as (app, pilot, engine):
        assert "RUNNING" in status_text(app)
        await pilot.press("p")
        await wait_for(pilot, lambda: "PAUSED" in status_text(app), what="PAUSED on screen")
        assert engine.snapshot.mode == "paused"
        paused_at = engine.snapshot.last_tick
        await pilot.pause(2.5)  # at 900x that is two intervals not written
        assert engine.snapshot.last_tick == paused_at
        await pilot.press("r")
        await wait_for(pilot, lambda: engine.snapshot.mode == "running" and engine.snapshot.last_tick > paused_at,
                       what="the engine to resume and catch up")
        await wait_for(pilot, lambda: "RUNNING" in status_text(app), what="RUNNING on screen")
        await wait_for(pilot, lambda: "resumed" in log_text(app), what="the resumed event in the log")
        assert "paused" in log_text(app)


async def test_screen_shows_the_engine_state(settings):
    async with console(settings) as (app, pilot, engine):
        await pilot.pause(1.5)
        snap = engine.snapshot
        text = status_text(app)
        assert snap.database in text and f"{snap.org}/{snap.site}" in text and "×900" in text
        rows = int(text.split("rows ")[1].split()[0].replace(",", ""))
        assert rows >= len(snap.points) * 96  # the day of history at least
        table = app.query_one(PointsTable)
        assert table.row_count == len(snap.points) >= 300
        point = next(p for p in snap.points if p.kind == "Number" and p.unit == "°F")
        assert table.get_row(point.id)[2].plain.endswith("°F")
        assert len(app.query_one(TotalizerTable).rows) == len(snap.totalizers) > 0
        assert "started" in log_text(app)


async def test_points_table_follows_ticks_in_place(settings):
    async with console(settings) as (app, pilot, engine):
        table = app.query_one(PointsTable)
        keys = [row.key for row in table.ordered_rows]
        clears = []
        table.clear = lambda *a, **k: clears.append(a)
        shown = {key.value: table.get_row(key)[2].plain for key in table.rows}
        tick = engine.snapshot.last_tick
        await wait_for(pilot, lambda: app.snapshot.last_tick is not None and app.snapshot.last_tick >= tick + 1800,
                       what="two more ticks")
        await pilot.pause()
        now_shown = {key.value: table.get_row(key)[2].plain for key in table.rows}
        assert sum(now_shown[k] != shown[k] for k in shown) > len(shown) // 4  # values moved
        assert [row.key for row in table.ordered_rows] == keys and clears == []
        # every cell shows what the engine holds (the in-place updates missed nothing)
        assert now_shown == {p.id: fmt.reading(p.value, p.unit, p.kind) for p in app.snapshot.points}


async def test_filter_narrows_the_table_to_matching_points(settings):
    async with console(settings) as (app, pilot, engine):
        table = app.query_one(PointsTable)
        await pilot.press("slash", *"ahu-1")
        await pilot.pause()
        expected = [p.id for p in engine.snapshot.points if "ahu-1" in f"{p.id} {p.dis} {p.equip}".lower()]
        assert 0 < len(expected) < len(engine.snapshot.points)
        assert sorted(table.shown_ids) == sorted(expected)
        await pilot.press("enter")
        await pilot.pause(1.5)  # ticks arrive; the filter holds
        assert sorted(table.shown_ids) == sorted(expected)
        await pilot.press("escape")
        await pilot.pause()
        assert table.row_count == len(engine.snapshot.points)


async def test_v_runs_the_validations_and_shows_failures_first(settings):
    async with console(settings) as (app, pilot, engine):
        await pilot.press("v")
        table = app.query_one(ValidationTable)
        await wait_for(pilot, lambda: table.row_count > 0, timeout=120, what="validation results")
        checks = engine.snapshot.validation
        assert checks and table.row_count == len(checks)
        passed = [table.get_row_at(i)[0].plain.startswith("✓") for i in range(table.row_count)]
        assert passed == sorted(passed)  # every ✗ above every ✓
        assert "validation_done" in log_text(app)


async def test_b_backfills_a_day_with_progress(settings):
    async with console(settings, history_days=0) as (app, pilot, engine):
        before = engine.snapshot.counters.get("rows_written", 0)
        await pilot.press("b")
        assert isinstance(app.screen, BackfillDialog)
        assert "(96 intervals)" in str(app.screen.query_one("#resolved").render())
        received = []  # every snapshot the panels were given while it ran
        app.watch(app, "snapshot", lambda s: received.append(s.backfill), init=False)
        await pilot.press("enter")  # one day back, the default
        await wait_for(pilot, lambda: "backfill_done" in log_text(app), what="the backfill to finish")
        assert any(b.active and b.rows_done < b.rows_total for b in received)  # progress was on screen
        await wait_for(pilot, lambda: not app.snapshot.backfill.active, what="the snapshot after the backfill")
        await pilot.pause()
        b = engine.snapshot.backfill
        assert b.rows_done == b.rows_total > 90 * len(engine.snapshot.points)
        assert engine.snapshot.counters["rows_written"] - before >= b.rows_done
        bar = app.query_one(GapPanel).query_one("ProgressBar")
        assert bar.display and bar.progress == bar.total == b.rows_total
        assert "last backfill" in str(app.query_one("#backfill-text").render())
        assert "backfill_started" in log_text(app)


async def test_enter_charts_the_points_stored_history(settings):
    async with console(settings) as (app, pilot, engine):
        table = app.query_one(PointsTable)
        target = next(i for i, pid in enumerate(table.shown_ids) if pid.endswith("zoneTemp"))
        table.move_cursor(row=target)
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, PointDetailScreen) and screen.point.id.endswith("zoneTemp")
        summary = screen.query_one("#summary")
        await wait_for(pilot, lambda: "intervals" in str(summary.render()), what="the history")
        assert str(summary.render()).startswith("96 of 96 intervals")  # the day of history, from the database
        await pilot.press("w")
        await wait_for(pilot, lambda: "of 672 intervals" in str(summary.render()), what="the week")
        await pilot.press("escape")
        assert not isinstance(app.screen, PointDetailScreen)


async def test_q_quits_and_stops_the_engine(settings):
    engine = build_engine(settings.with_overrides(speed=900.0, history_days=1))
    app = HaystackApp(LocalSource(engine))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: engine.snapshot.mode == "running", what="the engine to run")
        await pilot.press("q")
        await pilot.pause()
    assert engine.snapshot.mode == "stopped"
