"""What a check returns, and the few formatting helpers every check shares.

Pure: no SQL, no numpy. A result carries the measured figure as one line and
a handful of offending rows as short strings, so the CLI, the console and the
HTTP service can show it without knowing which check produced it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from haystack_tui.timegrid import iso

MAX_ROWS = 5
"""Offending rows kept per check: enough to find the defect, short enough to print."""


@dataclass(frozen=True)
class CheckResult:
    name: str
    """Stable dotted name, e.g. ``gaps`` or ``coherence.airflow``."""
    passed: bool
    severity: str
    """``error`` (a defect in the data) or ``warning`` (worth knowing, not a defect)."""
    figure: str
    """The measured figure in one line, e.g. ``0 of 215,040 point-intervals missing``."""
    rows: tuple = ()
    """A few offending rows as short strings (at most ``MAX_ROWS``)."""

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "passed": self.passed, "severity": self.severity,
                "figure": self.figure, "rows": [str(r) for r in self.rows]}


def verdict(name: str, failures: int, figure: str, rows: Iterable[str] = (), severity: str = "error") -> CheckResult:
    """A result that passes when ``failures`` is zero."""
    return CheckResult(name, failures == 0, severity, figure, tuple(rows)[:MAX_ROWS])


def n(count: int | float) -> str:
    """A count with thousands separators: 215,040."""
    return f"{int(count):,}"


def plural(count: int, word: str) -> str:
    return f"{n(count)} {word}{'' if count == 1 else 's'}"


def at(ts: int | float) -> str:
    """An instant (epoch seconds) as ISO 8601 UTC; off-grid instants keep their seconds."""
    return iso(int(ts)) or "-"


def num(x: float, decimals: int = 1) -> str:
    return "null" if x != x else f"{x:.{max(0, decimals)}f}"
