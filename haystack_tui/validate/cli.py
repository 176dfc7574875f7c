"""``haystack-tui validate``: choose the window, run the suite, print a table or JSON.

A front end: it never writes SQL. Without ``--end`` the window ends just after
the newest stored interval; without ``--start`` it also begins no earlier than
the oldest one, so a database holding two days is judged on those two days,
not on five that were never asked for (give ``--start`` to be strict). The
checks run through ``engine.commands.run_validation``. Exit 0 when every check
passes, 1 when any fails; bad arguments raise ``ConfigError`` (exit 2).
"""

from __future__ import annotations

import functools
import json
from typing import Callable

from haystack_tui.config import Settings
from haystack_tui.errors import ConfigError
from haystack_tui.timegrid import INTERVAL, align_up, iso, parse_duration, parse_instant
from haystack_tui.validate.result import CheckResult

DEFAULT_WINDOW = "7d"


def run(settings: Settings, window: str | None, start: str | None, end: str | None, as_json: bool) -> int:
    from haystack_tui.engine.commands import run_validation, stored_span

    span = functools.cache(lambda: stored_span(settings))  # one look at the database, only if needed
    lo, hi = resolve_window(window, start, end, lambda: span()[1], oldest=lambda: span()[0])
    db, results = run_validation(settings, lo, hi, running=False)
    passed = all(r.passed for r in results)
    if as_json:
        doc = {"passed": passed, "window": {"start": iso(lo), "end": iso(hi)}, "checks": [r.to_dict() for r in results]}
        print(json.dumps(doc, indent=2, ensure_ascii=False))
    else:
        print(render_table(results, lo, hi, db.masked))
    return 0 if passed else 1


def resolve_window(window: str | None, start: str | None, end: str | None, newest: Callable[[], int],
                   oldest: Callable[[], int] | None = None) -> tuple[int, int]:
    """``[lo, hi)`` on the grid from the options; ``newest`` is asked only when an end is needed,
    ``oldest`` (when given) clips a start the user did not give."""
    if window is not None and start is not None and end is not None:
        raise ConfigError("--window cannot be combined with both --start and --end")
    span = parse_duration(window or DEFAULT_WINDOW, "--window")
    lo = align_up(parse_instant(start, "--start")) if start is not None else None
    hi = align_up(parse_instant(end, "--end")) if end is not None else None
    if hi is None:
        hi = lo + span if lo is not None and window is not None else newest() + INTERVAL
    if lo is None:
        lo = hi - span if oldest is None else max(hi - span, align_up(oldest()))
    if hi <= lo:
        raise ConfigError(f"the window {iso(lo)} .. {iso(hi)} is empty: its end must be after its start")
    return lo, hi


def render_table(results: list[CheckResult], lo: int, hi: int, where: str) -> str:
    width = max((len(r.name) for r in results), default=4)
    lines = [f"validate {iso(lo)} .. {iso(hi)}  on {where}"]
    for r in results:
        lines.append(f"{'PASS' if r.passed else 'FAIL'}  {r.name:<{width}}  {r.figure}")
        if not r.passed:
            lines += [f"      {' ' * width}  - {row}" for row in r.rows]
    failed = [r.name for r in results if not r.passed]
    lines.append(f"{len(results)} checks: {len(results) - len(failed)} passed, {len(failed)} failed"
                 + (f" ({', '.join(failed)})" if failed else ""))
    return "\n".join(lines)
