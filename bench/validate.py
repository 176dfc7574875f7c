"""Validation suite speed: backfill N days (default 30) into a fresh embedded
PostgreSQL, then run the whole suite several times and print the median.

    .venv/bin/python bench/validate.py [--days 30] [--repeat 5] [--start 2026-01-01] [--vacuum]

Target (issue 6): under 5 s for 30 days of the default building on the
2-core reference machine. The first run also pays for cold caches and hint
bits; the median is what an operator sees on a warm database.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from haystack_tui.config import Settings
from haystack_tui.engine.commands import backfill, run_validation
from haystack_tui.store.embedded import embedded_url, stop_embedded
from haystack_tui.timegrid import DAY, parse_instant


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--start", default="2026-01-01", help="first day (UTC) of the backfilled window")
    ap.add_argument("--vacuum", action="store_true", help="VACUUM ANALYZE after the backfill (hint bits, statistics)")
    args = ap.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="haystack-bench-validate-"))
    try:
        settings = Settings(database_url=embedded_url(data_dir), data_dir=data_dir)
        lo = parse_instant(args.start, "--start")
        hi = lo + args.days * DAY
        filled = backfill(settings, lo, hi)
        print(f"backfilled {args.days} days: {filled.rows:,} rows in {filled.seconds:.1f} s")
        if args.vacuum:
            import psycopg

            with psycopg.connect(settings.database_url, autocommit=True) as conn:
                conn.execute("VACUUM ANALYZE core.values_demo")
        times = []
        for i in range(args.repeat):
            t0 = time.perf_counter()
            _, results = run_validation(settings, lo, hi)
            times.append(time.perf_counter() - t0)
            failed = [r.name for r in results if not r.passed]
            print(f"run {i + 1}: {times[-1]:.3f} s, {len(results)} checks, failed: {', '.join(failed) or 'none'}")
        print(f"suite over {filled.rows:,} rows: median {statistics.median(times):.3f} s "
              f"(min {min(times):.3f}, max {max(times):.3f}, {args.repeat} runs)")
    finally:
        stop_embedded(data_dir)
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
