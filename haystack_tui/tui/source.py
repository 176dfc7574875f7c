"""Where the console's data comes from: the engine in this process, or a
headless service over HTTP (``remote.py``).

The App talks only to ``Source``: it asks for the current snapshot, follows the
events, and sends the operator's commands. Both backends fail with
``SourceError``, a one-line reason the console shows instead of a traceback.
Imports the engine's plain status records, never the store: the console writes
no SQL. Textual is not imported here either, so a source can be driven by
anything that runs an asyncio loop.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, AsyncIterator

from haystack_tui.engine.status import CheckState, Event, Snapshot
from haystack_tui.errors import HaystackError

if TYPE_CHECKING:
    from haystack_tui.engine.service import Engine

History = list[tuple[int, float | None, str]]
"""Rows of one point: (epoch seconds, value or None, status), oldest first."""


class SourceError(Exception):
    """Something the operator must be told in one line: unreachable, refused, failed."""


class Source(ABC):
    """One engine seen from the console; every method may raise ``SourceError``."""

    label: str = ""
    """Where the data comes from, for the header: ``local engine`` or ``attached to URL``."""

    async def open(self) -> None:
        """Get ready (start the engine, open the HTTP session); called once."""

    async def close(self) -> None:
        """Release what ``open`` took; safe to call twice."""

    @abstractmethod
    async def snapshot(self) -> Snapshot:
        """The engine's state now."""

    @abstractmethod
    def events(self) -> AsyncIterator[Event]:
        """Events from now on (and the recent ones first), each once, forever."""

    @abstractmethod
    async def pause(self) -> None: ...

    @abstractmethod
    async def resume(self) -> None: ...

    @abstractmethod
    async def backfill(self, start: int, end: int) -> None:
        """Ask for ``[start, end)`` (epoch seconds) to be filled; returns once accepted."""

    @abstractmethod
    async def validate(self) -> tuple[CheckState, ...]: ...

    @abstractmethod
    async def history(self, point_id: str, start: int, end: int) -> History: ...


class LocalSource(Source):
    """The engine running in this process; the console starts and stops it."""

    label = "local engine"

    def __init__(self, engine: "Engine", owns_engine: bool = True) -> None:
        self.engine = engine
        self.owns_engine = owns_engine
        """Start the engine on ``open`` and stop it on ``close``."""
        self._started = False

    async def open(self) -> None:
        if self.owns_engine and not self._started:
            self._started = True
            await _guard(self.engine.start())

    async def close(self) -> None:
        if self._started:
            self._started = False
            await _guard(self.engine.stop())

    async def snapshot(self) -> Snapshot:
        return self.engine.snapshot

    async def events(self) -> AsyncIterator[Event]:
        queue = self.engine.subscribe()  # subscribe first so nothing falls between
        try:
            last = 0
            for event in self.engine.recent_events():
                last = event.seq
                yield event
            while True:
                event = await queue.get()
                if event.seq > last:
                    last = event.seq
                    yield event
        finally:
            self.engine.unsubscribe(queue)

    async def pause(self) -> None:
        await _guard(self.engine.pause())

    async def resume(self) -> None:
        await _guard(self.engine.resume())

    async def backfill(self, start: int, end: int) -> None:
        await _guard(self.engine.backfill(start, end))

    async def validate(self) -> tuple[CheckState, ...]:
        return await _guard(self.engine.validate())

    async def history(self, point_id: str, start: int, end: int) -> History:
        return await _guard(self.engine.history(point_id, start, end))


async def _guard(call):
    """Await an engine call; its failures become one-line ``SourceError``s (an
    operator console that runs for months reports a surprise, it does not die)."""
    try:
        return await call
    except HaystackError as exc:
        raise SourceError(str(exc)) from None
    except Exception as exc:
        raise SourceError(f"{exc.__class__.__name__}: {exc}") from None
