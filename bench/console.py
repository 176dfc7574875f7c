"""How long the console takes to apply one refresh of every point.

Mounts the real App headless (``run_test``) over a hand-built snapshot of the
default building (320 points, a day of history each), then N times swaps in
the snapshot of the next tick, where every value and every sparkline changed
(as after a tick at high speed, or a catch-up), and measures:

* apply: the synchronous update of the panels (the data-bound watchers, one
  ``update_cell`` per changed cell), wall clock -- the figure the target is for;
* apply + repaint: CPU time of the process until the app is idle again, less
  the CPU an idle wait costs (``Pilot.pause`` waits for idleness by sleeping, so
  wall time would mostly measure its sleeps).

Prints medians; the target is under 50 ms, so a 1 Hz refresh never lags.

    python bench/console.py [--rounds 30] [--size 120x36] [--screenshot docs/console-screenshot.svg]

``--screenshot`` also saves the screen as SVG before the rounds start (the
README's picture is made this way, at 140x40).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from dataclasses import dataclass, field

from haystack_tui.tui import sample
from haystack_tui.tui.app import HaystackApp
from haystack_tui.tui.widgets import ActivityLog, PointsTable

TARGET_MS = 50.0


@dataclass
class Figures:
    rows: int = 0
    apply_ms: list[float] = field(default_factory=list)
    repaint_cpu_ms: list[float] = field(default_factory=list)
    idle_cpu_ms: list[float] = field(default_factory=list)


async def measure(rounds: int, size: tuple[int, int], screenshot: str | None) -> Figures:
    source = sample.SampleSource()
    app = HaystackApp(source, clock=lambda: float(sample.NOW))
    out = Figures()
    async with app.run_test(size=size) as pilot:
        while len(app.query_one(ActivityLog).lines) < len(sample.events()):
            await pilot.pause(0.05)
        await pilot.pause()
        out.rows = app.query_one(PointsTable).row_count
        if screenshot:
            app.save_screenshot(screenshot)
        for k in range(rounds):
            # one tick later: every value moves and every sparkline shifts by one interval; built
            # here, one at a time, so the heap (and the garbage collector's work) is the console's
            snap = sample.snapshot(now=sample.NOW + 900 * (k + 1), shift=0.01 * (k + 1), version=k + 2)
            await pilot.pause()  # start from an idle, fully painted screen
            c0 = time.process_time()
            await pilot.pause()  # what waiting costs when nothing changed
            out.idle_cpu_ms.append((time.process_time() - c0) * 1000)
            c0, t0 = time.process_time(), time.perf_counter()
            app.snapshot = source.current = snap  # what the next poll would bring anyway
            t1 = time.perf_counter()
            await pilot.pause()  # every widget processes its messages, then the screen repaints
            out.apply_ms.append((t1 - t0) * 1000)
            out.repaint_cpu_ms.append((time.process_time() - c0) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--size", default="120x36", help="terminal columns x rows")
    parser.add_argument("--screenshot", metavar="SVG", help="save the screen here before measuring")
    args = parser.parse_args()
    size = tuple(int(n) for n in args.size.lower().split("x"))
    f = asyncio.run(measure(args.rounds, size, args.screenshot))
    apply = statistics.median(f.apply_ms)
    idle = statistics.median(f.idle_cpu_ms)
    repaint = statistics.median(f.repaint_cpu_ms) - idle
    print(f"console refresh at {args.size}, {f.rows} points, every value changed, median of {args.rounds}:")
    print(f"  apply snapshot to the widgets   {apply:6.1f} ms wall  (target < {TARGET_MS:.0f} ms: "
          f"{'met' if apply < TARGET_MS else 'MISSED'})")
    print(f"  apply + repaint                 {repaint:6.1f} ms CPU   (net of {idle:.1f} ms for an idle wait)")


if __name__ == "__main__":
    main()
