"""Read a building file (TOML or YAML) into a validated ``BuildingSpec``.

Sections and keys missing from a user's file take the packaged default
building's values, so a file can say only what differs. Every other mistake
(unknown section or key, wrong type, out-of-range number, bad time zone,
inconsistent numbers) is a ``ConfigError`` naming the file and the key.
"""

from __future__ import annotations

import dataclasses
import tomllib
import typing
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from haystack_tui.errors import ConfigError
from haystack_tui.model import spec as S

DEFAULT_BUILDING_NAME = "downtown_office_tower.toml"


def default_building_text() -> str:
    """The packaged Downtown Office Tower file."""
    return resources.files("haystack_tui.buildings").joinpath(DEFAULT_BUILDING_NAME).read_text("utf-8")


def read_building_file(path: Path | None) -> S.BuildingSpec:
    """Parse and validate ``path`` (None: the packaged default)."""
    defaults = _parse_document(default_building_text(), "default building", toml=True)
    if path is None:
        return _validate(defaults, "default building")
    label = str(path)
    try:
        text = Path(path).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"building file {label}: cannot read it ({exc.__class__.__name__})") from None
    is_toml = Path(path).suffix.lower() not in (".yaml", ".yml")
    doc = _parse_document(text, label, toml=is_toml)
    merged = _merge(defaults, doc, label)
    return _validate(merged, label)


def _parse_document(text: str, label: str, toml: bool) -> dict[str, Any]:
    try:
        doc = tomllib.loads(text) if toml else yaml.safe_load(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"building file {label}: not valid TOML: {exc}") from None
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        at = f" at line {where.line + 1}" if where else ""
        raise ConfigError(f"building file {label}: not valid YAML{at}") from None
    if not isinstance(doc, dict):
        raise ConfigError(f"building file {label}: the top level must be a table of sections")
    return doc


def _merge(defaults: dict[str, Any], doc: dict[str, Any], label: str) -> dict[str, Any]:
    merged = {k: dict(v) for k, v in defaults.items()}
    for section, body in doc.items():
        if section not in merged:
            raise ConfigError(f"building file {label}: unknown section [{section}]")
        if not isinstance(body, dict):
            raise ConfigError(f"building file {label}: [{section}] must be a table")
        merged[section].update(body)
    return merged


def _validate(doc: dict[str, Any], label: str) -> S.BuildingSpec:
    sections = {}
    hints = typing.get_type_hints(S.BuildingSpec)
    for f in dataclasses.fields(S.BuildingSpec):
        body = doc.get(f.name)
        if not isinstance(body, dict):
            raise ConfigError(f"building file {label}: missing section [{f.name}]")
        sections[f.name] = _section(hints[f.name], f.name, body, label)
    unknown = sorted(set(doc) - set(sections))
    if unknown:
        raise ConfigError(f"building file {label}: unknown section [{unknown[0]}]")
    spec = S.BuildingSpec(**sections)
    _check_consistency(spec, label)
    return spec


def _section(cls: type, name: str, body: dict[str, Any], label: str) -> Any:
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(body) - set(fields))
    if unknown:
        raise ConfigError(f"building file {label}: unknown key {name}.{unknown[0]}")
    values = {}
    for key, f in fields.items():
        where = f"{name}.{key}"
        if key not in body:
            if f.default is dataclasses.MISSING:
                raise ConfigError(f"building file {label}: missing key {where}")
            continue
        value = _coerce(hints[key], body[key], where, label)
        lo, hi = f.metadata.get("lo"), f.metadata.get("hi")
        if lo is not None and not (lo <= value <= hi):
            raise ConfigError(f"building file {label}: {where} = {value!r} is outside {lo:g}..{hi:g}")
        values[key] = value
    return cls(**values)


def _coerce(tp: Any, value: Any, where: str, label: str) -> Any:
    """Check ``value`` against the annotation ``tp`` and return it in that type."""
    bad = ConfigError(f"building file {label}: {where} = {value!r} is not {_type_name(tp)}")
    if tp is bool:
        if not isinstance(value, bool):
            raise bad
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad
        return value
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
            raise bad
        return float(value)
    if tp is str:
        if not isinstance(value, str) or not value.strip():
            raise bad
        return value
    if tp is datetime:
        return _coerce_datetime(value, bad)
    origin = typing.get_origin(tp)
    if origin is tuple:
        args = typing.get_args(tp)
        if not isinstance(value, (list, tuple)):
            raise bad
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_coerce(args[0], v, f"{where}[{i}]", label) for i, v in enumerate(value))
        if len(value) != len(args):
            raise bad
        return tuple(_coerce(a, v, f"{where}[{i}]", label) for i, (a, v) in enumerate(zip(args, value)))
    raise bad  # pragma: no cover - a schema type we forgot to support


def _coerce_datetime(value: Any, bad: ConfigError) -> datetime:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise bad from None
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise bad
    return value.astimezone(timezone.utc)


def _type_name(tp: Any) -> str:
    names = {int: "a whole number", float: "a number", str: "a non-empty string", bool: "true/false",
             datetime: "a timezone-aware ISO 8601 date-time"}
    if tp in names:
        return names[tp]
    return "a list" if typing.get_origin(tp) is tuple else str(tp)


def _check_consistency(b: S.BuildingSpec, label: str) -> None:
    """Rules that span keys: the kinds of inconsistency the predecessor allowed."""

    def fail(msg: str) -> typing.NoReturn:
        raise ConfigError(f"building file {label}: {msg}")

    try:
        ZoneInfo(b.site.tz)
    except (ZoneInfoNotFoundError, ValueError):
        fail(f"site.tz = {b.site.tz!r} is not an IANA time zone")
    for key in ("id",):
        for section in (b.site, b.weather_station):
            v = getattr(section, key)
            if not all(c.isalnum() or c in "-_.:~" for c in v):
                fail(f"{v!r} is not a valid Haystack id (letters, digits, - _ . : ~)")
    if b.ahus.floors_per_ahu > b.site.floors:
        fail(f"ahus.floors_per_ahu = {b.ahus.floors_per_ahu} exceeds site.floors = {b.site.floors}")
    zones = b.vavs.zones
    if not zones or len(set(zones)) != len(zones):
        fail("vavs.zones must list distinct zone names")
    for z in zones:
        if not z.isidentifier() or not z.islower():
            fail(f"vavs.zones: {z!r} must be a lower-case word")
    q = b.data_quality
    if abs(q.ok + q.stale + q.fault - 1.0) > 1e-6:
        fail(f"data_quality.ok + stale + fault = {q.ok + q.stale + q.fault:g}, must be 1")
    sp = b.setpoints
    if sp.occupied_heating_f >= sp.occupied_cooling_f or sp.unoccupied_heating_f >= sp.unoccupied_cooling_f:
        fail("setpoints: heating setpoints must be below cooling setpoints")
    for name, knots in (("weekday", b.schedule.weekday), ("weekend", b.schedule.weekend)):
        hours = [h for h, _ in knots]
        if len(knots) < 2 or hours[0] != 0 or hours[-1] != 24 or hours != sorted(set(hours)):
            fail(f"schedule.{name} must be [hour, fraction] pairs with rising hours from 0 to 24")
        if any(not 0 <= v <= 1 for _, v in knots):
            fail(f"schedule.{name}: occupancy fractions must be between 0 and 1")
