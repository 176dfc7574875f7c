"""Snapshot tests: the console's screens as SVG, at a fixed 120x36.

The state is hand-built and fixed (``haystack_tui.tui.sample``: seeded values,
clock pinned at 2026-01-05 16:00Z), so any change in these pictures is a change
in what the operator sees. Update with ``pytest --snapshot-update`` after
checking the new pictures in the report.
"""

from __future__ import annotations

from haystack_tui.tui import sample
from haystack_tui.tui.app import HaystackApp
from haystack_tui.tui.widgets import ActivityLog

SIZE = (120, 36)


def sample_app() -> HaystackApp:
    return HaystackApp(sample.SampleSource(), clock=lambda: float(sample.NOW))


async def events_shown(pilot) -> None:
    while len(pilot.app.query_one(ActivityLog).lines) < len(sample.events()):
        await pilot.pause(0.01)
    await pilot.pause()


async def chart_drawn(pilot) -> None:
    await events_shown(pilot)
    await pilot.press("down", "down", "down", "down", "enter")
    summary = pilot.app.screen.query_one("#summary")
    while "intervals" not in str(summary.render()):
        await pilot.pause(0.01)
    await pilot.pause()


def test_main_screen(snap_compare):
    assert snap_compare(sample_app(), terminal_size=SIZE, run_before=events_shown)


def test_point_detail_screen(snap_compare):
    assert snap_compare(sample_app(), terminal_size=SIZE, run_before=chart_drawn)


def test_backfill_dialog(snap_compare):
    async def dialog_open(pilot) -> None:
        await events_shown(pilot)
        await pilot.press("b")
        await pilot.pause()

    assert snap_compare(sample_app(), terminal_size=SIZE, run_before=dialog_open)
