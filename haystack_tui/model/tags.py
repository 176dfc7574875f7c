"""Haystack tag values: the few kinds a building needs, as small frozen types.

Plain Python types carry the rest: ``str`` (Str), ``bool`` (Bool),
``datetime`` (DateTime). Numbers carry an optional unit, so they get a type.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union


class _Marker:
    """The Haystack marker: a tag that is present and has no value."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MARKER"


MARKER = _Marker()


@dataclass(frozen=True)
class Number:
    val: float
    """The number."""
    unit: str | None = None
    """Haystack unit symbol, e.g. ``°F``; None when dimensionless."""


@dataclass(frozen=True)
class Ref:
    id: str
    """The referenced entity's Haystack id (no ``@``)."""
    dis: str | None = None
    """Display name of the target, when known."""


@dataclass(frozen=True)
class Coord:
    lat: float
    lng: float


TagValue = Union[_Marker, bool, str, Number, Ref, Coord]


def haystack_tz(iana: str) -> str:
    """Haystack time zones are IANA names without the region: ``New_York``."""
    return iana.rsplit("/", 1)[-1]
