"""Console rendering and interaction from hand-built snapshots.

Plain data in (``haystack_tui.tui.sample``), a real Textual app headless at
120x36: what the panels show, that a refresh changes cells in place, that the
filter, sort, dialogs and palette do what the keys say. The engine-driven
tests are in test_tui_engine.py.
"""

from __future__ import annotations

from dataclasses import replace

from haystack_tui.engine.status import BackfillState, CheckState, GapState
from haystack_tui.tui import sample
from haystack_tui.tui.app import HaystackApp
from haystack_tui.tui.screens import BackfillDialog, HelpScreen, PointDetailScreen
from haystack_tui.tui.widgets import ActivityLog, GapPanel, PointsTable, StatusBar, TotalizerTable, ValidationTable
from haystack_tui.tui.widgets.gaps import CoverageStrip, buckets
from haystack_tui.tui.widgets.points import live_texts

SIZE = (120, 36)


def make_app(snapshot=None) -> tuple[HaystackApp, sample.SampleSource]:
    source = sample.SampleSource(snapshot)
    return HaystackApp(source, clock=lambda: float(sample.NOW)), source


async def settle(pilot) -> None:
    """Wait for the command workers (not the endless followers) and a repaint."""
    busy = [w for w in pilot.app.workers if w.group not in ("follow", "events") and not w.is_finished]
    if busy:  # an empty list would mean "wait for every worker"
        await pilot.app.workers.wait_for_complete(busy)
    await pilot.pause()


def plain(cell) -> str:
    return getattr(cell, "plain", cell)


def log_text(app: HaystackApp) -> str:
    return "\n".join(strip.text for strip in app.query_one(ActivityLog).lines)


async def test_status_bar_shows_mode_clocks_database_rows_sessions_and_error():
    app, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = app.query_one(StatusBar).render().plain
    assert "RUNNING" in text
    assert "sim 2026-01-05 16:01Z" in text
    assert "last tick 15:45Z" in text
    assert "next in 0:42" in text  # next_tick_wall is NOW + 42 and the clock is fixed at NOW
    assert "rows 2,184,730" in text
    assert "postgresql://haystack:***@localhost:5432/haystack (embedded)" in text
    assert "Haystack sessions 2" in text
    assert "database unavailable: connection refused" in text


