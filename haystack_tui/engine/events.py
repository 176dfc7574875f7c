"""The engine's event bus: numbered events, a backlog, live subscribers.

Front ends subscribe to a queue each (a slow one loses events rather than
slowing the engine); late joiners replay the backlog after the last ``seq``
they saw. Events meant for ``core.simulator_activity_log`` wait in a list
until the engine's worker next holds the database.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from typing import Any

from haystack_tui.engine.status import Event

BACKLOG = 500
QUEUE_SIZE = 1000


class EventBus:
    def __init__(self, backlog: int = BACKLOG) -> None:
        self._events: deque[Event] = deque(maxlen=backlog)
        self._subscribers: set[asyncio.Queue] = set()
        self._pending_log: list[tuple[str, str, dict]] = []
        self._seq = 0

    def subscribe(self) -> asyncio.Queue:
        q: asyncio.Queue = asyncio.Queue(maxsize=QUEUE_SIZE)
        self._subscribers.add(q)
        return q

    def unsubscribe(self, q: asyncio.Queue) -> None:
        self._subscribers.discard(q)

    def recent(self, since_seq: int = 0) -> list[Event]:
        return [e for e in self._events if e.seq > since_seq]

    def emit(self, kind: str, message: str, /, log: bool = True, **details: Any) -> Event:
        """Publish an event; ``log`` also queues it for the activity-log table."""
        self._seq += 1
        event = Event(self._seq, time.time(), kind, message, details)
        self._events.append(event)
        for q in list(self._subscribers):
            if not q.full():
                q.put_nowait(event)
        if log:
            self._pending_log.append((kind, message, details))
        return event

    def take_pending_log(self) -> list[tuple[str, str, dict]]:
        """The activity-log rows waiting to be written (the caller writes them)."""
        pending, self._pending_log = self._pending_log, []
        return pending

    def requeue_log(self, rows: list[tuple[str, str, dict]]) -> None:
        """Put back rows whose write failed, so an outage does not lose them."""
        self._pending_log[:0] = rows
