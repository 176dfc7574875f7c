"""The engine's two database sessions and the writer lock.

One autocommit session holds the (org, site) advisory lock for as long as
this instance is the writer and answers health probes; a second session does
the writing, one transaction per chunk. If either dies, the engine treats it
as an outage: the lock is gone with its session, so it must be won again.
"""

from __future__ import annotations

import contextlib
import threading

import psycopg

from haystack_tui.store.connect import Database
from haystack_tui.store.state import lock_key, try_lock, unlock


class Sessions:
    def __init__(self, db: Database, org: str, site_id: str) -> None:
        self.db = db
        self.key = lock_key(org, site_id)
        self.lock_conn: psycopg.Connection | None = None
        self.conn: psycopg.Connection | None = None
        self.read_conn: psycopg.Connection | None = None
        self.locked = False
        self._reader_lock = threading.Lock()

    def open(self) -> None:
        """Open the lock and write sessions (RuntimeFailure when unreachable)."""
        self.close()
        self.lock_conn = self.db.connect(autocommit=True)
        self.conn = self.db.connect()

    def try_lock(self) -> bool:
        assert self.lock_conn is not None
        self.locked = try_lock(self.lock_conn, self.key)
        return self.locked

    def probe(self) -> None:
        """Raise psycopg.OperationalError when the server or the lock session is gone."""
        assert self.lock_conn is not None
        self.lock_conn.execute("SELECT 1")

    def reader(self) -> psycopg.Connection:
        """A separate session for reads requested by front ends (history, validation)."""
        with self._reader_lock:  # front-end requests arrive from several threads at once
            if self.read_conn is None or self.read_conn.closed:
                self.read_conn = self.db.connect(autocommit=True)
            return self.read_conn

    def close(self, release: bool = True) -> None:
        if release and self.locked and self.lock_conn is not None and not self.lock_conn.closed:
            with contextlib.suppress(psycopg.Error):
                unlock(self.lock_conn, self.key)
        self.locked = False
        for c in (self.conn, self.lock_conn, self.read_conn):
            if c is not None:
                with contextlib.suppress(Exception):
                    c.close()
        self.conn = self.lock_conn = self.read_conn = None
