"""Settings and building-file validation: every mistake is one line naming the setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from haystack_tui.config import load_settings
from haystack_tui.errors import ConfigError
from haystack_tui.model import load_building
from haystack_tui.store.urls import check_url, describe_host, mask_url


def test_defaults():
    s = load_settings({})
    assert (s.org, s.history_days, s.port, s.speed, s.database_url) == ("demo", 30, 8080, 1.0, None)


def test_env_then_flags():
    s = load_settings({"HAYSTACK_ORG": "acme", "PORT": "9000"}, port=9100)
    assert s.org == "acme" and s.port == 9100


@pytest.mark.parametrize("env, needle", [
    ({"HAYSTACK_ORG": "x'; DROP TABLE core.entity; --"}, "HAYSTACK_ORG"),
    ({"HAYSTACK_ORG": 'a"b'}, "HAYSTACK_ORG"),
    ({"HAYSTACK_HISTORY_DAYS": "-3"}, "HAYSTACK_HISTORY_DAYS"),
    ({"HAYSTACK_HISTORY_DAYS": "ten"}, "HAYSTACK_HISTORY_DAYS"),
    ({"HAYSTACK_SPEED": "0"}, "HAYSTACK_SPEED"),
    ({"HAYSTACK_SPEED": "nan"}, "HAYSTACK_SPEED"),
    ({"PORT": "70000"}, "PORT"),
    ({"LOG_LEVEL": "loud"}, "LOG_LEVEL"),
    ({"HAYSTACK_ORGG": "demo"}, "HAYSTACK_ORGG"),
    ({"HAYSTACK_BUILDING": "/nonexistent/b.toml"}, "HAYSTACK_BUILDING"),
    ({"DATABASE_URL": "postgresql://u@h:notaport/db"}, "DATABASE_URL"),
    ({"DATABASE_URL": "postgresql://u@h/db?bogus_option=1"}, "DATABASE_URL"),
    ({"HAYSTACK_API_USER": "alice"}, "HAYSTACK_API_PASSWORD"),
])
def test_bad_settings_name_the_setting(env, needle):
    with pytest.raises(ConfigError) as info:
        load_settings(env)
    message = str(info.value)
    assert needle in message and "\n" not in message


def test_railway_and_encoded_urls_parse():
    params = check_url("postgres://user:p%40ss%3Aword@db.example.com:6543/railway?sslmode=require")
    assert params["password"] == "p@ss:word" and params["port"] == "6543" and params["sslmode"] == "require"
    assert mask_url("postgres://user:secret@host:5432/db") == "postgres://user:***@host:5432/db"
    assert "secret" not in mask_url("host=h password=secret dbname=x")
    assert describe_host("postgresql://u:p@db.example.com:6543/x") == "db.example.com:6543"


def test_default_building_inventory():
    b = load_building()
    counts = {t: b.count(t) for t in ("chiller", "boiler", "ahu", "vav", "elecMeter", "gasMeter", "waterMeter")}
    assert counts == {"chiller": 2, "boiler": 1, "ahu": 4, "vav": 48, "elecMeter": 1, "gasMeter": 1, "waterMeter": 1}
    ids = {p.id for p in b.points}
    for pid in ("point-ahu-1-supplyTemp", "point-vav-3-south-zoneTemp", "point-meter-main-electric-energy",
                "point-chiller-2-cop", "point-meter-main-gas-volume", "point-weather-metro-city-temp"):
        assert pid in ids
    assert len(b.points) >= 300 and len(ids) == len(b.points)
    site = next(e for e in b.entities if e.id == "site-downtown-tower")
    assert site.tags["tz"] == "New_York"
    entity_ids = {e.id for e in b.entities}
    refs = [v.id for e in b.entities for k, v in e.tags.items() if k.endswith("Ref")]
    assert set(refs) <= entity_ids, "every ref resolves inside the building"
    point = b.point_by_id["point-meter-main-electric-energy"]
    tags = next(e for e in b.entities if e.id == point.id).tags
    assert tags["hisMode"] == "consumption" and "hisTotalized" in tags and tags["unit"] == "kWh"


def _write(tmp_path: Path, text: str, name: str = "b.toml") -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


@pytest.mark.parametrize("text, needle", [
    ("[site\n", "not valid TOML"),
    ("[nonsense]\nx = 1\n", "unknown section [nonsense]"),
    ("[site]\nfloorz = 3\n", "unknown key site.floorz"),
    ("[site]\nfloors = 'many'\n", "site.floors"),
    ("[site]\nfloors = 0\n", "site.floors"),
    ("[site]\ntz = 'Mars/Olympus'\n", "site.tz"),
    ("[chillers]\ncount = 2.5\n", "chillers.count"),
    ("[data_quality]\nok = 0.5\n", "data_quality"),
    ("[ahus]\nfloors_per_ahu = 99\n", "floors_per_ahu"),
    ("[schedule]\nweekday = [[0, 0.1], [12, 2.0], [24, 0.1]]\n", "schedule.weekday"),
    ("[meters]\norigin = '2026-01-01T00:00:00'\n", "meters.origin"),
    ("[vavs]\nzones = ['north', 'north']\n", "vavs.zones"),
])
def test_building_file_mistakes(tmp_path, text, needle):
    with pytest.raises(ConfigError) as info:
        load_building(_write(tmp_path, text))
    assert needle in str(info.value) and "\n" not in str(info.value)


def test_yaml_building_with_other_shape(tmp_path):
    text = "site:\n  id: site-small\n  dis: Small\n  floors: 5\n  tz: Europe/Berlin\n" \
           "vavs:\n  zones: [core, east, west]\nchillers:\n  count: 1\nboiler:\n  count: 0\nahus:\n  floors_per_ahu: 2\n"
    b = load_building(_write(tmp_path, text, "b.yaml"))
    assert b.count("vav") == 15 and b.count("ahu") == 3 and b.count("chiller") == 1 and b.count("boiler") == 0
    assert max(b.vav_ahu) == 2
    assert next(e for e in b.entities if e.id == "site-small").tags["tz"] == "Berlin"
