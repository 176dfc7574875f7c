"""The point detail screen: one point's last day (or week) as a chart.

History comes from ``Source.history`` in an exclusive worker, so switching
between day and week while a slow remote answers never stacks requests; the
result arrives as ``HistoryLoaded`` and is drawn with textual-plotext. Missing
intervals break the line rather than being bridged.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual_plotext import PlotextPlot

from haystack_tui.engine.status import PointState
from haystack_tui.timegrid import DAY
from haystack_tui.tui import format as fmt
from haystack_tui.tui.source import History, Source, SourceError


class PointDetailScreen(Screen):
    """A chart of one point, with its identity and a summary of the range."""

    DEFAULT_CSS = """
    PointDetailScreen #info { height: 3; padding: 0 1; background: $boost; }
    PointDetailScreen PlotextPlot { height: 1fr; }
    PointDetailScreen #summary { height: 1; padding: 0 1; color: $text-muted; }
    """
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("w", "toggle_span", "Day/Week"),
    ]

    days: reactive[int] = reactive(1, init=False)
    """How many days back from the newest interval the chart covers (1 or 7)."""

    @dataclass
    class HistoryLoaded(Message):
        """History of ``[start, end)`` arrived (or ``error`` says why not)."""

        rows: History
        start: int
        end: int
        error: str = ""

    def __init__(self, point: PointState, source: Source, end: int) -> None:
        super().__init__()
        self.point = point
        self.source = source
        self.end = end
        """Exclusive end of the charted range: just after the newest interval."""

    def compose(self) -> ComposeResult:
        p = self.point
        yield Static(Text.assemble(
            (p.dis, "bold"), f" · {p.id}\nequipment {p.equip} · kind {p.kind} · unit {p.unit or '—'}\n"
            f"now {fmt.reading(p.value, p.unit, p.kind)} · status {p.status}"), id="info")
        yield PlotextPlot()
        yield Static("loading…", id="summary")
        yield Footer()

    def on_mount(self) -> None:
        self.load(self.end - self.days * DAY, self.end)

    def watch_days(self) -> None:
        self.query_one("#summary", Static).update("loading…")
        self.load(self.end - self.days * DAY, self.end)

    def action_toggle_span(self) -> None:
        self.days = 7 if self.days == 1 else 1

    @work(exclusive=True)
    async def load(self, start: int, end: int) -> None:
        try:
            rows = await self.source.history(self.point.id, start, end)
        except SourceError as exc:
            self.post_message(self.HistoryLoaded([], start, end, str(exc)))
        else:
            self.post_message(self.HistoryLoaded(rows, start, end))

    @on(HistoryLoaded)
    def _draw(self, loaded: HistoryLoaded) -> None:
        plt = self.query_one(PlotextPlot).plt
        plt.clear_data()
        plt.clear_figure()
        span = "day" if self.days == 1 else "week"
        plt.title(f"{self.point.dis} ({self.point.unit or self.point.kind}) · last {span} to {fmt.stamp(loaded.end)}")
        for xs, ys in segments(loaded.rows, loaded.end):
            plt.plot(xs, ys, marker="braille", color="cyan")
        ticks = list(range(-24 * self.days, 1, 4 if self.days == 1 else 24))
        plt.xticks(ticks, [tick_label(loaded.end + h * 3600, self.days) for h in ticks])
        plt.xlim(-24 * self.days, 0)
        self.query_one(PlotextPlot).refresh()
        summary = loaded.error or summarise(loaded.rows, (loaded.end - loaded.start) // 900)
        self.query_one("#summary", Static).update(summary)


def segments(rows: History, end: int) -> list[tuple[list[float], list[float]]]:
    """Runs of present values as (hours before ``end``, value) lists; a missing
    value or a skipped interval starts a new run, so gaps show as gaps."""
    runs: list[tuple[list[float], list[float]]] = []
    previous = None
    for ts, value, _ in rows:
        if value is None:
            previous = None
            continue
        if previous is None or ts - previous > 900:
            runs.append(([], []))
        runs[-1][0].append((ts - end) / 3600)
        runs[-1][1].append(value)
        previous = ts
    return runs


def tick_label(ts: int, days: int) -> str:
    return time.strftime("%H:%M" if days == 1 else "%a %d", time.gmtime(ts))


def summarise(rows: History, expected: int) -> str:
    values = [v for _, v, _ in rows if v is not None]
    if not values:
        return f"no values in this range ({expected} intervals expected)"
    bad = sum(1 for _, _, s in rows if s != "ok")
    return (f"{len(values)} of {expected} intervals · min {fmt.number(min(values))} · "
            f"max {fmt.number(max(values))} · mean {fmt.number(sum(values) / len(values))} · {bad} not ok")
