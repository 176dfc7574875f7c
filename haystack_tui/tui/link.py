"""The App's conversation with its ``Source``, as Textual workers.

Each worker awaits the source and posts what happened as a past-tense message
(``messages.py``); none touches a widget. Polling replaces the App's one
reactive snapshot, which data binding carries to the panels. Kept apart from
``app.py`` so that the App reads as layout, keys and handlers. Every command
has its own exclusive group: a second ``v`` replaces a pending validation, but
a ``p`` never cancels a backfill request in flight.
"""

from __future__ import annotations

import asyncio
from typing import Callable

from textual import work

from haystack_tui.engine.status import Snapshot
from haystack_tui.tui.messages import (CommandAccepted, CommandFailed, EventReceived, SourceFailed, SourceRecovered,
                                       ValidationFinished)
from haystack_tui.tui.source import Source, SourceError


class SourceLink:
    """Mixin for the App; it provides ``source``, ``clock`` and the vars
    ``snapshot``, ``now`` and ``refresh_s``, and calls ``_link_init`` once."""

    source: Source
    clock: Callable[[], float]
    snapshot: Snapshot
    now: float
    refresh_s: float
    _reachable = True

    def _link_init(self) -> None:
        self._poke = asyncio.Event()

    def poll_now(self) -> None:
        """Ask for the snapshot now rather than at the next refresh."""
        self._poke.set()

    @work(exclusive=True, group="follow")
    async def follow_source(self) -> None:
        """Open the source, follow its events, poll its snapshot every ``refresh_s``."""
        try:
            await self.source.open()
        except SourceError as exc:
            self.post_message(SourceFailed(str(exc)))
            return
        self.follow_events()
        while True:
            await self._poll()
            self._poke.clear()
            try:
                await asyncio.wait_for(self._poke.wait(), self.refresh_s)
            except asyncio.TimeoutError:
                pass

    async def _poll(self) -> None:
        try:
            snapshot = await self.source.snapshot()
        except SourceError as exc:
            if self._reachable:
                self.post_message(SourceFailed(str(exc)))
            self._reachable = False
            return
        if not self._reachable:
            self.post_message(SourceRecovered())
        self._reachable = True
        self.now = self.clock()
        self.snapshot = snapshot

    @work(exclusive=True, group="events")
    async def follow_events(self) -> None:
        try:
            async for event in self.source.events():
                self.post_message(EventReceived(event))
        except SourceError as exc:
            self.post_message(SourceFailed(f"event stream ended: {exc}"))

    @work(exclusive=True, group="mode")
    async def set_paused(self, paused: bool) -> None:
        name = "pause" if paused else "resume"
        try:
            await (self.source.pause() if paused else self.source.resume())
        except SourceError as exc:
            self.post_message(CommandFailed(name, str(exc)))
        else:
            self.post_message(CommandAccepted(name, "generation paused" if paused else "generation resumed"))

    @work(exclusive=True, group="backfill")
    async def request_backfill(self, start: int, end: int) -> None:
        try:
            await self.source.backfill(start, end)
        except SourceError as exc:
            self.post_message(CommandFailed("backfill", str(exc)))
        else:
            self.post_message(CommandAccepted("backfill", "backfill requested"))

    @work(exclusive=True, group="validate")
    async def run_validation(self) -> None:
        try:
            checks = await self.source.validate()
        except SourceError as exc:
            self.post_message(CommandFailed("validate", str(exc)))
        else:
            self.post_message(ValidationFinished(checks))
