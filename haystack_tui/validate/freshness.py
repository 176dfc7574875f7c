"""Freshness: while the engine runs, the newest stored interval is at most one interval
plus a grace old, and never in the future. When it is not running the age is
reported as a warning-level pass: old data is expected then.
"""

from __future__ import annotations

from haystack_tui.timegrid import INTERVAL
from haystack_tui.validate.result import CheckResult, at
from haystack_tui.validate.window import GRACE, Window


def check_freshness(w: Window) -> CheckResult:
    return freshness_result(w.newest, w.now, w.running)


def freshness_result(newest: int | None, now: float, running: bool) -> CheckResult:
    limit = INTERVAL + GRACE
    if newest is None:
        return CheckResult("freshness", not running, "error" if running else "warning", "no data stored")
    age = now - newest
    figure = f"newest interval {at(newest)}, {age_text(age)}"
    if not running:
        return CheckResult("freshness", True, "warning", figure + " (engine not running)")
    passed = 0 <= age <= limit
    return CheckResult("freshness", passed, "error", figure + f" (at most {duration(limit)} allowed)",
                       () if passed else (f"newest {at(newest)} vs now {at(now)}",))


def age_text(seconds: float) -> str:
    return f"{duration(-seconds)} in the future" if seconds < 0 else f"{duration(seconds)} old"


def duration(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= 2 * size or unit == "min" and seconds >= size:
            return f"{seconds / size:.1f} {unit}"
    return f"{seconds:.0f} s"
