"""The backfill dialog: choose a range, see it resolved, confirm.

Days back from the simulated now (the default, one day), or an explicit ISO
8601 start and end. The range is resolved on the 15-minute grid as you type,
so the operator confirms exactly what the engine will be asked to fill.
Dismisses with ``(start, end)`` epoch seconds, or None when cancelled.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from haystack_tui.errors import ConfigError
from haystack_tui.timegrid import DAY, INTERVAL, align_down, align_up, parse_instant
from haystack_tui.tui import format as fmt

MAX_DAYS = 3660


def backfill_range(now: float, days: str, start: str = "", end: str = "") -> tuple[int, int]:
    """``[start, end)`` on the grid; ``end`` defaults to just after the newest
    interval due at ``now``, ``start`` to ``days`` before the end."""
    hi = align_up(parse_instant(end, "end")) if end.strip() else align_down(now) + INTERVAL
    if start.strip():
        lo = align_down(parse_instant(start, "start"))
    else:
        try:
            n = int(days.strip())
        except ValueError:
            raise ConfigError("days back must be a whole number, e.g. 1") from None
        if not 1 <= n <= MAX_DAYS:
            raise ConfigError(f"days back must be from 1 to {MAX_DAYS}")
        lo = hi - n * DAY
    if hi <= lo:
        raise ConfigError("the end must be after the start")
    return lo, hi


class BackfillDialog(ModalScreen[tuple[int, int] | None]):
    """Ask which range to fill; only missing intervals in it are written."""

    DEFAULT_CSS = """
    BackfillDialog { align: center middle; }
    BackfillDialog #dialog { width: 64; height: auto; border: thick $accent; background: $surface; padding: 1 2; }
    BackfillDialog Input { margin-bottom: 1; }
    BackfillDialog #resolved { color: $text-muted; margin-bottom: 1; }
    BackfillDialog #resolved.invalid { color: $error; }
    BackfillDialog #range, BackfillDialog #buttons { height: auto; }
    BackfillDialog #buttons { align-horizontal: right; }
    BackfillDialog #range Input { width: 1fr; }
    BackfillDialog Button { margin-left: 2; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, now: float) -> None:
        super().__init__()
        self.now = now
        """Simulated now that 'days back' counts from."""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("[b]Backfill[/b]: write every missing interval of a range")
            yield Label("Days back from the simulated now")
            yield Input("1", id="days", type="integer")
            yield Label("or a range, ISO 8601 UTC (e.g. 2026-01-05T00:00Z)")
            with Horizontal(id="range"):
                yield Input(placeholder="start", id="start")
                yield Input(placeholder="end (default now)", id="end")
            yield Static(id="resolved")
            with Horizontal(id="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Backfill", id="confirm", variant="primary")

    def on_mount(self) -> None:
        self._resolve()

    @on(Input.Changed)
    def _typed(self) -> None:
        self._resolve()

    @on(Input.Submitted)
    @on(Button.Pressed, "#confirm")
    def _confirm(self) -> None:
        chosen = self._resolve()
        if chosen is not None:
            self.dismiss(chosen)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    def _resolve(self) -> tuple[int, int] | None:
        """Show the range the inputs mean (or what is wrong); return it."""
        resolved = self.query_one("#resolved", Static)
        values = [self.query_one(f"#{name}", Input).value for name in ("days", "start", "end")]
        try:
            lo, hi = backfill_range(self.now, *values)
        except ConfigError as exc:
            resolved.update(str(exc))
            resolved.add_class("invalid")
            return None
        resolved.remove_class("invalid")
        resolved.update(f"{fmt.stamp(lo)} → {fmt.stamp(hi)}  ({fmt.count((hi - lo) // INTERVAL)} intervals)")
        return lo, hi
