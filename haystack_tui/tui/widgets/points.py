"""The points table: every point's newest value, status and last-day trend.

Built for a 1-second refresh of 300+ points: rows are added once and then
changed in place, one ``update_cell`` per cell whose text changed and one
repaint for all of them; a refresh never clears the table. A filter change
removes the rows that left the match (or, when most did, starts the table
afresh), and sorting reorders rows without re-creating them. Matching and sort
keys are pure functions in ``point_query``.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from rich.text import Text
from textual.binding import Binding
from textual.reactive import var
from textual.widgets import DataTable

from haystack_tui.engine.status import PointState, Snapshot
from haystack_tui.tui import format as fmt
from haystack_tui.tui.point_query import SORTABLE, matches, parse_query, short_id, sort_key

COLUMNS = (("equip", "Equipment", 19), ("id", "Point", 17), ("value", "Value", 13), ("status", "Status", 6),
           ("trend", "Last 24 h", 10))
STATUS_STYLES = {"ok": "green", "stale": "yellow", "fault": "bold red"}
LIVE = ("value", "status", "trend")


class _KeyedText(Text):
    """The equipment cell, which also remembers its row's point id: DataTable
    hands sort keys cells, not row keys, and this lets us sort by the point."""

    point_id: str = ""


class PointsTable(DataTable):
    """Every point, filtered by ``query`` and ordered by ``sort_column``."""

    BINDINGS = [
        Binding("enter", "select_cursor", "Detail", tooltip="Open the point's chart"),
        Binding("s", "cycle_sort", "Sort", tooltip="Sort by the next column"),
    ]

    snapshot: var[Snapshot] = var(Snapshot)
    """The engine state; only ``points`` is drawn."""
    query: var[str] = var("")
    """Filter text: words that must all match; ``status:fault`` matches one field."""
    sort_column: var[str | None] = var(None)
    """Column the rows are ordered by; None keeps the building's order."""
    sort_reverse: var[bool] = var(False)
    """Descending instead of ascending."""
    _holding_refresh = False

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self._points: dict[str, PointState] = {}
        self._order: dict[str, int] = {}
        self._texts: dict[str, tuple[str, str, str]] = {}

    def on_mount(self) -> None:
        for key, label, width in COLUMNS:
            self.add_column(label, key=key, width=width)
        self._sync(self.snapshot)

    def watch_snapshot(self, snapshot: Snapshot) -> None:
        self._sync(snapshot)

    def watch_query(self) -> None:
        self._sync(self.snapshot, force_sort=True)

    def watch_sort_column(self) -> None:
        self._sort()

    def watch_sort_reverse(self) -> None:
        self._sort()

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        column = str(event.column_key.value)
        if column not in SORTABLE:
            return
        if column == self.sort_column:
            self.sort_reverse = not self.sort_reverse
        else:
            self.sort_column, self.sort_reverse = column, False

    def action_cycle_sort(self) -> None:
        """Sort by the next column: none -> equipment -> point -> value -> status -> none."""
        cycle = (None, *SORTABLE)
        self.sort_column = cycle[(cycle.index(self.sort_column) + 1) % len(cycle)]
        self.sort_reverse = False

    @property
    def shown_ids(self) -> list[str]:
        """Point ids of the rows, top to bottom."""
        return [row.key.value for row in self.ordered_rows]

    def point_at_cursor(self) -> PointState | None:
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return self._points.get(key)

    def _sync(self, snapshot: Snapshot, force_sort: bool = False) -> None:
        """Bring the rows in line with the snapshot: add/remove what entered or
        left the filter, rewrite changed cells, reorder if the order may move."""
        if not self.columns:  # not mounted yet: on_mount syncs
            return
        old = self._points
        self._points = {p.id: p for p in snapshot.points}
        if len(self._order) != len(self._points) or any(pid not in self._order for pid in self._points):
            self._order = {pid: i for i, pid in enumerate(self._points)}
        terms = parse_query(self.query)
        wanted = [p for p in snapshot.points if matches(p, terms)]
        added = self._add_remove(wanted)
        changed = [p for p in wanted if p.id not in added and old.get(p.id) != p]
        with self._one_refresh():
            updated = sum(self._update_row(p) for p in changed)
        if added or force_sort or (updated and self.sort_column in LIVE):
            self._sort()
        self._title(len(wanted))

    def _add_remove(self, wanted: list[PointState]) -> set[str]:
        keep = {p.id for p in wanted}
        drop = [k for k in self.rows if k.value not in keep]
        if len(drop) > max(8, self.row_count // 4):
            # DataTable.remove_row is linear in the rows, so a filter that hides
            # most of them is cheaper as a fresh table of what remains
            self.clear()
            self._texts.clear()
            drop = []
        for key in drop:
            self.remove_row(key)
            self._texts.pop(key.value, None)
        added = {p.id for p in wanted if p.id not in self._texts}
        for p in wanted:
            if p.id in added:
                self._texts[p.id] = texts = live_texts(p)
                equip = _KeyedText(p.equip)
                equip.point_id = p.id
                self.add_row(equip, short_id(p), *cells(texts), key=p.id)
        return added

    @contextmanager
    def _one_refresh(self) -> Iterator[None]:
        """Repaint once for a whole refresh: ``update_cell`` asks for a repaint
        per cell, and after a tick that is 600+ requests for the same thing."""
        self._holding_refresh = True
        try:
            yield
        finally:
            self._holding_refresh = False
            self.refresh()

    def refresh(self, *regions, **kwargs) -> "PointsTable":
        if self._holding_refresh:
            return self
        return super().refresh(*regions, **kwargs)

    def _update_row(self, p: PointState) -> int:
        """Rewrite the cells of ``p`` whose text changed; returns how many."""
        texts = live_texts(p)
        before = self._texts[p.id]
        if texts == before:
            return 0
        self._texts[p.id] = texts
        new = cells(texts)
        n = 0
        for column, old_text, new_text, cell in zip(LIVE, before, texts, new):
            if old_text != new_text:
                self.update_cell(p.id, column, cell)
                n += 1
        return n

    def _sort(self) -> None:
        column = self.sort_column
        if not self.row_count:
            return
        points, order = self._points, self._order
        self.sort("equip", key=lambda cell: sort_key(points[cell.point_id], column, order), reverse=self.sort_reverse)
        for key, label, _ in COLUMNS:
            mark = (" ▼" if self.sort_reverse else " ▲") if key == column else ""
            self.columns[key].label = Text(label + mark)

    def _title(self, shown: int) -> None:
        title = f"Points {shown} of {len(self._points)}" if self.query else f"Points {len(self._points)}"
        self.border_title = title + (f" · filter: {self.query}" if self.query else "")


def live_texts(p: PointState) -> tuple[str, str, str]:
    """The plain text of the cells that change: value, status, trend."""
    return fmt.reading(p.value, p.unit, p.kind), p.status, fmt.sparkline(p.history, 10)


def cells(texts: tuple[str, str, str]) -> tuple[Text, Text, Text]:
    value, status, trend = texts
    return (Text(value, justify="right"), Text(status, style=STATUS_STYLES.get(status, "")),
            Text(trend, style="cyan"))
