"""Migrations, org tables and entity creation against a real PostgreSQL."""

from __future__ import annotations

import pytest

from haystack_tui.errors import ConfigError
from haystack_tui.model import load_building
from haystack_tui.store.entities import existing_entity_ids, sync_entities
from haystack_tui.store.migrate import migrate
from haystack_tui.store.org_tables import ensure_org_tables, table_names


def test_migrations_apply_once(conn):
    first = migrate(conn)
    assert first and first[0].startswith("001_")
    assert migrate(conn) == []
    tables = {r[0] for r in conn.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'core'")}
    assert {"entity", "entity_tag", "tag_def", "simulator_state", "simulator_activity_log", "org"} <= tables


def test_org_tables_created_with_timestamptz(conn):
    migrate(conn)
    t = ensure_org_tables(conn, "demo")
    assert t.values_name == "values_demo" and t.ts_with_tz
    pk = conn.execute(
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'core.values_demo'::regclass"
        " AND contype = 'p'").fetchone()[0]
    assert pk == "PRIMARY KEY (entity_id, ts)"


@pytest.mark.parametrize("org", ["Demo", "demo; drop table x", 'a"b', "1abc", "", "a" * 32, "demo'--"])
def test_hostile_org_names_are_refused(org):
    with pytest.raises(ConfigError):
        table_names(org)


def test_entities_written_once_with_refs(conn):
    migrate(conn)
    ensure_org_tables(conn, "demo")
    b = load_building()
    first = sync_entities(conn, b, "demo")
    assert first.created == len(b.entities) and first.existing == 0
    again = sync_entities(conn, b, "demo")
    assert again.created == 0 and again.ids == first.ids
    n_entities = conn.execute("SELECT count(*) FROM core.entity").fetchone()[0]
    assert n_entities == len(b.entities)
    # A ref carries both the string id and the target's entity id.
    row = conn.execute(
        "SELECT et.value_s, et.value_ref FROM core.entity_tag et JOIN core.tag_def d ON d.id = et.tag_id"
        " WHERE d.name = 'ahuRef' AND et.entity_id = %s", (first.ids["equip-vav-5-south"],)).fetchone()
    assert row == ("equip-ahu-2", first.ids["equip-ahu-2"])
    # No ref dangles: every value_ref points at an entity.
    dangling = conn.execute(
        "SELECT count(*) FROM core.entity_tag et WHERE et.value_s IS NOT NULL AND et.value_ref IS NULL"
        " AND et.tag_id IN (SELECT id FROM core.tag_def WHERE name LIKE '%Ref')").fetchone()[0]
    assert dangling == 0


def test_entities_scoped_by_org(conn):
    migrate(conn)
    b = load_building()
    ensure_org_tables(conn, "alpha")
    ensure_org_tables(conn, "beta")
    sync_entities(conn, b, "alpha")
    assert existing_entity_ids(conn, "beta") == {}
    assert sync_entities(conn, b, "beta").created == len(b.entities)


def test_building_that_gains_equipment_adds_only_the_new_entities(conn, tmp_path):
    migrate(conn)
    ensure_org_tables(conn, "demo")
    base = load_building()
    first = sync_entities(conn, base, "demo")
    bigger_file = tmp_path / "bigger.toml"
    bigger_file.write_text("[site]\nfloors = 13\n")   # a 13th floor: its VAVs, a fifth AHU, their points
    bigger = load_building(bigger_file)
    new_ids = {e.id for e in bigger.entities} - {e.id for e in base.entities}
    assert {"floor-13", "equip-ahu-5", "equip-vav-13-north", "point-vav-13-west-zoneTemp"} <= new_ids
    grown = sync_entities(conn, bigger, "demo")
    assert grown.created == len(new_ids) and grown.existing == len(base.entities)
    assert all(grown.ids[e] == first.ids[e] for e in first.ids), "existing entities keep their ids"
    assert conn.execute("SELECT count(*) FROM core.entity").fetchone()[0] == len(bigger.entities)
