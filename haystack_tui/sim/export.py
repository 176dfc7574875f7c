"""CSV export: every point of every interval in a range, in bounded memory.

Rows are ordered by timestamp, then by point column, one row per point and
interval: ``ts,id,value,status``. Values carry exactly the point's decimals,
Bool points read ``true``/``false``, a missing value is an empty field. The
range is generated in chunks (totalizer readings carried from one to the
next), so memory does not grow with the range. Formatting goes through one
C-level ``%`` per interval rather than a Python call per row.
"""

from __future__ import annotations

from typing import Callable, TextIO

import numpy as np

from haystack_tui.sim.clock import INTERVAL
from haystack_tui.sim.generate import generate, readings_at
from haystack_tui.sim.quality import STATUS_NAMES

CHUNK_INTERVALS = 96 * 7


def export_csv(building, seed: int, start: int, end: int, out: TextIO,
               progress: Callable[[int, int], None] | None = None) -> int:
    """Write grid times start <= t < end (start rounded up to the grid); return the rows written."""
    first = -(-int(start) // INTERVAL) * INTERVAL
    total = max(0, -(-(int(end) - first) // INTERVAL))
    out.write("ts,id,value,status\n")
    if total == 0:
        return 0
    template = "".join(f"{{ts}},{p.id.replace('%', '%%')},%s,%s\n" for p in building.points)
    formats = _formats(building)
    readings = readings_at(building, seed, first - INTERVAL)
    done = rows = 0
    while done < total:
        n = min(CHUNK_INTERVALS, total - done)
        block = generate(building, seed, first + done * INTERVAL, n, readings)
        readings = block.readings_end
        rows += _write_block(block, template, formats, out)
        done += n
        if progress is not None:
            progress(done, total)
    return rows


def _formats(building) -> list[tuple[np.ndarray, str | None]]:
    """Column groups sharing a format: (columns, '%.<d>f'), or (columns, None) for Bool."""
    groups: dict[str | None, list[int]] = {}
    for p in building.points:
        key = None if p.kind == "Bool" else f"%.{max(p.type.decimals, 0)}f"
        groups.setdefault(key, []).append(p.column)
    return [(np.array(cols), fmt) for fmt, cols in groups.items()]


def _write_block(block, template: str, formats, out: TextIO) -> int:
    n, p = block.values.shape
    text = np.empty((n, p), dtype=object)
    for cols, fmt in formats:
        v = block.values[:, cols]
        if fmt is None:
            s = np.where(v > 0.5, "true", "false").astype(object)
        else:
            s = np.array(list(map(fmt.__mod__, (v + 0.0).ravel().tolist())), dtype=object).reshape(v.shape)
        s[np.isnan(v)] = ""
        text[:, cols] = s
    status = np.array(STATUS_NAMES, dtype=object)[block.status]
    fields = np.stack([text, status], axis=2).reshape(n, 2 * p)
    stamps = np.datetime_as_string(block.times.astype("datetime64[s]"), unit="s")
    for ts, row in zip(stamps.tolist(), fields.tolist()):
        out.write(template.replace("{ts}", ts + "Z") % tuple(row))
    return n * p
