"""Continuing a database created by the original platform (issues 2 and 4).

The fixture builds the original's layout first: ``timestamp without time
zone`` everywhere, no unique service names (with duplicates present), its
entities and a day of its values. Our code must neither fail nor change any
existing row, and must continue its meters without a jump.
"""

from __future__ import annotations

import psycopg

from tests.helpers import POINTS
from haystack_tui.engine.commands import backfill, init_database
from haystack_tui.timegrid import DAY, INTERVAL, parse_instant

T0 = parse_instant("2026-03-01", "t0")

ORIGINAL_DDL = """
CREATE SCHEMA core;
CREATE TABLE core.tag_def (id serial PRIMARY KEY, name varchar NOT NULL, url varchar, doc text, dis varchar,
    version varchar, base_uri varchar, pref_unit varchar[], min_val int, max_val int, disabled_ts timestamp);
CREATE UNIQUE INDEX tag_def_name_key ON core.tag_def (name);
CREATE TABLE core.entity (id serial PRIMARY KEY, value_table_id varchar, disabled_ts timestamp);
CREATE TABLE core.entity_tag (id serial PRIMARY KEY, entity_id int, tag_id int, value_n numeric, value_b bool,
    value_s varchar, value_ts timestamp, value_list varchar[], value_dict jsonb, value_ref int, value_enum int,
    disabled_ts timestamp, UNIQUE (entity_id, tag_id, disabled_ts));
CREATE TABLE core.org (id serial PRIMARY KEY, name varchar UNIQUE, key varchar, value_table varchar NOT NULL,
    schema_name varchar NOT NULL);
CREATE TABLE core.org_entity_permission (org_id int, entity_id int, UNIQUE (org_id, entity_id));
CREATE TABLE core.values_demo (entity_id int4 NOT NULL, ts timestamp NOT NULL DEFAULT now(), value_n numeric,
    value_b bool, value_s varchar, value_ts timestamp, value_dict jsonb, status varchar, PRIMARY KEY (entity_id, ts));
CREATE TABLE core.values_demo_current (entity_id int4 NOT NULL, ts timestamp NOT NULL DEFAULT now(),
    value_n numeric, value_b bool, value_s varchar, value_ts timestamp, value_dict jsonb, status varchar,
    PRIMARY KEY (entity_id));
CREATE TABLE core.simulator_state (id serial PRIMARY KEY, service_name varchar(100) NOT NULL DEFAULT
    'haystack_simulator', last_run_timestamp timestamptz, totalizers jsonb, status varchar(50) NOT NULL DEFAULT
    'stopped', config jsonb, error_message text, created_at timestamptz DEFAULT now(), updated_at timestamptz);
INSERT INTO core.simulator_state (service_name, status) VALUES ('haystack_simulator', 'running'),
    ('haystack_simulator', 'initialized'), ('test_service', 'running');
CREATE TABLE core.simulator_activity_log (id serial PRIMARY KEY, timestamp timestamptz NOT NULL DEFAULT now(),
    event_type varchar(50), message text, details jsonb, created_at timestamptz);
INSERT INTO core.org (name, key, value_table, schema_name) VALUES ('Demo Org', 'demo', 'values_demo', 'core');
"""

ORIGINAL_POINTS = {"point-meter-main-electric-energy": 281000.0, "point-meter-main-electric-power": None}


def build_original(conn: psycopg.Connection) -> dict[str, int]:
    conn.execute(ORIGINAL_DDL)
    conn.execute("INSERT INTO core.tag_def (name) VALUES ('id'), ('point'), ('his')")
    ids = {}
    for pid in ORIGINAL_POINTS:
        eid = conn.execute("INSERT INTO core.entity (value_table_id) VALUES ('demo') RETURNING id").fetchone()[0]
        conn.execute("INSERT INTO core.entity_tag (entity_id, tag_id, value_s) SELECT %s, id, %s FROM core.tag_def"
                     " WHERE name = 'id'", (eid, pid))
        conn.execute("INSERT INTO core.entity_tag (entity_id, tag_id, value_b) SELECT %s, id, true FROM core.tag_def"
                     " WHERE name = 'point'", (eid,))
        ids[pid] = eid
    energy = ORIGINAL_POINTS["point-meter-main-electric-energy"]
    for i in range(96):  # one day of the original's rows, naive UTC timestamps
        ts = "2026-03-01 00:00:00"
        power = 400.0 + i
        energy += power * 0.25
        conn.execute("INSERT INTO core.values_demo (entity_id, ts, value_n, status) VALUES"
                     " (%s, %s::timestamp + %s * interval '15 minutes', %s, 'ok'),"
                     " (%s, %s::timestamp + %s * interval '15 minutes', %s, 'ok')",
                     (ids["point-meter-main-electric-energy"], ts, i, round(energy, 1),
                      ids["point-meter-main-electric-power"], ts, i, power))
    conn.commit()
    return ids


def snapshot_tables(conn: psycopg.Connection, ids: dict[str, int]) -> dict[str, list]:
    """The original's own rows: its values, its state rows, its org."""
    return {
        "values": conn.execute("SELECT * FROM core.values_demo WHERE ts < '2026-03-02' AND entity_id = ANY(%s)"
                               " ORDER BY 1, 2", (list(ids.values()),)).fetchall(),
        "state": conn.execute("SELECT * FROM core.simulator_state WHERE service_name NOT LIKE 'haystack-tui/%'"
                              " ORDER BY id").fetchall(),
        "org": conn.execute("SELECT * FROM core.org ORDER BY id").fetchall(),
    }


def test_original_database_is_continued_not_changed(settings, conn):
    ids = build_original(conn)
    before = snapshot_tables(conn, ids)
    _, prepared = init_database(settings)
    assert prepared.entity_ids["point-meter-main-electric-energy"] == ids["point-meter-main-electric-energy"]
    assert not prepared.tables.ts_with_tz
    result = backfill(settings, T0, T0 + 2 * DAY)
    assert result.rows == 2 * 96 * POINTS - 2 * 96, "everything but the original's own rows"
    conn.rollback()
    assert snapshot_tables(conn, ids) == before, "no existing row changed"
    dupes = conn.execute("SELECT count(*) FROM (SELECT entity_id, ts FROM core.values_demo GROUP BY 1, 2"
                         " HAVING count(*) > 1) d").fetchone()[0]
    assert dupes == 0
    energy = conn.execute(
        "SELECT ts, value_n::float8 FROM core.values_demo WHERE entity_id = %s ORDER BY ts",
        (ids["point-meter-main-electric-energy"],)).fetchall()
    power = dict(conn.execute("SELECT ts, value_n::float8 FROM core.values_demo WHERE entity_id = %s",
                              (ids["point-meter-main-electric-power"],)).fetchall())
    assert len(energy) == 192
    seam = 96  # first row we wrote
    (t_prev, e_prev), (t_new, e_new) = energy[seam - 1], energy[seam]
    assert (t_new - t_prev).total_seconds() == INTERVAL
    assert abs((e_new - e_prev) - power[t_new] * 0.25) <= 0.05 + 1e-9, "no jump at the seam"
    assert all(b[1] >= a[1] for a, b in zip(energy, energy[1:]))
    assert init_database(settings)[1].created == 0, "re-running init creates nothing"
