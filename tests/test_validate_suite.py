"""The validation suite against a real PostgreSQL holding generated data (issue 6).

One backfill of three June days per module; each corruption test gets its
own copy of that database (``CREATE DATABASE ... TEMPLATE``), breaks it in
exactly one way, and asserts that the check made for that defect fails
while the unrelated ones pass.
"""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo

import haystack_tui.validate as validate
from haystack_tui.config import Settings
from haystack_tui.engine.commands import backfill, run_validation
from haystack_tui.model import load_building
from haystack_tui.timegrid import DAY, INTERVAL, parse_instant
from haystack_tui.validate import integrity
from tests.fix_database import create_database, drop_database

LO = parse_instant("2026-06-01", "t")
HI = LO + 3 * DAY
NAMES = [name for name, _ in validate.CHECKS]


@pytest.fixture(scope="module")
def template(server_url: str, tmp_path_factory) -> str:
    url = create_database(server_url)
    backfill(Settings(database_url=url, data_dir=tmp_path_factory.mktemp("data")), LO, HI)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    yield url
    drop_database(server_url, url)


@pytest.fixture
def db(server_url: str, template: str, tmp_path: Path) -> Settings:
    """Settings on a fresh copy of the backfilled database."""
    name = f"hstui_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{conninfo_to_dict(template)["dbname"]}"')
    url = make_conninfo(server_url, dbname=name)
    yield Settings(database_url=url, data_dir=tmp_path / "data")
    drop_database(server_url, url)


def execute(s: Settings, statement: str, params=None) -> list[tuple]:
    with psycopg.connect(s.database_url, autocommit=True, options="-c TimeZone=UTC") as conn:
        cur = conn.execute(statement, params)
        return cur.fetchall() if cur.description else []


def eid(s: Settings, haystack_id: str) -> int:
    return execute(s, "SELECT et.entity_id FROM core.entity_tag et JOIN core.tag_def d ON d.id = et.tag_id"
                      " WHERE d.name = 'id' AND et.value_s = %s", (haystack_id,))[0][0]


def results(s: Settings, **kwargs) -> dict:
    _, found = run_validation(s, LO, HI, **kwargs)
    assert [r.name for r in found] == NAMES
    return {r.name: r for r in found}


def assert_only(found: dict, failing: set[str], also: set[str] = frozenset()) -> None:
    for name, r in found.items():
        if name in failing:
            assert not r.passed, f"{name} should fail: {r.figure}"
            assert r.rows, f"{name} failed without an offending row"
        elif name not in also:
            assert r.passed, f"{name} should pass: {r.figure} {r.rows}"


def at(i: int) -> str:
    """Timestamp literal of the i-th interval of the window."""
    return f"to_timestamp({LO + i * INTERVAL})"


def test_generated_data_passes_every_check(db):
    found = results(db)
    assert_only(found, set())
    points = len(load_building().points)
    assert found["gaps"].figure == f"0 of {(HI - LO) // INTERVAL * points:,} point-intervals missing"
    assert found["duplicates"].figure.startswith("none possible: unique index")
    assert found["freshness"].severity == "warning"
    assert "r = " in found["coherence.cooling"].figure


def test_a_deleted_row_fails_gaps(db):
    execute(db, f"DELETE FROM core.values_demo WHERE entity_id = %s AND ts = {at(100)}",
            (eid(db, "point-vav-2-west-zoneTemp"),))
    found = results(db)
    assert_only(found, {"gaps"})
    assert found["gaps"].figure.startswith("1 of ")
    assert found["gaps"].rows[0].startswith("point-vav-2-west-zoneTemp: 1 missing, first 2026-06-02T01:00:00Z")


def test_duplicates_are_found_by_grouping_on_a_table_without_unique_key(db):
    execute(db, "ALTER TABLE core.values_demo RENAME TO values_demo_keyed;"
                " CREATE TABLE core.values_demo (LIKE core.values_demo_keyed);"
                " INSERT INTO core.values_demo SELECT * FROM core.values_demo_keyed ORDER BY entity_id, ts;"
                " DROP TABLE core.values_demo_keyed;"
                " CREATE INDEX values_demo_entity_ts ON core.values_demo (entity_id, ts); ANALYZE core.values_demo")
    clean = results(db)
    assert_only(clean, set())
    assert clean["duplicates"].figure.startswith("0 duplicated (entity_id, ts) keys")
    point = eid(db, "point-ahu-1-returnTemp")
    execute(db, f"INSERT INTO core.values_demo SELECT * FROM core.values_demo WHERE entity_id = %s AND ts = {at(7)}",
            (point,))
    found = results(db)
    assert_only(found, {"duplicates"})
    assert found["duplicates"].figure.startswith("1 duplicated (entity_id, ts) keys, 1 extra rows")
    assert found["duplicates"].rows == ("point-ahu-1-returnTemp 2026-06-01T01:45:00Z: 2 rows",)


