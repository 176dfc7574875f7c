"""Reading the window's rows: one query, one binary array per point and column.

COPY TO sends one protocol message per row, which costs about a microsecond
of Python each; here the server packs each point's rows into three binary
arrays (``array_send``), walking the primary key one point at a time, and
numpy reads them without creating a Python object per row. The server does
not sort (a bitmap scan plus a sort per point cost a quarter of the time):
rows arrive in heap order, nearly always time order already, and numpy
sorts only when they are not. Timestamps arrive in PostgreSQL's own binary
form (microseconds since 2000-01-01), the same for ``timestamptz`` and the
original platform's ``timestamp``. A value beyond float8 (only a corrupt
row can hold one) makes the cast fail; the query then reruns with a guard.
"""

from __future__ import annotations

import numpy as np
import psycopg
from psycopg import sql

from haystack_tui.store.org_tables import OrgTables
from haystack_tui.validate.data import US, Rows

PG_EPOCH_US = 946_684_800 * US
_HEADER = 20  # ndim, has-null flag, element type, then (size, lower bound) of the one dimension

_STATUS = "CASE status WHEN 'ok' THEN 0 WHEN 'stale' THEN 1 WHEN 'fault' THEN 2 ELSE 3 END"
_BOOL = "CASE WHEN value_b THEN 1 WHEN NOT value_b THEN 2 ELSE 0 END"
_NUMBER = "coalesce(value_n::float8, 'NaN')"
_NUMBER_GUARDED = ("CASE WHEN value_n IS NULL THEN 'NaN'::float8 WHEN abs(value_n) < 1e300 THEN value_n::float8"
                   " ELSE sign(value_n)::float8 * 'Infinity'::float8 END")
_QUERY = """
SELECT u.ord, x.t, x.v, x.s
FROM unnest(%(ids)s::int[]) WITH ORDINALITY AS u(e, ord),
LATERAL (SELECT array_send(array_agg(r.ts)) AS t,
                array_send(array_agg(r.v)) AS v,
                array_send(array_agg(r.s)) AS s
         FROM (SELECT ts, {number} AS v, ({status} * 4 + {bool})::int2 AS s FROM {values}
               WHERE entity_id = u.e AND ts >= to_timestamp(%(lo)s) AND ts < to_timestamp(%(hi)s)) r) x
"""


def fetch_rows(conn: psycopg.Connection, tables: OrgTables, entity_ids: list[int], is_bool: np.ndarray,
               lo: int, hi: int) -> Rows:
    """The rows of ``entity_ids`` (in that column order) in ``[lo, hi)``."""
    params = {"ids": [int(e) for e in entity_ids], "lo": lo, "hi": hi}
    try:
        with conn.transaction():
            found = conn.execute(_query(tables, _NUMBER), params, binary=True).fetchall()
    except psycopg.errors.NumericValueOutOfRange:  # a value beyond float8: rare, so the slower guard
        found = conn.execute(_query(tables, _NUMBER_GUARDED), params, binary=True).fetchall()
    return _assemble(found, len(entity_ids), np.asarray(is_bool, dtype=bool), lo, hi)


def _query(tables: OrgTables, number: str) -> sql.Composed:
    return sql.SQL(_QUERY).format(number=sql.SQL(number), status=sql.SQL(_STATUS), bool=sql.SQL(_BOOL),
                                  values=tables.values)


def _assemble(found: list[tuple], n_points: int, is_bool: np.ndarray, lo: int, hi: int) -> Rows:
    ts, vs, ss = [np.empty(0, np.int64)] * n_points, [np.empty(0)] * n_points, [np.empty(0, np.int16)] * n_points
    for ord_, t, v, s in found:
        j = int(ord_) - 1
        ts[j], vs[j], ss[j] = array_of(t, ">i8"), array_of(v, ">f8"), array_of(s, ">i2")
    counts = np.array([len(t) for t in ts], dtype=np.int64)
    offsets = np.concatenate(([0], np.cumsum(counts)))
    if offsets[-1] == 0:
        return Rows.empty(lo, hi, n_points)
    code = np.concatenate(ss).astype(np.int16)
    value = np.concatenate(vs).astype(np.float64)
    bools = np.repeat(is_bool, counts)
    flag = code & 3
    value[bools] = np.where(flag[bools] == 1, 1.0, np.where(flag[bools] == 2, 0.0, np.nan))
    times = np.concatenate(ts).astype(np.int64) + PG_EPOCH_US
    status = (code >> 2).astype(np.int8)
    column = np.repeat(np.arange(n_points), counts)
    steps = np.diff(times)
    if np.any((steps < 0) & (np.diff(column) == 0)):
        order = np.lexsort((times, column))
        times, value, status = times[order], value[order], status[order]
    return Rows(lo, hi, times, value, status, offsets)


def array_of(buf: bytes | None, fmt: str) -> np.ndarray:
    """A one-dimensional, NULL-free binary array (``array_send``) as numpy, without a copy per element."""
    if buf is None:
        return np.empty(0, dtype=np.dtype(fmt).newbyteorder("="))
    head = np.frombuffer(buf, dtype=">i4", count=3)
    if head[0] != 1 or head[1] != 0:
        raise ValueError("expected a one-dimensional array without NULLs")
    return np.frombuffer(buf, dtype=np.dtype([("len", ">i4"), ("x", fmt)]), offset=_HEADER)["x"]
