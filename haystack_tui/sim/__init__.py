"""Pure, vectorised, deterministic value generation for a building.

``generate(building, seed, start, n)`` returns a ``Block``: every point's value
and status for n 15-minute intervals, as numpy columns in ``building.points``
order. Each value is a function of (seed, point, interval) alone, so any
interval can be produced alone, in any order, and equals what a continuous
run produced; totalizers integrate their rate points exactly from the
building file's origin (``readings_at``). No clock, no I/O, no global random
state, no database: this package imports only numpy, the standard library
and ``haystack_tui.model``.
"""

from haystack_tui.sim.clock import INTERVAL
from haystack_tui.sim.export import export_csv
from haystack_tui.sim.generate import Block, generate, readings_at
from haystack_tui.sim.quality import STATUS_FAULT, STATUS_NAMES, STATUS_OK, STATUS_STALE

__all__ = ["INTERVAL", "STATUS_OK", "STATUS_STALE", "STATUS_FAULT", "STATUS_NAMES", "Block", "generate",
           "readings_at", "export_csv"]
