"""Zinc (``text/zinc``, version "3.0"): grids, nested lists/dicts/grids, and scalars.

Decoding is for request grids (read, hisRead, watchSub, ...); encoding is for
responses. Errors raise ``ZincError`` naming the line, column and offset.
Pure: no aiohttp, no I/O.
"""

from __future__ import annotations

from typing import Any, Mapping

from headless.haystack.kinds import MARKER, Grid, is_tag_name
from headless.haystack.zinc_format import write_scalar
from headless.haystack.zinc_scalar import ZincError, read_scalar

__all__ = ["ZincError", "decode_grid", "decode_val", "encode_grid", "encode_val"]

_VERSIONS = ("3.0", "2.0")


# ---------------------------------------------------------------------- encoding

def encode_grid(grid: Grid) -> str:
    """The grid as Zinc text: ``ver:"3.0"`` meta line, column line, one line per row."""
    lines = ['ver:"3.0"' + "".join(" " + t for t in _tags(grid.meta, skip=("ver",)))]
    names = grid.col_names
    lines.append(",".join(name + "".join(" " + t for t in _tags(meta)) for name, meta in grid.cols)
                 if names else "empty")
    for row in grid.rows:
        cells = [row.get(n) for n in names]
        if len(names) == 1:
            lines.append(encode_val(cells[0]))
        else:
            lines.append(",".join("" if c is None else encode_val(c) for c in cells))
    return "\n".join(lines) + "\n"


def encode_val(v: Any) -> str:
    """Zinc text of any value, collections included."""
    if isinstance(v, Grid):
        return "<<\n" + encode_grid(v) + ">>"
    if isinstance(v, (list, tuple)):
        return "[" + ",".join(encode_val(x) for x in v) + "]"
    if isinstance(v, Mapping):
        return "{" + " ".join(_tags(v)) + "}"
    return write_scalar(v)


def _tags(tags: Mapping[str, Any], skip: tuple[str, ...] = ()) -> list[str]:
    out = []
    for name, val in tags.items():
        if val is None or name in skip:
            continue
        if not is_tag_name(name):
            raise ValueError(f"invalid tag name: {name!r}")
        out.append(name if val is MARKER else f"{name}:{encode_val(val)}")
    return out


# ---------------------------------------------------------------------- decoding

def decode_grid(text: str) -> Grid:
    """Parse a Zinc grid; raise ``ZincError`` with the position of the first problem."""
    r = _Reader(text)
    grid = r.grid(nested=False)
    r.skip(" \t\r\n")
    if r.i < len(text):
        raise r.error("Unexpected text after grid")
    return grid


def decode_val(text: str) -> Any:
    """Parse one Zinc value (scalar, list, dict or ``<<grid>>``) filling the whole text."""
    r = _Reader(text)
    r.skip(" \t")
    val = r.val()
    r.skip(" \t\r\n")
    if r.i < len(text):
        raise r.error("Unexpected text after value")
    return val


class _Reader:
    def __init__(self, text: str):
        self.s = text
        self.i = 0

    def error(self, message: str, pos: int | None = None) -> ZincError:
        return ZincError(message, self.i if pos is None else pos, self.s)

    def peek(self, k: int = 1) -> str:
        return self.s[self.i:self.i + k]

    def skip(self, chars: str = " \t\r") -> None:
        while self.i < len(self.s) and self.s[self.i] in chars:
            self.i += 1

    def expect(self, token: str) -> None:
        if not self.s.startswith(token, self.i):
            raise self.error(f"Expected {token!r}")
        self.i += len(token)

    def at_line_end(self) -> bool:
        return self.i >= len(self.s) or self.s[self.i] == "\n"

    def name(self) -> str:
        start = self.i
        while self.i < len(self.s) and (self.s[self.i].isascii() and self.s[self.i].isalnum()
                                        or self.s[self.i] == "_"):
            self.i += 1
        name = self.s[start:self.i]
        if not is_tag_name(name):
            raise self.error("Expected a tag name", start)
        return name

    def val(self) -> Any:
        c = self.peek()
        if c == "[":
            return self.list_()
        if c == "{":
            return self.dict_()
        if self.peek(2) == "<<":
            self.i += 2
            return self.grid(nested=True)
        val, self.i = read_scalar(self.s, self.i)
        return val

    def list_(self) -> list[Any]:
        self.expect("[")
        out = []
        while True:
            self.skip(" \t\r\n")
            if self.peek() == "]":
                self.i += 1
                return out
            out.append(self.val())
            self.skip(" \t\r\n")
            if self.peek() == ",":
                self.i += 1
            elif self.peek() != "]":
                raise self.error("Expected ',' or ']'")

    def dict_(self) -> dict[str, Any]:
        self.expect("{")
        out: dict[str, Any] = {}
        while True:
            self.skip(" \t\r\n,")
            if self.peek() == "}":
                self.i += 1
                return out
            name, val = self.tag()
            if val is not None:  # a null tag is an absent tag
                out[name] = val

    def tag(self) -> tuple[str, Any]:
        name = self.name()
        if self.peek() != ":":
            return name, MARKER
        self.i += 1
        self.skip(" \t")
        return name, self.val()

    def tags_no_comma(self) -> dict[str, Any]:
        """Tags separated by spaces, up to a comma or the end of the line."""
        out: dict[str, Any] = {}
        while True:
            self.skip()
            if self.at_line_end() or self.peek() == ",":
                return out
            name, val = self.tag()
            if val is not None:
                out[name] = val

    def grid(self, nested: bool) -> Grid:
        self.skip(" \t\r\n" if nested else " \t\r")
        self.expect("ver:")
        ver_pos = self.i
        ver = self.val()
        if ver not in _VERSIONS:
            raise self.error(f'Unsupported Zinc version {ver!r}, expected "3.0"', ver_pos)
        meta = self.tags_no_comma()
        self.line_end()
        cols = self.cols()
        rows = []
        while True:
            self.skip()
            if self.i >= len(self.s) or (nested and self.peek(2) == ">>"):
                break
            if self.peek() == "\n":  # a blank line ends the grid, as in Haxall
                self.i += 1
                break
            rows.append(self.row([n for n, _ in cols]))
        if nested:
            self.skip(" \t\r\n")
            self.expect(">>")
        if [n for n, _ in cols] == ["empty"] and not rows:
            cols = []
        return Grid(meta, cols, rows)

    def cols(self) -> list[tuple[str, dict[str, Any]]]:
        cols: list[tuple[str, dict[str, Any]]] = []
        while True:
            self.skip()
            start = self.i
            name = self.name()
            if name in (n for n, _ in cols):
                raise self.error(f"Duplicate column {name!r}", start)
            cols.append((name, self.tags_no_comma()))
            if self.peek() != ",":
                self.line_end()
                return cols
            self.i += 1

    def row(self, names: list[str]) -> dict[str, Any]:
        row: dict[str, Any] = {}
        for k, name in enumerate(names):
            self.skip()
            if k and not self.at_line_end():
                if self.peek() != ",":
                    raise self.error("Expected ',' between cells")
                self.i += 1
                self.skip()
            if self.at_line_end() or self.peek() == ",":
                continue
            val = self.val()
            if val is not None:
                row[name] = val
        self.skip()
        if self.peek() == ",":
            raise self.error(f"Too many cells: the grid has {len(names)} column(s)")
        self.line_end()
        return row

    def line_end(self) -> None:
        self.skip()
        if self.i < len(self.s) and self.peek(2) != ">>":  # ">>" closes a nested grid
            if self.s[self.i] != "\n":
                raise self.error(f"Expected end of line, found {self.s[self.i]!r}")
            self.i += 1
