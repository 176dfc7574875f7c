"""The validation table: the last data-quality check results, failures first.

Shows ``snapshot.validation`` (the engine keeps the last run) or, sooner, the
result a ``v`` press brings back. The rows change only when a run finishes, so
this table is simply rewritten then.
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import var
from textual.widgets import DataTable

from haystack_tui.engine.status import CheckState, Snapshot
from haystack_tui.tui import format as fmt

SEVERITY_RANK = {"error": 0, "critical": 0, "warning": 1, "info": 2}


class ValidationTable(DataTable):
    """One row per check: result, name, severity, the figure behind the verdict."""

    snapshot: var[Snapshot] = var(Snapshot)
    """The engine state; only ``validation`` and ``validation_at`` are drawn."""
    checks: var[tuple[CheckState, ...]] = var(tuple)
    """The results shown, in the order shown (failures first)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", **kwargs)

    def on_mount(self) -> None:
        self.add_columns("Check", "Figure")
        self.watch_checks(self.checks)

    def watch_snapshot(self, snapshot: Snapshot) -> None:
        if snapshot.validation:
            self.show(snapshot.validation)
        self.border_subtitle = f"at {fmt.clock(snapshot.validation_at)}" if snapshot.validation_at else ""

    def show(self, checks: tuple[CheckState, ...]) -> None:
        """Show ``checks``, failures first; a no-op if they are already shown."""
        self.checks = failures_first(checks)

    def watch_checks(self, checks: tuple[CheckState, ...]) -> None:
        if not self.columns:
            return
        self.clear()
        for c in checks:
            name = Text.assemble(("✓ ", "green"), c.name) if c.passed else Text.assemble(("✗ " + c.name, "bold red"))
            self.add_row(name, Text(c.figure, style="dim" if c.passed else "red"))
        failed = sum(not c.passed for c in checks)
        self.border_title = (f"Validation · {failed} failed of {len(checks)}" if checks
                             else "Validation · press v to run")


def failures_first(checks: tuple[CheckState, ...]) -> tuple[CheckState, ...]:
    """Failed checks first, the most severe first; then the passed ones, by name."""
    return tuple(sorted(checks, key=lambda c: (c.passed, SEVERITY_RANK.get(c.severity, 3), c.name)))
