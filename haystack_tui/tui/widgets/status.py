"""The status bar: what the engine is doing, where it writes, and its health.

Renders from the App's snapshot and wall clock (both data-bound); the
simulated clock and the countdown move between snapshots by extrapolating
from the moment the snapshot was seen, so a slow refresh still shows a live
clock. Imports no engine code beyond the status records.
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from haystack_tui.engine.status import Snapshot
from haystack_tui.tui import format as fmt

MODE_STYLES = {
    "running": "bold black on green", "paused": "bold black on yellow", "backfilling": "bold black on cyan",
    "starting": "bold white on blue", "standby": "bold white on blue", "error": "bold white on red",
    "stopped": "bold white on grey37",
}
CLOCK_RUNS = {"running", "paused", "backfilling"}
SEP = (" │ ", "dim")


class StatusBar(Widget):
    """Mode, clocks, rows written, database, sessions and the last error."""

    DEFAULT_CSS = """
    StatusBar { height: 3; padding: 0 1; background: $boost; }
    """

    snapshot: reactive[Snapshot] = reactive(Snapshot)
    """The engine state shown."""
    now: reactive[float] = reactive(0.0)
    """Wall-clock epoch seconds, for the countdown and the moving simulated clock."""
    problem: reactive[str] = reactive("")
    """Why the source cannot be reached; empty while it answers."""
    refresh_s: reactive[float] = reactive(1.0)
    """Seconds between polls of the source, shown next to the clocks."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._seen_at = 0.0

    def watch_snapshot(self, old: Snapshot, new: Snapshot) -> None:
        if new.version != old.version or new.sim_now != old.sim_now:
            self._seen_at = self.now

    def sim_clock(self) -> float:
        """The simulated now, moved on from the snapshot at the simulation speed."""
        s = self.snapshot
        if s.mode not in CLOCK_RUNS or not s.sim_now:
            return s.sim_now
        return s.sim_now + max(0.0, self.now - self._seen_at) * s.speed

    def render(self) -> Text:
        lines = Text("\n").join([self._engine_line(), self._where_line(), self._health_line()])
        lines.no_wrap, lines.overflow = True, "ellipsis"
        return lines

    def _engine_line(self) -> Text:
        s = self.snapshot
        if self.problem:
            return Text.assemble((" DISCONNECTED ", MODE_STYLES["error"]), " ", (self.problem, "red"),
                                 (f"  (retrying every {self.refresh_s:g} s)", "dim"))
        mode = s.mode if s.healthy or s.mode == "error" else f"{s.mode} · unhealthy"
        parts: list = [(f" {mode.upper()} ", MODE_STYLES.get(s.mode, "reverse"))]
        parts += ["  sim ", (fmt.stamp(self.sim_clock() or None), "bold"), (f" ×{s.speed:g}", "dim")]
        parts += [SEP, "last tick ", (fmt.near(s.last_tick, self.sim_clock()), "bold")]
        wait = None if s.next_tick_wall is None or s.mode != "running" else s.next_tick_wall - self.now
        parts += [SEP, "next in ", (fmt.duration(wait), "bold")]
        parts += [SEP, "rows ", (fmt.count(s.counters.get("rows_written", 0)), "bold")]
        parts += [SEP, ("refresh ", "dim"), (f"{self.refresh_s:g} s", "dim")]
        return Text.assemble(*parts)

    def _where_line(self) -> Text:
        s = self.snapshot
        db = f"{s.database or '—'}{' (embedded)' if s.embedded else ''}"
        parts: list = [("db ", "dim"), db, SEP, f"{s.org}/{s.site}" if s.org else "—"]
        sessions = _sessions(s.extra.get("haystack_sessions"))
        if sessions is not None:
            parts += [SEP, "Haystack sessions ", (str(sessions), "bold")]
        return Text.assemble(*parts)

    def _health_line(self) -> Text:
        s = self.snapshot
        if not s.healthy and s.reason:
            return Text.assemble(("⚠ unhealthy: ", "bold red"), (s.reason, "red"))
        if s.last_error:
            when = fmt.near(s.last_error_at, self.now)
            return Text.assemble(("last error ", "dim"), (when, "dim"), "  ", (s.last_error, "red"))
        return Text("no errors", style="green")


def _sessions(value: object) -> int | None:
    """Open Haystack sessions as the service reports them: a count or a list."""
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return int(value)
    try:
        return len(value)  # type: ignore[arg-type]
    except TypeError:
        return None
