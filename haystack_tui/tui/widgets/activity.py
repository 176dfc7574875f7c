"""The activity log: engine events as they happen, newest at the bottom.

Each line is the event's time (UTC), its kind and its message, coloured by
kind so errors and backfills stand out among the ticks. Console-side notes
(a refused command, a lost connection) go in the same log, marked ``console``.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import RichLog

from haystack_tui.engine.status import Event
from haystack_tui.tui import format as fmt

KIND_STYLES = {
    "error": "bold red", "console": "magenta", "tick_written": "dim", "paused": "yellow", "resumed": "green",
    "validation_done": "blue", "standby": "yellow", "stopped": "yellow", "started": "green",
}
MAX_LINES = 2000


class ActivityLog(RichLog):
    """A scrolling log of events, trimmed to the last ``MAX_LINES``."""

    def __init__(self, **kwargs) -> None:
        super().__init__(max_lines=MAX_LINES, wrap=False, markup=False, auto_scroll=True, **kwargs)
        self.last_seq = 0
        """Highest event seq written, so a replayed event is not shown twice."""

    def add_event(self, event: Event) -> None:
        if event.seq and event.seq <= self.last_seq:
            return
        self.last_seq = max(self.last_seq, event.seq)
        self.add_line(event.at, event.kind, event.message)

    def add_line(self, at: float, kind: str, message: str) -> None:
        style = KIND_STYLES.get(kind, "cyan" if kind.startswith("backfill") else "")
        self.write(Text.assemble((fmt.clock(at), "dim"), " ", (f"{kind:<17}", style), " ", message))
