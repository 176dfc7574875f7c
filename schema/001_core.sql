-- Core tables of the original platform, created only where missing.
-- Every statement is idempotent and never alters an existing table, so a
-- database created by the original platform (timestamp without time zone,
-- rows present) is continued, not changed.
CREATE SCHEMA IF NOT EXISTS core;

CREATE TABLE IF NOT EXISTS core.tag_def (
    id          serial PRIMARY KEY,
    name        varchar NOT NULL,
    url         varchar,
    doc         text,
    dis         varchar,
    version     varchar,
    base_uri    varchar,
    pref_unit   varchar[],
    min_val     numeric,
    max_val     numeric,
    disabled_ts timestamptz
);
CREATE UNIQUE INDEX IF NOT EXISTS tag_def_name_idx ON core.tag_def (name);

CREATE TABLE IF NOT EXISTS core.entity (
    id             serial PRIMARY KEY,
    value_table_id varchar,
    disabled_ts    timestamptz
);

CREATE TABLE IF NOT EXISTS core.entity_tag (
    id          serial PRIMARY KEY,
    entity_id   integer NOT NULL,
    tag_id      integer NOT NULL,
    value_n     numeric,
    value_b     boolean,
    value_s     varchar,
    value_ts    timestamptz,
    value_list  varchar[],
    value_dict  jsonb,
    value_ref   integer,
    value_enum  integer,
    disabled_ts timestamptz
);
CREATE INDEX IF NOT EXISTS entity_tag_entity_idx ON core.entity_tag (entity_id);
CREATE INDEX IF NOT EXISTS entity_tag_tag_value_s_idx ON core.entity_tag (tag_id, value_s);

CREATE TABLE IF NOT EXISTS core.org (
    id          serial PRIMARY KEY,
    name        varchar NOT NULL UNIQUE,
    key         varchar,
    value_table varchar NOT NULL,
    schema_name varchar NOT NULL
);

CREATE TABLE IF NOT EXISTS core.org_entity_permission (
    org_id    integer NOT NULL,
    entity_id integer NOT NULL,
    UNIQUE (org_id, entity_id)
);

CREATE TABLE IF NOT EXISTS core.simulator_state (
    id                 serial PRIMARY KEY,
    service_name       varchar(100) NOT NULL DEFAULT 'haystack_simulator',
    last_run_timestamp timestamptz,
    totalizers         jsonb,
    status             varchar(50) NOT NULL DEFAULT 'stopped',
    config             jsonb,
    error_message      text,
    created_at         timestamptz DEFAULT now(),
    updated_at         timestamptz DEFAULT now()
);
-- The original allowed duplicate service names; ours are unique. A partial
-- index leaves any original rows as they are.
CREATE UNIQUE INDEX IF NOT EXISTS simulator_state_haystack_tui_idx
    ON core.simulator_state (service_name) WHERE service_name LIKE 'haystack-tui/%';

CREATE TABLE IF NOT EXISTS core.simulator_activity_log (
    id         serial PRIMARY KEY,
    timestamp  timestamptz NOT NULL DEFAULT now(),
    event_type varchar(50),
    message    text,
    details    jsonb,
    created_at timestamptz DEFAULT now()
);
CREATE INDEX IF NOT EXISTS simulator_activity_log_ts_idx ON core.simulator_activity_log (timestamp DESC);
