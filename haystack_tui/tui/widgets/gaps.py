"""The gap panel: how complete the recent data is, and any backfill running.

A coverage strip (one cell per hour, or per few hours when the window is wider
than the panel), the open gaps, and a progress bar with rows/s and ETA while
the engine fills. Renders from the snapshot's ``gap`` and ``backfill`` parts;
the engine computes them, this module only draws.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.reactive import reactive, var
from textual.widget import Widget
from textual.widgets import ProgressBar, Static

from haystack_tui.engine.status import BackfillState, GapState, Snapshot
from haystack_tui.tui import format as fmt

SHOWN_GAPS = 2


class CoverageStrip(Widget):
    """Present (█), partly present (▄) and missing (▁) hours, oldest on the left."""

    DEFAULT_CSS = "CoverageStrip { height: 1; }"

    strip: reactive[tuple[float, ...]] = reactive(tuple)
    """Fraction of intervals present per hour, oldest first."""

    def render(self) -> Text:
        width = max(1, self.content_size.width)
        cells = buckets(self.strip, width)
        text = Text()
        for f in cells:
            text.append(*(("█", "green") if f >= 1 else ("▄", "yellow") if f > 0 else ("▁", "bold red")))
        return text


def buckets(strip: tuple[float, ...], width: int) -> list[float]:
    """Spread the hours over ``width`` cells (or one cell per hour when they
    fit); a cell shows its worst hour, so one missing hour in a week is never
    averaged away."""
    n = len(strip)
    if n <= width:
        return list(strip)
    return [min(strip[i * n // width:max((i + 1) * n // width, i * n // width + 1)]) for i in range(width)]


class GapPanel(Vertical):
    """Coverage of the recent window, open gaps, and backfill progress."""

    DEFAULT_CSS = """
    GapPanel { height: auto; }
    GapPanel #coverage, GapPanel #backfill-text { height: 2; }
    GapPanel #open-gaps { height: 3; }
    GapPanel ProgressBar { width: 1fr; }
    GapPanel ProgressBar Bar { width: 1fr; }
    GapPanel .dim { color: $text-muted; }
    """

    snapshot: var[Snapshot] = var(Snapshot)
    """The engine state; only its ``gap`` and ``backfill`` parts are drawn."""

    def compose(self) -> ComposeResult:
        yield CoverageStrip()
        yield Static(id="coverage", classes="dim")
        yield Static(id="open-gaps")
        yield ProgressBar(total=1, show_eta=False, id="backfill-bar")
        yield Static(id="backfill-text")

    def on_mount(self) -> None:
        self._draw(self.snapshot)

    def watch_snapshot(self, old: Snapshot, new: Snapshot) -> None:
        if (old.gap, old.backfill) != (new.gap, new.backfill):  # most polls change neither
            self._draw(new)

    def _draw(self, snapshot: Snapshot) -> None:
        self.query_one(CoverageStrip).strip = snapshot.gap.strip
        # fixed heights (CSS above), so updates skip the layout pass of the whole screen
        self.query_one("#coverage", Static).update(coverage_line(snapshot.gap), layout=False)
        self.query_one("#open-gaps", Static).update(gaps_text(snapshot.gap), layout=False)
        self._show_backfill(snapshot.backfill)

    def _show_backfill(self, b: BackfillState) -> None:
        bar = self.query_one(ProgressBar)
        bar.display = b.active or b.rows_total > 0
        bar.update(total=max(1, b.rows_total), progress=b.rows_done if b.rows_total else 0)
        self.query_one("#backfill-text", Static).update(backfill_text(b), layout=False)


def coverage_line(gap: GapState) -> Text:
    hours = len(gap.strip)
    if not hours:
        return Text("no data yet")
    span = f"last {hours // 24} d" if hours >= 48 else f"last {hours} h"
    return Text(f"{span} to {fmt.stamp(gap.window_end)} · {fmt.count(gap.missing_intervals)} intervals missing")


def gaps_text(gap: GapState) -> Text:
    if not gap.open_gaps:
        return Text("no open gaps", style="green")
    text = Text()
    for start, end in gap.open_gaps[-SHOWN_GAPS:]:
        n = (end - start) // 900
        text.append(f"gap {fmt.stamp(start)} +{n}\n", style="red")
    more = len(gap.open_gaps) - SHOWN_GAPS
    text.append(f"{len(gap.open_gaps)} open gaps{f', {more} older not shown' if more > 0 else ''}", style="dim")
    return text


def backfill_text(b: BackfillState) -> Text:
    if b.active:
        return Text.assemble(("backfilling ", "bold cyan"), f"{fmt.count(b.rows_done)}/{fmt.count(b.rows_total)} rows",
                             f"\n{fmt.rate(b.rows_per_s)} · ETA {fmt.duration(b.eta_s)}")
    if b.rows_total:
        return Text.assemble(("last backfill ", "dim"), f"{fmt.count(b.rows_done)} rows",
                             f"\nat {fmt.rate(b.rows_per_s)}", style="")
    return Text("no backfill running", style="dim")
