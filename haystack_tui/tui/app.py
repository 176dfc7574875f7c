"""The operator console: one App over one ``Source``.

The App holds the one reactive snapshot and pushes it into every panel with
``data_bind``. Workers (``link.py``) poll the source, follow its events and
carry the operator's commands; they report back by past-tense messages and
handlers named for intent update the screen, so no key press ever waits on the
engine or the network. ``make_app`` is the composition root for the CLI, the tests
and the benchmark. Never imports the store: the console writes no SQL.
"""

from __future__ import annotations

import time
from typing import Callable, Iterable

from textual import on
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input

from haystack_tui.config import Settings
from haystack_tui.engine.status import Snapshot
from haystack_tui.timegrid import INTERVAL, align_down
from haystack_tui.tui.link import SourceLink
from haystack_tui.tui.messages import (CommandAccepted, CommandFailed, EventReceived, SourceFailed, SourceRecovered,
                                       ValidationFinished)
from haystack_tui.tui.screens import BackfillDialog, HelpScreen, PointDetailScreen
from haystack_tui.tui.source import Source
from haystack_tui.tui.widgets import ActivityLog, GapPanel, PointsTable, StatusBar, TotalizerTable, ValidationTable

REFRESH_STEPS = (0.25, 0.5, 1.0, 2.0, 5.0, 10.0)
QUIET_EVENTS = ("tick_written", "backfill_progress")
MAIN_SCREEN_ACTIONS = ("filter", "close_filter", "open_point")