def test_an_off_grid_timestamp_fails_grid(db):
    execute(db, "INSERT INTO core.values_demo (entity_id, ts, value_n, value_b, status)"
                f" SELECT entity_id, ts + interval '7 minutes', value_n, value_b, status FROM core.values_demo"
                f" WHERE entity_id = %s AND ts = {at(20)}", (eid(db, "point-weather-metro-city-temp"),))
    found = results(db)
    assert_only(found, {"grid"})
    assert found["grid"].rows == ("point-weather-metro-city-temp 2026-06-01T05:07:00Z",)


def test_a_lowered_totalizer_fails_totalizers(db):
    execute(db, f"UPDATE core.values_demo SET value_n = value_n - 1000 WHERE entity_id = %s AND ts = {at(50)}",
            (eid(db, "point-meter-main-electric-energy"),))
    found = results(db)
    assert_only(found, {"totalizers"})
    assert found["totalizers"].figure.startswith("1 decreases; 2 of ")


def ok_row(s: Settings, point: str) -> tuple[int, object]:
    """(entity id, ts) of an ok row of ``point`` followed by an ok row (so no stale row repeats it)."""
    return execute(s, "SELECT v.entity_id, v.ts FROM core.values_demo v JOIN core.values_demo n ON n.entity_id ="
                      " v.entity_id AND n.ts = v.ts + interval '15 minutes' WHERE v.entity_id = %s AND v.status = 'ok'"
                      " AND n.status = 'ok' AND v.ts > to_timestamp(%s) ORDER BY v.ts LIMIT 1",
                   (eid(s, point), LO + 30 * INTERVAL))[0]


@pytest.mark.parametrize("value", ["150", "-1e400"])
def test_an_out_of_range_value_fails_ranges(db, value):
    execute(db, f"UPDATE core.values_demo SET value_n = {value} WHERE entity_id = %s AND ts = %s",
            ok_row(db, "point-vav-4-north-zoneTemp"))
    found = results(db)
    assert_only(found, {"ranges"})  # a value beyond float8 takes the fetch's guarded path, not a crash


def test_an_empty_window_and_a_window_without_data(db):
    _, found = run_validation(db, LO, LO)
    assert [r.name for r in found if not r.passed] == []
    _, found = run_validation(db, LO - DAY, LO)
    assert [r.name for r in found if not r.passed] == ["gaps"]


def test_ahu_airflow_off_its_vavs_fails_airflow(db):
    execute(db, "UPDATE core.values_demo SET value_n = round(value_n * 1.2) WHERE entity_id = %s",
            (eid(db, "point-ahu-3-supplyAirFlow"),))
    found = results(db)
    assert_only(found, {"coherence.airflow"}, also={"coherence.cooling"})
    assert found["coherence.airflow"].rows[0].startswith("point-ahu-3-supplyAirFlow 2026-06-0")


def test_building_power_off_its_components_fails_power(db):
    execute(db, f"UPDATE core.values_demo SET value_n = value_n + 3 WHERE entity_id = %s AND ts = {at(60)}",
            (eid(db, "point-meter-main-electric-lightingPlugPower"),))
    assert_only(results(db), {"coherence.power"})


def test_gas_meter_below_the_boiler_fails_gas(db):
    meter, boiler = eid(db, "point-meter-main-gas-flow"), eid(db, "point-boiler-1-gasFlow")
    execute(db, f"UPDATE core.values_demo b SET value_n = m.value_n + 25 FROM core.values_demo m"
                f" WHERE b.entity_id = %s AND b.ts = {at(80)} AND m.entity_id = %s AND m.ts = b.ts", (boiler, meter))
    assert_only(results(db), {"coherence.gas"})


def test_chillers_that_do_not_carry_the_coil_load_fail_cooling(db):
    ids = [eid(db, f"point-chiller-{i}-loadPercent") for i in (1, 2)]
    execute(db, "UPDATE core.values_demo SET value_n = round(value_n * 0.5, 1) WHERE entity_id = ANY(%s)"
                " AND status <> 'fault'", (ids,))  # faults stay pegged outside the range
    assert_only(results(db), {"coherence.cooling"})


def test_many_faults_fail_the_quality_rates(db):
    ids = execute(db, "SELECT et.entity_id FROM core.entity_tag et JOIN core.tag_def d ON d.id = et.tag_id"
                      " WHERE d.name = 'id' AND et.value_s LIKE 'point-vav-%%-zoneTemp'")
    execute(db, "UPDATE core.values_demo SET status = 'fault' WHERE entity_id = ANY(%s)"
                " AND extract(epoch from ts)::bigint %% 2700 = 0", ([i for (i,) in ids],))
    found = results(db)
    assert_only(found, {"quality.rates"}, also={"quality.status"})
    assert any(r.startswith("mean episode") for r in found["quality.rates"].rows)


