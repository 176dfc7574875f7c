"""The help screen: every key and what each panel shows.

The key table is built from the bindings the App hands in, so it can never
disagree with the footer; the panel guide is the short version of
``docs/console.md``.
"""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

PANELS = (
    ("Status bar", "mode, simulated clock, last tick, countdown to the next, rows written, database, "
                   "Haystack sessions, the last error"),
    ("Points", "every point: equipment, id, newest value, status (ok/stale/fault), last 24 h sparkline"),
    ("Gaps", "coverage of the last week per hour (█ complete ▄ partial ▁ missing), open gaps, backfill progress"),
    ("Totalizers", "meter readings, last 15-minute step, rate, ✓ if the reading never went down"),
    ("Validation", "the last data-quality checks, failures first"),
    ("Activity", "engine events as they happen (UTC)"),
)


def key_name(binding: Binding) -> str:
    return {"slash": "/", "plus": "+", "minus": "-", "question_mark": "?"}.get(binding.key, binding.key)


class HelpScreen(ModalScreen[None]):
    """Keys and panels; any of escape, ? or q closes it."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen VerticalScroll { width: 96; height: auto; max-height: 90%; border: thick $accent;
                                background: $surface; padding: 0 1; }
    """
    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close")]

    def __init__(self, bindings: list[Binding]) -> None:
        super().__init__()
        self.bindings = bindings

    def compose(self) -> ComposeResult:
        keys = Table(title="Keys", expand=True, show_edge=False)
        keys.add_column("key", style="bold", width=8)
        keys.add_column("does")
        for b in self.bindings:
            keys.add_row(key_name(b), b.tooltip or b.description)
        panels = Table(title="Panels", expand=True, show_edge=False)
        panels.add_column("panel", style="bold", width=12)
        panels.add_column("shows")
        for name, text in PANELS:
            panels.add_row(name, text)
        with VerticalScroll():
            yield Static(keys)
            yield Static(panels)