class HaystackApp(SourceLink, App[int]):
    """Status, points, gaps, totalizers, validation and activity of one engine."""

    TITLE = "haystack-tui"
    CSS_PATH = "console.tcss"
    BINDINGS = [
        Binding("p", "pause", "Pause", tooltip="Pause generation"),
        Binding("r", "resume", "Resume", tooltip="Resume generation and fill the paused span"),
        Binding("b", "backfill", "Backfill", tooltip="Fill the missing intervals of a range"),
        Binding("v", "validate", "Validate", tooltip="Run the data-quality checks"),
        Binding("slash", "filter", "Filter", tooltip="Filter points: words, or field:text such as status:fault"),
        Binding("plus", "faster", "Faster", tooltip="Refresh more often"),
        Binding("minus", "slower", "Slower", tooltip="Refresh less often"),
        Binding("question_mark", "help", "Help", tooltip="Keys and panels"),
        Binding("q", "quit", "Quit", tooltip="Quit (a local engine stops cleanly)"),
        Binding("escape", "close_filter", show=False),
    ]

    # ``var``s, not ``reactive``s: a change repaints the panels bound to it, never the whole screen
    snapshot: var[Snapshot] = var(Snapshot)
    """The engine state every panel renders; replaced whole on each poll."""
    now: var[float] = var(0.0)
    """Wall clock, ticked every second, for countdowns."""
    problem: var[str] = var("")
    """Why the source cannot be reached; empty while it answers."""
    refresh_s: var[float] = var(1.0)
    """Seconds between polls of the source (``+`` and ``-``)."""

    def __init__(self, source: Source, clock: Callable[[], float] = time.time, refresh_s: float = 1.0) -> None:
        super().__init__()
        self.source = source
        self.clock = clock
        """Wall clock; tests fix it so screenshots do not move."""
        self.set_reactive(HaystackApp.refresh_s, refresh_s)
        self.set_reactive(HaystackApp.now, clock())
        self._opened_at = clock()
        self._link_init()

    def compose(self) -> ComposeResult:
        yield Header()
        yield StatusBar().data_bind(HaystackApp.snapshot, HaystackApp.now, HaystackApp.problem, HaystackApp.refresh_s)
        with Horizontal(id="body"):
            with Vertical(id="points-pane"):
                yield Input(placeholder="filter: words, or field:text (status:fault unit:°F equip:ahu-1)",
                            id="filter")
                yield PointsTable(id="points").data_bind(HaystackApp.snapshot)
            with Vertical(id="side"):
                yield GapPanel(id="gaps").data_bind(HaystackApp.snapshot)
                yield ValidationTable(id="validation").data_bind(HaystackApp.snapshot)
        with Horizontal(id="bottom"):
            yield ActivityLog(id="activity")
            yield TotalizerTable(id="totalizers").data_bind(HaystackApp.snapshot)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.source.label
        for selector, title in (("#gaps", "Gaps"), ("#totalizers", "Totalizers"), ("#activity", "Activity")):
            self.query_one(selector).border_title = title
        self.set_interval(1.0, self._tick)
        self.query_one(PointsTable).focus()
        self.follow_source()

    async def on_unmount(self) -> None:
        await self.source.close()

    def _tick(self) -> None:
        self.now = self.clock()

    # ----- actions ------------------------------------------------------------------------
    def action_pause(self) -> None:
        self.set_paused(True)

    def action_resume(self) -> None:
        self.set_paused(False)

    def action_backfill(self) -> None:
        self.push_screen(BackfillDialog(self.sim_now()), self._backfill_chosen)

    def _backfill_chosen(self, chosen: tuple[int, int] | None) -> None:
        if chosen is not None:
            self.request_backfill(*chosen)

    def action_validate(self) -> None:
        self.notify("running the data-quality checks…", timeout=3)
        self.run_validation()

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.add_class("open")
        box.focus()

    def action_close_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.value = ""
        box.remove_class("open")
        self.query_one(PointsTable).focus()

    def action_faster(self) -> None:
        self._step_refresh(-1)

    def action_slower(self) -> None:
        self._step_refresh(+1)

    def action_help(self) -> None:
        shown = [b for b in self.BINDINGS if b.show]
        self.push_screen(HelpScreen(shown + PointsTable.BINDINGS + PointDetailScreen.BINDINGS))

    def action_open_point(self) -> None:
        point = self.query_one(PointsTable).point_at_cursor()
        if point is not None:
            s = self.snapshot
            end = s.last_tick + INTERVAL if s.last_tick is not None else align_down(self.sim_now()) + INTERVAL
            self.push_screen(PointDetailScreen(point, self.source, end))

    def _step_refresh(self, step: int) -> None:
        i = min(range(len(REFRESH_STEPS)), key=lambda k: abs(REFRESH_STEPS[k] - self.refresh_s))
        self.refresh_s = REFRESH_STEPS[max(0, min(len(REFRESH_STEPS) - 1, i + step))]
        self.poll_now()

    def sim_now(self) -> float:
        """The simulated now as the status bar shows it (the wall clock before the first snapshot)."""
        return self.query_one(StatusBar).sim_clock() or self.clock()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The filter and the point chart belong to the main screen only."""
        if action in MAIN_SCREEN_ACTIONS:
            return self.screen is self.default_screen
        return True

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every key's action is also in the command palette (ctrl+p)."""
        yield from super().get_system_commands(screen)
        for b in self.BINDINGS:
            if b.show and b.action != "quit":
                yield SystemCommand(b.description, b.tooltip, getattr(self, f"action_{b.action}"))
        yield SystemCommand("Point detail", "Chart the point under the cursor", self.action_open_point)
        yield SystemCommand("Sort points", "Sort the points by the next column",
                            self.query_one(PointsTable).action_cycle_sort)

    # ----- handlers ----------------------------------------------------------------------
    @on(Input.Changed, "#filter")
    def _filter_points(self, changed: Input.Changed) -> None:
        self.query_one(PointsTable).query = changed.value

    @on(Input.Submitted, "#filter")
    def _keep_filter(self) -> None:
        self.query_one(PointsTable).focus()

    @on(DataTable.RowSelected, "#points")
    def _point_chosen(self) -> None:
        self.action_open_point()

    @on(EventReceived)
    def _show_event(self, received: EventReceived) -> None:
        self.query_one(ActivityLog).add_event(received.event)
        if received.event.kind == "error" and received.event.at >= self._opened_at:  # not the backlog
            self.notify(received.event.message, title="engine error", severity="error")
        if received.event.kind not in QUIET_EVENTS:
            self.poll_now()

    @on(SourceFailed)
    def _show_failure(self, failed: SourceFailed) -> None:
        self.problem = failed.reason
        self.query_one(ActivityLog).add_line(self.clock(), "console", failed.reason)
        self.notify(failed.reason, title="source unavailable", severity="error")

    @on(SourceRecovered)
    def _show_recovery(self) -> None:
        self.problem = ""
        self.query_one(ActivityLog).add_line(self.clock(), "console", "connected again")

    @on(CommandAccepted)
    def _confirm_command(self, accepted: CommandAccepted) -> None:
        self.notify(accepted.detail, timeout=3)
        self.poll_now()

    @on(CommandFailed)
    def _report_refusal(self, failed: CommandFailed) -> None:
        self.query_one(ActivityLog).add_line(self.clock(), "console", f"{failed.command} failed: {failed.reason}")
        self.notify(failed.reason, title=f"{failed.command} failed", severity="error")

    @on(ValidationFinished)
    def _show_checks(self, finished: ValidationFinished) -> None:
        self.query_one(ValidationTable).show(finished.checks)
        failed = sum(not c.passed for c in finished.checks)
        self.notify(f"{len(finished.checks)} checks, {failed} failed", severity="warning" if failed else "information")
        self.poll_now()


def make_app(settings: Settings, attach: str | None = None, token: str | None = None,
             clock: Callable[[], float] = time.time) -> HaystackApp:
    """The console for ``settings``: over a new local engine, or attached to ``attach``."""
    if attach:
        from haystack_tui.tui.remote import RemoteSource

        return HaystackApp(RemoteSource(attach, token or settings.api_token), clock=clock)
    from haystack_tui.engine.compose import build_engine
    from haystack_tui.tui.source import LocalSource

    return HaystackApp(LocalSource(build_engine(settings)), clock=clock)
