"""Which points the table shows and in what order: the filter and sort rules.

Pure functions over ``PointState`` so the rules are tested without a screen.
A query is words that must all match (case-insensitive substrings of the id,
display name, equipment, kind, unit or status); ``field:text`` matches one
field only, e.g. ``status:fault``, ``unit:°F``, ``equip:ahu-1``, ``kind:bool``.
"""

from __future__ import annotations

from haystack_tui.engine.status import PointState

FIELDS = ("id", "dis", "equip", "kind", "unit", "status")
SORTABLE = ("equip", "id", "value", "status")
STATUS_RANK = {"fault": 0, "stale": 1, "ok": 2}

Term = tuple[str | None, str]
"""(field or None for any field, lower-case text)."""


def parse_query(query: str) -> tuple[Term, ...]:
    terms: list[Term] = []
    for word in query.lower().split():
        field, sep, text = word.partition(":")
        terms.append((field, text) if sep and field in FIELDS else (None, word))
    return tuple(terms)


def matches(p: PointState, terms: tuple[Term, ...]) -> bool:
    if not terms:
        return True
    values = {"id": p.id, "dis": p.dis, "equip": p.equip, "kind": p.kind, "unit": p.unit or "", "status": p.status}
    anywhere = " ".join(values.values()).lower()
    return all(text in (anywhere if field is None else values[field].lower()) for field, text in terms)


def sort_key(p: PointState, column: str | None, order: dict[str, int]) -> tuple:
    """Key of ``p`` when sorting by ``column``; ties keep the building's order."""
    n = order.get(p.id, 0)
    if column == "equip":
        return (p.equip, n)
    if column == "id":
        return (p.id, n)
    if column == "value":
        return (p.value is None, p.value if p.value is not None else 0.0, n)
    if column == "status":
        return (STATUS_RANK.get(p.status, -1), n)
    return (n,)


def short_id(p: PointState) -> str:
    """The part of the id after ``point-<equipment>-`` (the equipment has its
    own column); the whole id when it does not follow that pattern."""
    stem = p.equip.removeprefix("equip-")
    prefix = f"point-{stem}-"
    return p.id[len(prefix):] if p.id.startswith(prefix) and len(p.id) > len(prefix) else p.id
