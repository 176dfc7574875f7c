"""Backfill throughput and memory, against a raw COPY of the same rows.

Usage: python bench/backfill.py [--repeats 3] [--year-days 365] [--short-days 60]

On a fresh embedded PostgreSQL (or DATABASE_URL's server), in separate
processes so peak RSS is each run's own:
  1. end to end: `backfill` of the short range into a fresh database
     (generate + encode + COPY + _current + state), rows/s and peak RSS;
  2. raw COPY: the same rows, generated and encoded beforehand, COPYed into
     the same table of another fresh database, chunk by chunk: the
     database's own cost, the ceiling the backfill is measured against;
  3. one year end to end, rows/s and peak RSS (flat in the gap length?).
Runs 1 and 2 alternate `--repeats` times; medians and the ratio are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
from psycopg.conninfo import make_conninfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

START = "2026-01-01T00:00:00Z"


def child_backfill(url: str, days: int) -> dict:
    from haystack_tui.config import Settings
    from haystack_tui.engine.commands import backfill, init_database
    from haystack_tui.timegrid import DAY, parse_instant

    settings = Settings(database_url=url)
    init_database(settings)
    lo = parse_instant(START, "start")
    t0 = time.perf_counter()
    result = backfill(settings, lo, lo + days * DAY)
    seconds = time.perf_counter() - t0
    out = {"rows": result.rows, "seconds": seconds, "rows_per_s": result.rows / seconds,
           "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    out["detect_s"] = time_detection(url, lo + days * DAY)
    return out


def time_detection(url: str, hi: int) -> float:
    """Start-up state detection on the filled table: last timestamps, 30-day holes, meter readings."""
    from haystack_tui.config import Settings
    from haystack_tui.engine.commands import init_database
    from haystack_tui.engine.totalizers import readings_before
    from haystack_tui.store import detect
    from haystack_tui.timegrid import DAY

    _, prepared = init_database(Settings(database_url=url))
    with psycopg.connect(url, autocommit=True, options="-c TimeZone=UTC") as conn:
        conn.execute("ANALYZE core.values_demo")
        t0 = time.perf_counter()
        last = detect.last_timestamp(conn, prepared.tables, prepared.point_entity_ids)
        detect.coverage(conn, prepared.tables, prepared.point_entity_ids, hi - 30 * DAY, hi)
        readings_before(conn, prepared, 42, last + 900)
        return time.perf_counter() - t0


def child_raw_copy(url: str, days: int) -> dict:
    """COPY pre-encoded payloads of the same rows into the same (fresh) table."""
    from haystack_tui import sim
    from haystack_tui.config import Settings
    from haystack_tui.engine.commands import init_database
    from haystack_tui.engine.plan import DEFAULT_CHUNK_INTERVALS
    from haystack_tui.engine.totalizers import readings_before
    from haystack_tui.store.copy_binary import COPY_COLUMNS
    from haystack_tui.store.values import encode_block
    from haystack_tui.timegrid import DAY, INTERVAL, parse_instant

    _, prepared = init_database(Settings(database_url=url))
    lo = parse_instant(START, "start")
    n_total = days * DAY // INTERVAL
    payloads = []
    with psycopg.connect(url) as conn:
        carried = readings_before(conn, prepared, 42, lo)
    t = lo
    while t < lo + n_total * INTERVAL:
        n = min(DEFAULT_CHUNK_INTERVALS, (lo + n_total * INTERVAL - t) // INTERVAL)
        block = sim.generate(prepared.building, 42, t, n, readings_before=carried)
        carried = block.readings_end
        payloads.append(encode_block(prepared.columns, block.times, block.values, block.status,
                                     block.readings_end).payload)
        t += n * INTERVAL
    rows = n_total * len(prepared.building.points)
    stmt = f'COPY core."values_demo" ({", ".join(COPY_COLUMNS)}) FROM STDIN (FORMAT BINARY)'
    with psycopg.connect(url) as conn:
        t0 = time.perf_counter()
        for payload in payloads:
            with conn.transaction(), conn.cursor() as cur, cur.copy(stmt) as copy:
                copy.write(payload)
        seconds = time.perf_counter() - t0
    return {"rows": rows, "seconds": seconds, "rows_per_s": rows / seconds}


def run_child(kind: str, url: str, days: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", kind, url, str(days)], capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def fresh_db(server: str, name: str) -> str:
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return make_conninfo(server, dbname=name)


def drop_db(server: str, name: str) -> None:
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--short-days", type=int, default=60)
    ap.add_argument("--year-days", type=int, default=365)
    args = ap.parse_args()
    server = os.environ.get("DATABASE_URL")
    tmp = None
    if not server:
        from haystack_tui.store.embedded import embedded_url, stop_embedded

        tmp = Path(tempfile.mkdtemp(prefix="hstui-bench-"))
        os.chmod(tmp, 0o755)
        server = embedded_url(tmp)
    try:
        e2e, raw = [], []
        for i in range(args.repeats):
            url = fresh_db(server, "bench_e2e")
            e2e.append(run_child("backfill", url, args.short_days))
            drop_db(server, "bench_e2e")
            url = fresh_db(server, "bench_raw")
            raw.append(run_child("raw", url, args.short_days))
            drop_db(server, "bench_raw")
            print(f"run {i + 1}: backfill {e2e[-1]['rows_per_s']:,.0f} rows/s, raw COPY {raw[-1]['rows_per_s']:,.0f}"
                  f" rows/s, ratio {e2e[-1]['rows_per_s'] / raw[-1]['rows_per_s']:.2f},"
                  f" peak RSS {e2e[-1]['peak_rss_mb']:.0f} MB", flush=True)
        med_e2e = statistics.median(r["rows_per_s"] for r in e2e)
        med_raw = statistics.median(r["rows_per_s"] for r in raw)
        ratios = [a["rows_per_s"] / b["rows_per_s"] for a, b in zip(e2e, raw)]
        url = fresh_db(server, "bench_year")
        year = run_child("backfill", url, args.year_days)
        drop_db(server, "bench_year")
        print()
        print(f"{args.short_days}-day backfill ({e2e[0]['rows']:,} rows), median of {args.repeats}:"
              f" {med_e2e:,.0f} rows/s end to end")
        print(f"raw COPY of the same rows into the same table: {med_raw:,.0f} rows/s")
        print(f"ratio backfill / raw COPY: median {statistics.median(ratios):.2f}"
              f" (runs: {', '.join(f'{r:.2f}' for r in ratios)})")
        print(f"peak RSS, {args.short_days} days: {statistics.median(r['peak_rss_mb'] for r in e2e):.0f} MB")
        print(f"{args.year_days}-day backfill: {year['rows']:,} rows in {year['seconds']:.1f} s"
              f" ({year['rows_per_s']:,.0f} rows/s), peak RSS {year['peak_rss_mb']:.0f} MB")
        print(f"state detection on those {year['rows']:,} rows (last timestamps, 30-day holes, meter readings):"
              f" {year['detect_s']:.2f} s")
    finally:
        if tmp is not None:
            stop_embedded(tmp)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        kind, url, days = sys.argv[2], sys.argv[3], int(sys.argv[4])
        fn = child_backfill if kind == "backfill" else child_raw_copy
        print(json.dumps(fn(url, days)))
    else:
        main()
