"""Filter syntax trees and how they match an entity (parsing is in ``filter``).

Matching follows Haxall: a comparison with a
missing path never matches, values of different kinds never compare, and ``!=``
matches a present value that is not ``==``. Numbers compare when their units are
equal or either side is unitless. ``->`` dereferences Refs (through ``resolve``),
nested dicts and lists of Refs (any may match). Pure: no aiohttp, no I/O.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Mapping

from headless.haystack.kinds import Number, Ref, Uri
from headless.haystack.zinc_format import write_scalar

__all__ = ["And", "Cmp", "Filter", "FilterError", "Has", "Missing", "Or"]

Resolve = Callable[[str], "Mapping[str, Any] | None"]


class FilterError(ValueError):
    """A filter that does not parse; ``position`` is the 0-based offset of the problem."""

    def __init__(self, message: str, position: int):
        super().__init__(f"{message} at position {position}")
        self.message = message
        self.position = position


class Filter:
    """A parsed filter; ``matches`` is the predicate over an entity's tags."""

    def matches(self, tags: Mapping[str, Any], resolve: Resolve | None = None) -> bool:
        """Whether ``tags`` match; ``resolve(ref_id)`` returns a target's tags for ``->``."""
        raise NotImplementedError


@dataclass(frozen=True)
class Has(Filter):
    path: tuple[str, ...]

    def matches(self, tags, resolve=None):
        return _match_path(tags, self.path, resolve, lambda v: v is not None)

    def __str__(self) -> str:
        return "->".join(self.path)


@dataclass(frozen=True)
class Missing(Filter):
    path: tuple[str, ...]

    def matches(self, tags, resolve=None):
        return _match_path(tags, self.path, resolve, lambda v: v is None)

    def __str__(self) -> str:
        return "not " + "->".join(self.path)


@dataclass(frozen=True)
class Cmp(Filter):
    path: tuple[str, ...]
    op: str
    """One of ``==`` ``!=`` ``<`` ``<=`` ``>`` ``>=``."""
    val: Any

    def matches(self, tags, resolve=None):
        return _match_path(tags, self.path, resolve, lambda v: _compare(v, self.op, self.val))

    def __str__(self) -> str:
        val = ("true" if self.val else "false") if isinstance(self.val, bool) else write_scalar(self.val)
        return f"{'->'.join(self.path)} {self.op} {val}"


@dataclass(frozen=True)
class And(Filter):
    a: Filter
    b: Filter

    def matches(self, tags, resolve=None):
        return self.a.matches(tags, resolve) and self.b.matches(tags, resolve)

    def __str__(self) -> str:
        return f"{_paren(self.a, Or)} and {_paren(self.b, Or)}"


@dataclass(frozen=True)
class Or(Filter):
    a: Filter
    b: Filter

    def matches(self, tags, resolve=None):
        return self.a.matches(tags, resolve) or self.b.matches(tags, resolve)

    def __str__(self) -> str:
        return f"{self.a} or {_paren(self.b, Or)}"


def _paren(f: Filter, kind: type) -> str:
    return f"({f})" if isinstance(f, kind) else str(f)


# ---------------------------------------------------------------------- matching

def _get(d: Mapping[str, Any], name: str) -> Any:
    val = d.get(name)
    if name == "id" and isinstance(val, str):
        return Ref(val)  # entities may carry their id as a plain string
    return val


def _match_path(tags, path, resolve, test, level: int = 0, val: Any = ...) -> bool:
    if val is ...:
        val = _get(tags, path[0])
    if isinstance(val, list) and any(
            isinstance(x, Ref) and _match_path(tags, path, resolve, test, level, x) for x in val):
        return True
    if level + 1 < len(path):
        if isinstance(val, Ref):
            val = resolve(val.id) if resolve else None
        if isinstance(val, Mapping):
            return _match_path(val, path, resolve, test, level + 1, _get(val, path[level + 1]))
        val = None
    return test(val)


_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt,
    "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}


def _comparable(v: Any, x: Any) -> tuple[Any, Any] | None:
    """The two sides as plain comparable values, or None when their kinds differ."""
    if isinstance(x, Number):
        if not isinstance(v, Number) or (v.unit and x.unit and v.unit != x.unit):
            return None
        return v.val, x.val
    if isinstance(x, (Ref, Uri)):
        return (_key(v), _key(x)) if type(v) is type(x) else None
    if isinstance(x, datetime) or isinstance(v, datetime):
        return (v, x) if isinstance(v, datetime) and isinstance(x, datetime) else None
    return (v, x) if type(v) is type(x) else None


def _key(v: Ref | Uri) -> str:
    return v.id if isinstance(v, Ref) else v.val


def _compare(v: Any, op: str, x: Any) -> bool:
    if v is None:
        return False
    pair = _comparable(v, x)
    if pair is None:
        return op == "!="
    return _OPS[op](*pair)
