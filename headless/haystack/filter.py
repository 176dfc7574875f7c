"""The Haystack filter language: ``parse_filter(text)`` once, then ``matches`` many entities.

Grammar (docHaystack Filters)::

    filter  := condOr
    condOr  := condAnd ("or" condAnd)*
    condAnd := term ("and" term)*
    term    := "(" filter ")" | "not" path | path [cmpOp val]
    path    := name ("->" name)*

Values are Zinc literals, with ``true``/``false`` for Bool: Number (with unit),
Str, Ref, Uri, Date, Time, DateTime. How a parsed filter matches is described in
``filter_ast``. Pure: no aiohttp, no I/O.
"""

from __future__ import annotations

import math
from datetime import date, time
from typing import Any

from headless.haystack.filter_ast import And, Cmp, Filter, FilterError, Has, Missing, Or
from headless.haystack.kinds import Number, Ref, Uri, is_tag_name
from headless.haystack.zinc_scalar import ZincError, read_scalar

__all__ = ["Filter", "FilterError", "parse_filter"]


def parse_filter(text: str) -> Filter:
    """Parse filter text; raise ``FilterError`` naming the position of the first problem."""
    return _Parser(text).parse()


_KEYWORDS = ("and", "or", "not", "true", "false")
_CMP_OPS = ("==", "!=", "<=", ">=", "<", ">")
_VALUE_KINDS = (Number, str, Ref, Uri, date, time, bool)


class _Parser:
    def __init__(self, text: str):
        self.s = text
        self.i = 0

    def parse(self) -> Filter:
        f = self.cond_or()
        self.ws()
        if self.i < len(self.s):
            raise self.error(f"Unexpected {self.s[self.i]!r}")
        return f

    def error(self, message: str, pos: int | None = None) -> FilterError:
        return FilterError(message, self.i if pos is None else pos)

    def ws(self) -> None:
        while self.i < len(self.s) and self.s[self.i] in " \t\r\n":
            self.i += 1

    def word(self) -> tuple[str, int]:
        """The identifier at the cursor (after spaces), without consuming it."""
        self.ws()
        j = self.i
        while j < len(self.s) and (self.s[j].isascii() and self.s[j].isalnum() or self.s[j] == "_"):
            j += 1
        return self.s[self.i:j], j

    def keyword(self, kw: str) -> bool:
        word, end = self.word()
        if word == kw:
            self.i = end
            return True
        return False

    def cond_or(self) -> Filter:
        f = self.cond_and()
        while self.keyword("or"):
            f = Or(f, self.cond_and())
        return f

    def cond_and(self) -> Filter:
        f = self.term()
        while self.keyword("and"):
            f = And(f, self.term())
        return f

    def term(self) -> Filter:
        self.ws()
        if self.s.startswith("(", self.i):
            self.i += 1
            f = self.cond_or()
            self.ws()
            if not self.s.startswith(")", self.i):
                raise self.error("Expected ')'")
            self.i += 1
            return f
        if self.keyword("not"):
            return Missing(self.path())
        path = self.path()
        self.ws()
        op = next((o for o in _CMP_OPS if self.s.startswith(o, self.i)), None)
        if op is None:
            return Has(path)
        self.i += len(op)
        return Cmp(path, op, self.value())

    def path(self) -> tuple[str, ...]:
        names = [self.name()]
        while True:
            self.ws()
            if not self.s.startswith("->", self.i):
                return tuple(names)
            self.i += 2
            names.append(self.name())

    def name(self) -> str:
        word, end = self.word()
        if not word or not is_tag_name(word) or word in _KEYWORDS:
            found = f"{word!r}" if word else (repr(self.s[self.i]) if self.i < len(self.s) else "end")
            raise self.error(f"Expected a tag name, found {found}")
        self.i = end
        return word

    def value(self) -> Any:
        word, end = self.word()
        start = self.i
        if word in ("true", "false"):
            self.i = end
            return word == "true"
        if word[:1].islower():
            raise self.error(f"Expected a value, found {word!r}")
        try:
            val, self.i = read_scalar(self.s, self.i)
        except ZincError as e:
            raise FilterError(e.message, e.position) from None
        if isinstance(val, bool) or not isinstance(val, _VALUE_KINDS) or (
                isinstance(val, Number) and not math.isfinite(val.val)):
            raise self.error(f"A filter cannot compare with {self.s[start:self.i]!r}", start)
        return val
