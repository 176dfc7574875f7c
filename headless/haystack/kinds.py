"""The Haystack value kinds the wire formats need beyond ``model.tags``.

Marker, Number, Ref and Coord are the model's own types (re-exported here), so an
entity's tags go on the wire without conversion. Str and Bool are ``str`` and
``bool``; Date and Time are ``datetime.date`` and ``datetime.time``; a DateTime
is a tz-aware ``datetime`` whose tzinfo is a ``ZoneInfo`` (its Haystack name is
the IANA city, see ``haystack_tz_of``). Null is ``None``.

Pure data: this module must not import aiohttp or do any I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date as HDate
from datetime import datetime as HDateTime
from datetime import time as HTime
from typing import Any, Iterable, Mapping

from haystack_tui.model.tags import MARKER, Coord, Number, Ref, haystack_tz
from headless.haystack.tz import haystack_tz_of, iana_tz, to_haystack_datetime

__all__ = [
    "MARKER", "NA", "REMOVE", "Coord", "Grid", "HDate", "HDateTime", "HTime", "Number", "Ref", "Symbol",
    "Uri", "XStr", "entity_row", "haystack_tz", "haystack_tz_of", "iana_tz", "is_tag_name",
    "to_haystack_datetime",
]


class _Singleton:
    """Base of the value-less kinds: one instance each, compared by identity."""

    _name = "?"

    def __new__(cls):
        if cls.__dict__.get("_instance") is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return self._name

    def __reduce__(self):
        return type(self), ()


class _NA(_Singleton):
    """Not available: a sample known to be missing or invalid."""

    _name = "NA"


class _Remove(_Singleton):
    """Remove: asks an update op to delete the tag."""

    _name = "REMOVE"


NA = _NA()
REMOVE = _Remove()


@dataclass(frozen=True)
class Uri:
    val: str
    """The URI text, unescaped."""


@dataclass(frozen=True)
class Symbol:
    val: str
    """The def name, without the ``^``."""


@dataclass(frozen=True)
class XStr:
    type: str
    """Type name, starting with an upper-case letter (``Bin``, ``Span``)."""
    val: str
    """The string encoding of the value."""


_TAG_NAME = re.compile(r"[a-z][A-Za-z0-9_]*\Z")


def is_tag_name(name: str) -> bool:
    """Haystack names start with a-z and hold only ASCII letters, digits and ``_``."""
    return bool(_TAG_NAME.match(name))


@dataclass(frozen=True)
class Grid:
    """A Haystack grid: the one request and response shape of the HTTP API.

    ``meta`` never holds ``ver``: the codecs write ``ver:"3.0"`` and drop it when
    reading. Rows leave null cells out, so ``row.get(col)`` is None for a null.
    """

    meta: dict[str, Any] = field(default_factory=dict)
    """Grid metadata tags."""
    cols: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    """Columns in order: (name, column meta)."""
    rows: list[dict[str, Any]] = field(default_factory=list)
    """One dict per row, null cells omitted."""

    @classmethod
    def make(cls, rows: Iterable[Mapping[str, Any]], meta: Mapping[str, Any] | None = None) -> Grid:
        """A grid over ``rows``; the columns are the union of their keys, first seen first."""
        clean = [{k: v for k, v in row.items() if v is not None} for row in rows]
        names: dict[str, None] = {}
        for row in clean:
            names.update(dict.fromkeys(row))
        return cls(dict(meta or {}), [(n, {}) for n in names], clean)

    @classmethod
    def error(cls, dis: str, trace: str | None = None) -> Grid:
        """The error grid of the HTTP API: ``err`` marker, ``dis`` and optional ``errTrace``."""
        meta: dict[str, Any] = {"err": MARKER, "dis": dis}
        if trace:
            meta["errTrace"] = trace
        return cls(meta)

    @property
    def col_names(self) -> list[str]:
        return [name for name, _ in self.cols]

    @property
    def is_error(self) -> bool:
        return self.meta.get("err") is MARKER


def entity_row(entity_id: str, tags: Mapping[str, Any]) -> dict[str, Any]:
    """An entity as a grid row: ``id`` as a Ref carrying the entity's ``dis``, then its tags."""
    dis = tags.get("dis")
    row: dict[str, Any] = {"id": Ref(entity_id, dis if isinstance(dis, str) else None)}
    row.update((k, v) for k, v in tags.items() if k != "id")
    return row

