"""Opening connections: the one place that turns Settings into a live database.

Every session runs with ``TimeZone=UTC`` so that tables of the original
platform (``timestamp without time zone``, UTC by convention) compare and
convert correctly against our timezone-aware values.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

from haystack_tui.config import Settings
from haystack_tui.errors import DatabaseUnavailable
from haystack_tui.store.urls import describe_host, mask_text, mask_url

CONNECT_TIMEOUT_S = 10


@dataclass(frozen=True)
class Database:
    url: str
    """The full URL (with password): never print it, use ``masked``."""
    embedded: bool
    """True when this is the embedded server under HAYSTACK_DATA_DIR."""

    @property
    def masked(self) -> str:
        return mask_url(self.url)

    def connect(self, autocommit: bool = True) -> psycopg.Connection:
        """Autocommit by default: every write in the store runs inside an explicit
        ``conn.transaction()`` block, which is a real transaction only when no
        implicit one is open (otherwise it would be a mere savepoint)."""
        return connect(self.url, autocommit=autocommit)


def resolve_database(settings: Settings) -> Database:
    """DATABASE_URL when set, else the embedded server (started on demand)."""
    if settings.database_url:
        return Database(settings.database_url, embedded=False)
    from haystack_tui.store.embedded import embedded_url

    return Database(embedded_url(settings.data_dir), embedded=True)


def connect(url: str, autocommit: bool = True) -> psycopg.Connection:
    """A connection, or a one-line DatabaseUnavailable naming the host (never the password)."""
    try:
        return psycopg.connect(
            url,
            autocommit=autocommit,
            connect_timeout=CONNECT_TIMEOUT_S,
            application_name="haystack-tui",
            options="-c TimeZone=UTC",
        )
    except psycopg.Error as exc:
        raise DatabaseUnavailable(f"cannot connect to the database at {describe_host(url)}: {first_line(exc)}") from None


def first_line(exc: BaseException) -> str:
    """The first meaningful line of a driver error, passwords masked."""
    text = str(exc).strip()
    for line in text.splitlines():
        line = line.strip()
        if line:
            return mask_text(line.removeprefix("connection failed: "))
    return exc.__class__.__name__