async def test_status_bar_says_why_the_engine_is_unhealthy():
    app, _ = make_app(replace(sample.snapshot(), mode="error", healthy=False, reason="database unavailable: timeout"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = app.query_one(StatusBar).render().plain
    assert "ERROR" in text and "unhealthy: database unavailable: timeout" in text
    assert "next in --:--" in text  # no countdown unless running


async def test_every_point_is_a_row_with_value_unit_status_and_sparkline():
    app, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.query_one(PointsTable)
        assert table.row_count == len(sample.points()) >= 300
        equip, point, value, status, trend = table.get_row("point-ahu-1-supplyTemp")
        p = next(p for p in sample.points() if p.id == "point-ahu-1-supplyTemp")
    assert [plain(c) for c in (equip, point, value, status)] == ["equip-ahu-1", "supplyTemp", f"{p.value:.2f} °F",
                                                                p.status]
    assert len(plain(trend)) == 10 and set(plain(trend)) <= set("▁▂▃▄▅▆▇█ ")


async def test_a_refresh_updates_changed_cells_in_place_and_never_clears():
    app, source = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.query_one(PointsTable)
        table.move_cursor(row=40)
        keys_before = [row.key for row in table.ordered_rows]
        updates, clears = [], []
        table.update_cell = lambda *a, _orig=table.update_cell, **k: (updates.append(a[:2]), _orig(*a, **k))
        table.clear = lambda *a, **k: clears.append(a)
        # one point changes: exactly its value and trend cells are rewritten
        points = list(source.current.points)
        points[3] = replace(points[3], value=(points[3].value or 0) + 1.0, history=points[3].history[:-1] + (99.0,))
        app.snapshot = source.current = replace(source.current, points=tuple(points), version=2)
        await pilot.pause()
        assert sorted(updates) == sorted([(points[3].id, "value"), (points[3].id, "trend")])
        # the next tick: every value and sparkline moves; exactly the changed cells are rewritten
        updates.clear()
        before = {p.id: live_texts(p) for p in points}
        app.snapshot = source.current = sample.snapshot(now=sample.NOW + 900, version=3)  # as the next poll would
        await pilot.pause()
        expected = {(p.id, col) for p in app.snapshot.points
                    for col, old, new in zip(("value", "status", "trend"), before[p.id], live_texts(p)) if old != new}
        assert len(expected) > 300 and sorted(updates) == sorted(expected)
        assert clears == []
        assert [row.key for row in table.ordered_rows] == keys_before
        assert table.cursor_row == 40


async def test_slash_filters_by_text_and_by_field_and_escape_restores():
    app, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.query_one(PointsTable)
        await pilot.press("slash", *"ahu-2")
        await pilot.pause()
        assert table.shown_ids and all("ahu-2" in pid for pid in table.shown_ids)
        assert len(table.shown_ids) == 11
        assert "Points 11 of 320" in table.border_title
        await pilot.press("enter")  # keeps the filter, back to the table
        assert app.focused is table and len(table.shown_ids) == 11
        await pilot.press("slash", *"ahu-2 unit:%")  # words AND; field:text
        await pilot.pause()
        assert {p.split("-")[-1] for p in table.shown_ids} == {"supplyFanSpeed", "coolingValve", "heatingValve"}
        await pilot.press("escape")
        await pilot.pause()
        assert table.row_count == 320 and table.shown_ids[0] == sample.points()[0].id


async def test_sort_by_key_and_by_header_click():
    app, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.query_one(PointsTable)
        by_id = {p.id: p for p in sample.points()}
        await pilot.press("s", "s", "s")  # none -> equipment -> point -> value
        assert table.sort_column == "value"
        values = [by_id[pid].value for pid in table.shown_ids]
        assert values == sorted(values)
        assert "Value ▲" in table.columns["value"].label.plain
        await pilot.press("s")  # status: faults first
        assert by_id[table.shown_ids[0]].status == "fault"
        await pilot.click(PointsTable, offset=(4, 1))  # the Equipment header, under the border
        await pilot.pause()
        assert table.sort_column == "equip"
        equips = [by_id[pid].equip for pid in table.shown_ids]
        assert equips == sorted(equips)


async def test_gap_panel_draws_strip_gaps_and_backfill_progress():
    app, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        panel = app.query_one(GapPanel)
        strip = app.query_one(CoverageStrip).render().plain
        bar = panel.query_one("ProgressBar")
        texts = " ".join(str(s.render()) for s in panel.query("Static"))
        assert len(strip) == app.query_one(CoverageStrip).content_size.width
        assert bar.display and bar.percentage == 0.4
    assert "▁" in strip and "▄" in strip and strip.count("█") > 30
    assert "14 intervals missing" in texts and "2 open gaps" in texts
    assert "312,400 rows/s" in texts and "ETA 0:06" in texts


def test_strip_buckets_keep_the_worst_hour():
    strip = (1.0,) * 100 + (0.0,) + (1.0,) * 67
    cells = buckets(strip, 36)
    assert len(cells) == 36 and cells.count(0.0) == 1
    assert buckets((1.0, 0.5), 36) == [1.0, 0.5]


async def test_backfill_progress_bar_hides_when_no_backfill_ever_ran():
    app, _ = make_app(replace(sample.snapshot(), backfill=BackfillState(), gap=GapState()))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        panel = app.query_one(GapPanel)
        assert not panel.query_one("ProgressBar").display
        assert "no backfill running" in str(panel.query_one("#backfill-text").render())
        assert "no open gaps" in str(panel.query_one("#open-gaps").render())


async def test_totalizers_show_reading_delta_rate_and_monotonic_flag():
    app, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.query_one(TotalizerTable)
        rows = {key.value: [plain(c) for c in table.get_row(key)] for key in table.rows}
    electric = ["Main Electric Meter", "4,182,338 kWh", "+205.1", "820.4 kW", "✓"]
    assert rows["point-meter-main-electric-energy"] == electric
    assert rows["point-chiller-2-energy"][2:] == ["-3.20", "0.00 kW", "✗"]


async def test_validation_results_failures_first():
    checks = (CheckState("a passes", True, "error", "ok"), CheckState("warned", False, "warning", "3"),
              CheckState("broken", False, "error", "7"))
    app, _ = make_app(replace(sample.snapshot(), validation=checks))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.query_one(ValidationTable)
        names = [plain(table.get_row_at(i)[0]) for i in range(table.row_count)]
    assert names == ["✗ broken", "✗ warned", "✓ a passes"]
    assert table.border_title == "Validation · 2 failed of 3"


async def test_activity_log_shows_events_once():
    app, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        log = app.query_one(ActivityLog)
        n = len(log.lines)
        for event in sample.events():
            log.add_event(event)
        assert len(log.lines) == n == len(sample.events())
        assert "backfill_started" in log_text(app) and "failed: totalizers monotonic" in log_text(app)


async def test_keys_send_commands_and_report_results():
    app, source = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")
        await settle(pilot)
        await pilot.pause(0.1)
        assert source.commands[-1] == ("pause",)
        assert "PAUSED" in app.query_one(StatusBar).render().plain
        await pilot.press("r", "v")
        await settle(pilot)
        assert source.commands[-2:] == [("resume",), ("validate",)]


async def test_backfill_dialog_resolves_the_range_and_rejects_nonsense():
    app, source = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("b")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, BackfillDialog)
        resolved = dialog.query_one("#resolved")
        assert "2026-01-04 16:15Z → 2026-01-05 16:15Z  (96 intervals)" in str(resolved.render())
        await pilot.press("backspace", "0")
        assert "days back must be from 1" in str(resolved.render())
        await pilot.press("enter")  # refused: the dialog stays
        assert app.screen is dialog and not source.commands
        await pilot.press("backspace", "2", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, BackfillDialog)
    assert source.commands == [("backfill", sample.NOW + 900 - 2 * 86400, sample.NOW + 900)]


async def test_backfill_dialog_escape_cancels():
    app, source = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("b", "escape")
        await pilot.pause()
        assert not isinstance(app.screen, BackfillDialog) and not source.commands


async def test_enter_opens_the_point_chart_and_w_switches_to_a_week():
    app, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("down", "enter")
        screen = app.screen
        assert isinstance(screen, PointDetailScreen) and screen.point.id == sample.points()[1].id
        await settle(pilot)
        assert "92 of 96 intervals" in str(screen.query_one("#summary").render())  # 4 held back as missing
        await pilot.press("w")
        await settle(pilot)
        assert "668 of 672 intervals" in str(screen.query_one("#summary").render())
        await pilot.press("escape")
        assert not isinstance(app.screen, PointDetailScreen)


async def test_refresh_rate_keys_and_help_and_palette():
    app, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("plus")
        assert app.refresh_s == 0.5
        await pilot.press("minus", "minus", "minus")
        assert app.refresh_s == 5.0
        await pilot.pause()
        assert "refresh 5 s" in app.query_one(StatusBar).render().plain
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        titles = {c.title for c in app.get_system_commands(app.screen)}
    shown = {b.description for b in HaystackApp.BINDINGS if b.show}
    assert shown - {"Quit"} <= titles and {"Quit", "Point detail", "Sort points"} <= titles
