"""Binary COPY encoding: numpy encoder vs the database vs psycopg's write_row loop.

Prints, for one set of rows (default 1,000,000: 245 points in (entity_id, ts)
order, 15-minute steps, numeric with 1-2 decimals, some bool points, some
NULLs and non-ok statuses):
  * encode rows/s of ``encode_rows`` (median of 5) and its peak memory;
  * COPY rows/s of that payload into a values table with PRIMARY KEY (entity_id, ts);
  * COPY rows/s of psycopg's ``write_row`` loop with ``set_types`` on the same rows
    (Python row tuples built beforehand, outside the timing: its best case).
The two COPYs alternate, ``--rounds`` times each, so both see the same machine.

Uses DATABASE_URL when set, otherwise an embedded server in a temporary
directory (started and stopped here). Run: python bench/copy_encode.py
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import tracemalloc
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import psycopg
from psycopg.conninfo import make_conninfo

from haystack_tui.store.copy_binary import COPY_COLUMNS, STATUS_TEXT, encode_rows

POINTS = 245
TABLE = "values_bench"
COPY_SQL = f"COPY {TABLE} ({', '.join(COPY_COLUMNS)}) FROM STDIN (FORMAT BINARY)"
PG_TYPES = ["int4", "timestamptz", "numeric", "bool", "varchar"]


def make_rows(n: int, seed: int = 0) -> dict[str, np.ndarray]:
    """``n`` rows of ``POINTS`` points in (entity_id, ts) order, as a building backfill writes them."""
    rng = np.random.default_rng(seed)
    per_point = -(-n // POINTS)
    eid = np.repeat(np.arange(1, POINTS + 1, dtype=np.int32), per_point)[:n]
    ts = (1_700_000_000 + 900 * np.tile(np.arange(per_point, dtype=np.int64), POINTS))[:n]
    point_scale = rng.integers(1, 3, POINTS + 1)
    point_bool = rng.random(POINTS + 1) < 0.1
    is_bool = point_bool[eid]
    value = np.where(is_bool, rng.integers(0, 2, n), rng.normal(60.0, 25.0, n))
    value[rng.random(n) < 0.01] = np.nan
    status = rng.choice(len(STATUS_TEXT), n, p=[0.97, 0.02, 0.01]).astype(np.uint8)
    return dict(entity_id=eid, ts=ts, value=value, scale=point_scale[eid].astype(np.int16), is_bool=is_bool,
                status=status)


def python_rows(rows: dict[str, np.ndarray]) -> list[tuple]:
    """The same rows as the Python objects a write_row loop would send."""
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    out = []
    for e, t, v, s, b, st in zip(*(rows[k].tolist() for k in ("entity_id", "ts", "value", "scale", "is_bool",
                                                             "status"))):
        nan = v != v
        out.append((e, epoch + timedelta(seconds=t), None if b or nan else round(Decimal(v), s),
                    None if not b or nan else v == 1.0, STATUS_TEXT[st]))
    return out


def bench_encode(rows: dict[str, np.ndarray], repeats: int = 5) -> tuple[float, bytes]:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        payload = encode_rows(**rows)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), payload


def encode_peak_bytes(rows: dict[str, np.ndarray]) -> int:
    """Peak memory allocated while encoding (numpy reports its buffers to tracemalloc)."""
    tracemalloc.start()
    payload = encode_rows(**rows)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del payload
    return peak


def timed_copy(conn: psycopg.Connection, load) -> float:
    """Seconds to COPY into a freshly emptied table and commit."""
    conn.execute(f"TRUNCATE {TABLE}")
    conn.commit()
    t0 = time.perf_counter()
    with conn.cursor().copy(COPY_SQL) as cp:
        load(cp)
    conn.commit()
    return time.perf_counter() - t0


def write_payload(payload: bytes):
    return lambda cp: cp.write(payload)


def write_rows(py_rows: list[tuple]):
    def load(cp):
        cp.set_types(PG_TYPES)
        for row in py_rows:
            cp.write_row(row)
    return load


@contextmanager
def scratch_database():
    """A new database on DATABASE_URL or on a temporary embedded server; dropped afterwards."""
    data_dir = None
    server = os.environ.get("DATABASE_URL")
    if not server:
        from haystack_tui.store.embedded import embedded_url
        data_dir = Path(tempfile.mkdtemp(prefix="copy-encode-bench-"))
        os.chmod(data_dir, 0o755)
        server = embedded_url(data_dir)
    name = f"bench_{uuid.uuid4().hex[:10]}"
    try:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield make_conninfo(server, dbname=name)
        finally:
            with psycopg.connect(server, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        if data_dir is not None:
            import shutil

            from haystack_tui.store.embedded import stop_embedded
            stop_embedded(data_dir)
            shutil.rmtree(data_dir, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=3, help="COPY runs of each kind (alternating)")
    args = ap.parse_args()
    rows = make_rows(args.rows)
    n = args.rows

    enc_s, payload = bench_encode(rows)
    peak = encode_peak_bytes(rows)
    print(f"rows: {n:,}  payload: {len(payload) / 1e6:.1f} MB ({len(payload) / n:.1f} B/row)")
    print(f"encode_rows:           {n / enc_s:>12,.0f} rows/s  (median of 5, {enc_s * 1e3:.0f} ms)"
          f"  peak memory {peak / 1e6:.0f} MB = {peak / len(payload):.2f} x payload")
    t0 = time.perf_counter()
    py_rows = python_rows(rows)
    build_s = time.perf_counter() - t0
    print(f"python row tuples for write_row built in {build_s:.2f} s")

    with scratch_database() as url, psycopg.connect(url, options="-c TimeZone=UTC") as conn:
        conn.execute(f"""CREATE TABLE {TABLE} (entity_id integer NOT NULL, ts timestamptz NOT NULL,
            value_n numeric, value_b boolean, value_s varchar, value_ts timestamptz, value_dict jsonb,
            status varchar, PRIMARY KEY (entity_id, ts))""")
        conn.commit()
        binary, loop = [], []
        for _ in range(args.rounds):
            binary.append(timed_copy(conn, write_payload(payload)))
            from_payload = table_digest(conn)
            loop.append(timed_copy(conn, write_rows(py_rows)))
        assert table_digest(conn) == from_payload, "write_row and encode_rows stored different rows"
    b, w = statistics.median(binary), statistics.median(loop)
    print(f"COPY encoded payload:  {n / b:>12,.0f} rows/s  (median of {args.rounds}, PK (entity_id, ts), PK order)")
    print(f"COPY write_row loop:   {n / w:>12,.0f} rows/s  (median of {args.rounds}, same rows and table;"
          f" {n / (w + build_s):,.0f} rows/s counting the tuple building)")
    print(f"write_row / payload time: {w / b:.2f} x;  encode + COPY end to end {n / (b + enc_s):,.0f} rows/s;"
          " both loads stored identical rows")


def table_digest(conn: psycopg.Connection) -> str:
    """md5 over every stored row as text (numeric as printed, so dscale counts too)."""
    return conn.execute(
        f"SELECT md5(string_agg(concat_ws('|', entity_id, ts, value_n, value_b, status), ',' ORDER BY entity_id, ts))"
        f" FROM {TABLE}").fetchone()[0]


if __name__ == "__main__":
    main()
