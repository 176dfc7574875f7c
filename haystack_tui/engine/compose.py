"""The one composition root: Settings -> Engine, for the console, the service and tests."""

from __future__ import annotations

from haystack_tui.config import Settings
from haystack_tui.engine.clock import SimClock
from haystack_tui.engine.service import Engine
from haystack_tui.model import Building, load_building
from haystack_tui.store.connect import resolve_database


def _run_suite(*args, **kwargs):
    """The validation suite, imported when first used (keeps start-up light)."""
    from haystack_tui.validate import run_suite

    return run_suite(*args, **kwargs)


def build_engine(settings: Settings, clock: SimClock | None = None, building: Building | None = None,
                 **options) -> Engine:
    """An engine for ``settings`` (not started: ``await engine.start()``)."""
    building = building or load_building(settings.building)
    return Engine(settings, building, lambda: resolve_database(settings), clock or SimClock(settings.speed),
                  validator=_run_suite, **options)
