"""Watches: which ids a client follows, and what changed since its last poll.

A watch is a set of entity ids with the signature (timestamp, value, status) of
each one's current value as last sent; ``poll`` answers the ids whose
signature differs now. Watches lapse when not polled within their lease, and
their number is capped so a client cannot grow the server without bound.
Bookkeeping only: the ops layer reads the engine and builds the grids. The
clock is injected; nothing here imports aiohttp or does I/O.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

DEFAULT_LEASE_S = 300.0
MAX_LEASE_S = 3600.0
MAX_WATCHES = 100

Signature = Any
"""What identifies a current value: equal signatures mean nothing changed."""


class WatchError(ValueError):
    """An unknown or expired watch id."""


@dataclass
class Watch:
    id: str
    """The ``watchId`` handed to the client."""
    dis: str
    """The client's ``watchDis``."""
    lease: float
    """Seconds the watch lives without a poll."""
    touched: float
    """Clock reading of the last sub or poll."""
    sent: dict[str, Signature] = field(default_factory=dict)
    """Watched id -> signature of the value last sent."""


class Watches:
    def __init__(self, clock: Callable[[], float] = time.monotonic, max_watches: int = MAX_WATCHES):
        self._clock = clock
        self._max = max_watches
        self._watches: dict[str, Watch] = {}

    def __len__(self) -> int:
        self._expire()
        return len(self._watches)

    def subscribe(self, watch_id: str | None, dis: str, lease: float | None) -> Watch:
        """The watch ``watch_id`` (touched), or a new one when it is None."""
        self._expire()
        if watch_id is not None:
            watch = self.get(watch_id)
        else:
            if len(self._watches) >= self._max:
                raise WatchError(f"too many open watches (limit {self._max}); close one with watchUnsub")
            watch = Watch(f"w-{secrets.token_hex(8)}", dis, DEFAULT_LEASE_S, self._clock())
            self._watches[watch.id] = watch
        if lease is not None:
            watch.lease = min(max(lease, 1.0), MAX_LEASE_S)
        return watch

    def get(self, watch_id: str) -> Watch:
        """A live watch, touched; raise WatchError when unknown or lapsed."""
        self._expire()
        watch = self._watches.get(watch_id)
        if watch is None:
            raise WatchError(f"unknown or expired watch: {watch_id}")
        watch.touched = self._clock()
        return watch

    def changed(self, watch: Watch, now: Mapping[str, Signature], refresh: bool) -> list[str]:
        """Ids whose signature in ``now`` differs from what was last sent (all on refresh); records them as sent."""
        out = [i for i, sig in watch.sent.items() if refresh or now.get(i) != sig]
        for i in out:
            watch.sent[i] = now.get(i)
        return out

    def unsubscribe(self, watch_id: str, ids: Iterable[str], close: bool) -> None:
        """Stop following ``ids``; ``close`` ends the watch."""
        watch = self._watches.get(watch_id)
        if watch is None:
            return  # unsubscribing from a lapsed watch is not an error
        for i in ids:
            watch.sent.pop(i, None)
        if close:
            del self._watches[watch_id]

    def _expire(self) -> None:
        now = self._clock()
        for wid in [w.id for w in self._watches.values() if now - w.touched > w.lease]:
            del self._watches[wid]
