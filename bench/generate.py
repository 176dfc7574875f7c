"""Benchmark the value generator: throughput over a year, latency of one interval.

    python bench/generate.py [--seed 1] [--year 2026] [--repeat 3]

Prints (medians over --repeat runs, measured in this process):
- values generated per second for one year of the default building, in
  two-week chunks with totalizer readings carried (target >= 3 million/s);
- the median time of generate(n=1) for all points (target < 5 ms), readings
  passed in as the engine does from its stored state;
- readings_at from a cold cache over a year (the engine's first start-up)
  and CSV export rows per second, for context.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from datetime import datetime, timezone

from haystack_tui.model import load_building
from haystack_tui.sim import export_csv, generate, readings_at
from haystack_tui.sim.layout import layout

CHUNK = 96 * 14


def year_throughput(building, seed: int, start: int) -> float:
    n_total = 96 * 365
    readings = readings_at(building, seed, start - 900)
    t0 = time.perf_counter()
    done = 0
    while done < n_total:
        n = min(CHUNK, n_total - done)
        block = generate(building, seed, start + done * 900, n, readings)
        readings = block.readings_end
        done += n
    return n_total * len(building.points) / (time.perf_counter() - t0)


def one_interval_ms(building, seed: int, start: int, samples: int = 400) -> float:
    """Consecutive ticks from mid-year, each carrying the last readings, as the engine's tick does."""
    ts = start + 180 * 86400
    readings = readings_at(building, seed, ts - 900)
    times = []
    for k in range(samples):
        t0 = time.perf_counter()
        block = generate(building, seed, ts + k * 900, 1, readings)
        times.append(time.perf_counter() - t0)
        readings = block.readings_end
    return statistics.median(times) * 1e3


def cold_readings_s(building, seed: int, start: int) -> float:
    layout(building).checkpoints.pop(seed, None)  # forget this seed's checkpoints
    t0 = time.perf_counter()
    readings_at(building, seed, start + 365 * 86400)
    return time.perf_counter() - t0


def export_rows_per_s(building, seed: int, start: int) -> float:
    out = io.StringIO()
    t0 = time.perf_counter()
    rows = export_csv(building, seed, start, start + 7 * 86400, out)
    return rows / (time.perf_counter() - t0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--year", type=int, default=2026)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    building = load_building()
    start = int(datetime(args.year, 1, 1, tzinfo=timezone.utc).timestamp())
    generate(building, args.seed, start, 1)  # build the per-building constants once
    rates = [year_throughput(building, args.seed, start) for _ in range(args.repeat)]
    lat = [one_interval_ms(building, args.seed, start) for _ in range(args.repeat)]
    print(f"points: {len(building.points)}, intervals: {96 * 365}, chunk: {CHUNK} intervals")
    print(f"one year, values generated per second: {statistics.median(rates) / 1e6:.2f} million "
          f"(runs: {', '.join(f'{r / 1e6:.2f}' for r in rates)})")
    print(f"generate(n=1), median per interval: {statistics.median(lat):.2f} ms "
          f"(runs: {', '.join(f'{x:.2f}' for x in lat)})")
    print(f"readings_at one year ahead, cold cache: {cold_readings_s(building, args.seed, start):.2f} s")
    print(f"export_csv, rows per second: {export_rows_per_s(building, args.seed, start) / 1e3:.0f} thousand")


if __name__ == "__main__":
    main()
