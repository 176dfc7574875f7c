"""The one object every check reads: connection, building, window, and the rows (fetched once).

Checks that need the stored values share one fetch (``rows``/``grid``);
checks that ask the catalogue or the ``_current`` table run their own small
queries on ``conn``. Nothing here writes.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import psycopg

from haystack_tui.model.building import Building, Point
from haystack_tui.store import detect
from haystack_tui.timegrid import INTERVAL, align_down
from haystack_tui.validate.data import Grid, Rows
from haystack_tui.validate.fetch import fetch_rows

if TYPE_CHECKING:  # the engine's record, not its code: validate depends on store only
    from haystack_tui.engine.setup import Prepared

GRACE = 300
"""Seconds an interval may take to be written after its instant while the engine runs."""


class Window:
    def __init__(self, conn: psycopg.Connection, prepared: Prepared, lo: int, hi: int, *, running: bool,
                 now: float) -> None:
        self.conn = conn
        self.prepared = prepared
        self.lo, self.hi = lo, max(lo, hi)
        self.running = running
        """True while the engine is generating: the newest instants may still be on their way."""
        self.now = now

    @property
    def building(self) -> Building:
        return self.prepared.building

    @property
    def tables(self):
        return self.prepared.tables

    @property
    def points(self) -> tuple[Point, ...]:
        return self.building.points

    @property
    def entity_ids(self) -> list[int]:
        """Entity id of each point, in column order."""
        return self.prepared.point_entity_ids

    @cached_property
    def rows(self) -> Rows:
        is_bool = np.array([p.kind == "Bool" for p in self.points])
        return fetch_rows(self.conn, self.tables, self.entity_ids, is_bool, self.lo, self.hi)

    @property
    def grid(self) -> Grid:
        return self.rows.grid

    @cached_property
    def newest(self) -> int | None:
        """Newest stored instant of any of the building's points (whole table, not just the window)."""
        return detect.last_timestamp(self.conn, self.tables, self.entity_ids)

    @property
    def due_until(self) -> int:
        """Instants before this must be stored; while running, the newest ones may still be in flight."""
        if not self.running:
            return self.hi
        return min(self.hi, max(self.lo, align_down(self.now - GRACE) + INTERVAL))