def test_a_stale_row_that_changes_value_fails_quality_status(db):
    row = execute(db, "SELECT v.entity_id, v.ts FROM core.values_demo v WHERE v.status = 'stale'"
                      " AND v.value_n IS NOT NULL AND v.ts > to_timestamp(%s) AND NOT EXISTS (SELECT 1 FROM"
                      " core.values_demo n WHERE n.entity_id = v.entity_id AND n.ts = v.ts + interval '15 minutes'"
                      " AND n.status = 'stale') ORDER BY 1, 2 LIMIT 1", (LO,))[0]
    execute(db, "UPDATE core.values_demo SET value_n = value_n + 1 WHERE entity_id = %s AND ts = %s", row)
    found = results(db)
    assert_only(found, {"quality.status"})
    assert found["quality.status"].figure.startswith("1 stale rows that changed value")


def test_freshness_while_running(db):
    newest = HI - INTERVAL
    fresh = results(db, running=True, now=newest + 600)
    assert_only(fresh, set())
    assert fresh["freshness"].severity == "error"
    late = results(db, running=True, now=newest + 3 * 3600)
    assert_only(late, {"freshness"})


def test_instants_still_in_flight_are_not_gaps_while_running(db):
    execute(db, f"DELETE FROM core.values_demo WHERE ts = {at((HI - LO) // INTERVAL - 1)}")
    execute(db, "UPDATE core.values_demo_current c SET ts = v.ts, value_n = v.value_n, value_b = v.value_b,"
                " status = v.status FROM core.values_demo v WHERE v.entity_id = c.entity_id"
                f" AND v.ts = {at((HI - LO) // INTERVAL - 2)}")
    assert_only(results(db, running=True, now=HI - INTERVAL + 60), set())
    assert_only(results(db, running=False, now=HI), {"gaps"})


def test_a_dangling_ref_fails_refs(db):
    execute(db, "UPDATE core.entity_tag SET value_ref = 999999 WHERE entity_id = %s"
                " AND tag_id = (SELECT id FROM core.tag_def WHERE name = 'ahuRef')", (eid(db, "equip-vav-5-south"),))
    found = results(db)
    assert_only(found, {"integrity.refs"})
    assert found["integrity.refs"].rows == ("equip-vav-5-south ahuRef -> equip-ahu-2: value_ref 999999 is no live entity",)


def test_a_ref_whose_string_id_disagrees_fails_refs(db):
    execute(db, "UPDATE core.entity_tag SET value_s = 'equip-ahu-9' WHERE entity_id = %s"
                " AND tag_id = (SELECT id FROM core.tag_def WHERE name = 'ahuRef')", (eid(db, "equip-vav-5-south"),))
    assert_only(results(db), {"integrity.refs"})


@pytest.mark.parametrize("loose_scan", [True, False])
def test_values_of_an_unknown_entity_fail_unknown(db, monkeypatch, loose_scan):
    monkeypatch.setattr(integrity, "_leads_with_entity_id", lambda w: loose_scan)
    execute(db, "INSERT INTO core.values_demo (entity_id, ts, value_n, status)"
                f" SELECT 999999, ts, 1, 'ok' FROM generate_series({at(0)}, {at(3)}, interval '15 minutes') ts")
    found = results(db)
    assert_only(found, {"integrity.unknown"})
    assert found["integrity.unknown"].rows == ("entity 999999: 4 rows from 2026-06-01T00:00:00Z",)


def test_a_stale_current_row_fails_current(db):
    execute(db, "UPDATE core.values_demo_current SET value_n = value_n + 1 WHERE entity_id = %s",
            (eid(db, "point-ahu-4-returnTemp"),))
    found = results(db)
    assert_only(found, {"integrity.current"})
    assert found["integrity.current"].rows[0].startswith("point-ahu-4-returnTemp: _current (2026-06-03T23:45:00Z")


def test_a_check_that_breaks_is_reported_and_the_others_still_run(db, monkeypatch):
    def broken(w):
        w.conn.execute("SELECT * FROM core.no_such_table")

    checks = tuple((name, broken if name == "ranges" else fn) for name, fn in validate.CHECKS)
    monkeypatch.setattr(validate, "CHECKS", checks)
    found = results(db)
    assert_only(found, set(), also={"ranges"})
    assert not found["ranges"].passed and "could not run: UndefinedTable" in found["ranges"].figure


async def test_a_running_engine_validates_its_own_database(settings):
    from haystack_tui.engine.compose import build_engine

    engine = build_engine(settings.with_overrides(history_days=7))
    await engine.start()
    try:
        for _ in range(600):
            if engine.snapshot.mode == "running":
                break
            await asyncio.sleep(0.1)
        checks = await engine.validate()
    finally:
        await engine.stop()
    assert [c.name for c in checks if not c.passed] == []
    fresh = next(c for c in checks if c.name == "freshness")
    assert fresh.severity == "error" and "(at most 20.0 min allowed)" in fresh.figure


def test_an_original_platform_table_is_validated(server_url, tmp_path):
    from tests.test_original_schema import build_original

    url = create_database(server_url)
    try:
        with psycopg.connect(url) as conn:
            build_original(conn)
        s = Settings(database_url=url, data_dir=tmp_path / "data")
        start = parse_instant("2026-03-02", "t")
        backfill(s, start, start + DAY)
        _, found = run_validation(s, start, start + DAY)
        assert_only({r.name: r for r in found}, set())
    finally:
        drop_database(server_url, url)
