"""The one write path for time series: binary COPY, one transaction per chunk.

Each chunk's rows, the ``_current`` rows it supersedes and the state row
(last timestamp, totalizer readings) commit together, so a crash leaves the
whole chunk or none of it. Stored values are never rewritten: a chunk whose
range already holds some rows (a partly filled hole, a table another tool
wrote) goes through a staging table and ``ON CONFLICT DO NOTHING``; the
common case, an empty range, is a straight COPY in primary-key order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import psycopg
from psycopg import sql

from haystack_tui.store import detect
from haystack_tui.store.copy_binary import COPY_COLUMNS, STATUS_TEXT, encode_rows
from haystack_tui.store.org_tables import OrgTables
from haystack_tui.store.state import save_state
from haystack_tui.timegrid import INTERVAL, to_datetime


@dataclass(frozen=True)
class PointColumns:
    """Per-column facts the writer needs, in block column order."""

    entity_ids: np.ndarray
    """int32 entity id of each column."""
    point_ids: tuple[str, ...]
    decimals: np.ndarray
    """int16 numeric scale of each column."""
    is_bool: np.ndarray
    totalizer_ids: tuple[str, ...]
    """Point ids of the totalizers, in ``Block.readings_end`` order."""

    @property
    def pk_order(self) -> np.ndarray:
        """Column permutation that sorts rows by entity id (the primary key's lead)."""
        return np.argsort(self.entity_ids, kind="stable")


@dataclass(frozen=True)
class EncodedChunk:
    """A generated chunk turned into a COPY payload (built off the event loop)."""

    start: int
    n: int
    rows: int
    payload: bytes
    last_values: np.ndarray
    last_status: np.ndarray
    readings_end: np.ndarray


def encode_block(cols: PointColumns, times: np.ndarray, values: np.ndarray, status: np.ndarray,
                 readings_end: np.ndarray) -> EncodedChunk:
    """Rows ordered by (entity_id, ts): column-major over the PK-sorted columns."""
    order = cols.pk_order
    t = len(times)
    v = values[:, order].T.ravel()
    s = status[:, order].T.ravel()
    eid = np.repeat(cols.entity_ids[order], t)
    ts = np.tile(times.astype(np.int64), len(order))
    scale = np.repeat(cols.decimals[order], t)
    is_bool = np.repeat(cols.is_bool[order], t)
    payload = encode_rows(eid, ts, v, scale, is_bool, s)
    return EncodedChunk(int(times[0]), t, len(v), payload, values[-1].copy(), status[-1].copy(),
                        np.asarray(readings_end, dtype=np.float64).copy())


class ValueWriter:
    """Writes encoded chunks for one org; holds no connection of its own."""

    def __init__(self, tables: OrgTables, cols: PointColumns, state_name: str) -> None:
        self.tables = tables
        self.cols = cols
        self.state_name = state_name
        self._entity_list = [int(e) for e in cols.entity_ids]

    def write(self, conn: psycopg.Connection, chunk: EncodedChunk) -> int:
        """Commit one chunk atomically; returns the rows actually added."""
        end = chunk.start + chunk.n * INTERVAL
        with conn.transaction():
            existing = detect.rows_in_range(conn, self.tables, self._entity_list, chunk.start, end)
            if existing == 0:
                self._copy(conn, chunk.payload, self.tables.values)
                added = chunk.rows
            else:
                added = self._merge(conn, chunk.payload)
            last_ts = end - INTERVAL
            self._update_current(conn, last_ts, chunk.last_values, chunk.last_status)
            totals = {pid: float(r) for pid, r in zip(self.cols.totalizer_ids, chunk.readings_end)}
            save_state(conn, self.state_name, last_ts=to_datetime(last_ts), totalizers=totals)
        return added

    def _copy(self, conn: psycopg.Connection, payload: bytes, target: sql.Composable) -> None:
        stmt = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT BINARY)").format(
            target, sql.SQL(", ").join(map(sql.Identifier, COPY_COLUMNS)))
        with conn.cursor() as cur, cur.copy(stmt) as copy:
            view = memoryview(payload)
            step = 4 << 20
            for i in range(0, len(view), step):
                copy.write(view[i:i + step])

    def _merge(self, conn: psycopg.Connection, payload: bytes) -> int:
        """Slow path: stage, then add only the rows not already stored."""
        conn.execute(sql.SQL("CREATE TEMP TABLE IF NOT EXISTS hstui_stage (LIKE {} INCLUDING DEFAULTS)"
                             " ON COMMIT DELETE ROWS").format(self.tables.values))
        self._copy(conn, payload, sql.SQL("hstui_stage"))
        cols = sql.SQL(", ").join(map(sql.Identifier, COPY_COLUMNS))
        cur = conn.execute(sql.SQL("INSERT INTO {} ({c}) SELECT {c} FROM hstui_stage ORDER BY entity_id, ts"
                                   " ON CONFLICT DO NOTHING").format(self.tables.values, c=cols))
        return cur.rowcount

    def _update_current(self, conn: psycopg.Connection, ts: int, values: np.ndarray, status: np.ndarray) -> None:
        """Newest row per point; an older chunk (a filled hole) never moves it back."""
        nums, bools = [], []
        for v, d, b in zip(values.tolist(), self.cols.decimals.tolist(), self.cols.is_bool.tolist()):
            finite = v == v
            nums.append(None if b or not finite else f"{v:.{d}f}")
            bools.append(None if not b or not finite else bool(v))
        conn.execute(
            sql.SQL("INSERT INTO {cur} AS c (entity_id, ts, value_n, value_b, status)"
                    " SELECT e, to_timestamp(%s), n::numeric, b, s"
                    " FROM unnest(%s::int[], %s::text[], %s::bool[], %s::text[]) AS u(e, n, b, s)"
                    " ON CONFLICT (entity_id) DO UPDATE SET ts = excluded.ts, value_n = excluded.value_n,"
                    " value_b = excluded.value_b, value_s = NULL, value_ts = NULL, value_dict = NULL,"
                    " status = excluded.status WHERE c.ts <= excluded.ts").format(cur=self.tables.current),
            (ts, self._entity_list, nums, bools, [STATUS_TEXT[int(s)] for s in status]),
        )


def analyze(conn: psycopg.Connection, tables: OrgTables) -> None:
    """Refresh planner statistics after a large load (and the row estimate ``status`` shows)."""
    conn.execute(sql.SQL("ANALYZE {}").format(tables.values))
