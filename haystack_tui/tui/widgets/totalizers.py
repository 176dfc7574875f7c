"""The totalizers table: each meter's reading, last step, rate and whether it
only ever went up (a meter that runs backwards is a data defect).

Rows are keyed by point id and rewritten in place; the engine computes every
figure, this widget only formats them.
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import var
from textual.widgets import DataTable

from haystack_tui.engine.status import Snapshot, TotalizerState
from haystack_tui.tui import format as fmt

COLUMNS = (("dis", "Meter", None), ("value", "Reading", 14), ("delta", "Δ 15m", 7), ("rate", "Rate", 13),
           ("mono", "↑", 1))


class TotalizerTable(DataTable):
    """One row per totalizer point."""

    snapshot: var[Snapshot] = var(Snapshot)
    """The engine state; only ``totalizers`` is drawn."""

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="none", show_cursor=False, **kwargs)
        self._shown: dict[str, tuple] = {}

    def on_mount(self) -> None:
        for key, label, width in COLUMNS:
            self.add_column(label, key=key, width=width)
        self.watch_snapshot(self.snapshot)

    def watch_snapshot(self, snapshot: Snapshot) -> None:
        if not self.columns:
            return
        for t in snapshot.totalizers:
            row = totalizer_cells(t)
            before = self._shown.get(t.id)
            if before is None:
                self.add_row(*row, key=t.id)
            else:
                for (key, _, _), old, new in zip(COLUMNS, before, row):
                    if old != new:  # fixed widths: a new reading never costs a layout pass
                        self.update_cell(t.id, key, new)
            self._shown[t.id] = row


def totalizer_cells(t: TotalizerState) -> tuple:
    rate = "" if t.rate is None else f"{fmt.number(t.rate)} {t.rate_unit or ''}".rstrip()
    delta = fmt.DASH if t.last_delta is None else f"+{fmt.number(t.last_delta)}" if t.last_delta >= 0 \
        else fmt.number(t.last_delta)
    mono = Text("✓", style="green") if t.monotonic else Text("✗", style="bold red")
    return (t.dis or t.id, Text(fmt.reading(t.value, t.unit), justify="right"), Text(delta, justify="right"),
            Text(rate, justify="right"), mono)
