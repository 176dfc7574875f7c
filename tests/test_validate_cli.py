"""``haystack-tui validate``: window options, table and JSON output, exit codes 0 / 1 / 2 (issue 6)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from haystack_tui.cli import main
from haystack_tui.config import Settings
from haystack_tui.engine.commands import backfill
from haystack_tui.timegrid import DAY, parse_instant
from haystack_tui.validate import CHECKS
from tests.fix_database import create_database, drop_database

LO = parse_instant("2026-06-01", "t")
HI = LO + 2 * DAY
WINDOW = ["--start", "2026-06-01", "--end", "2026-06-03"]


@pytest.fixture(scope="module")
def filled(server_url: str, tmp_path_factory) -> str:
    url = create_database(server_url)
    backfill(Settings(database_url=url, data_dir=tmp_path_factory.mktemp("data")), LO, HI)
    yield url
    drop_database(server_url, url)


def validate(url: str, tmp_path: Path, *args: str) -> int:
    return main(["validate", "--database-url", url, "--data-dir", str(tmp_path / "data"), *args])


def test_generated_data_passes_with_a_table(filled, tmp_path, capsys):
    assert validate(filled, tmp_path, *WINDOW) == 0
    out = capsys.readouterr().out
    assert "validate 2026-06-01T00:00:00Z .. 2026-06-03T00:00:00Z" in out
    assert "PASS  gaps" in out and "FAIL" not in out
    assert out.rstrip().endswith(f"{len(CHECKS)} checks: {len(CHECKS)} passed, 0 failed")


def test_json_output_shape(filled, tmp_path, capsys):
    assert validate(filled, tmp_path, *WINDOW, "--json") == 0
    doc = json.loads(capsys.readouterr().out)
    assert set(doc) == {"passed", "window", "checks"} and doc["passed"] is True
    assert doc["window"] == {"start": "2026-06-01T00:00:00Z", "end": "2026-06-03T00:00:00Z"}
    assert [c["name"] for c in doc["checks"]] == [name for name, _ in CHECKS]
    for c in doc["checks"]:
        assert set(c) == {"name", "passed", "severity", "figure", "rows"}
        assert isinstance(c["figure"], str) and c["severity"] in ("error", "warning") and c["rows"] == []


def test_the_window_ends_just_after_the_newest_interval(filled, tmp_path, capsys):
    assert validate(filled, tmp_path, "--window", "1d", "--json") == 0
    assert json.loads(capsys.readouterr().out)["window"] == {"start": "2026-06-02T00:00:00Z",
                                                             "end": "2026-06-03T00:00:00Z"}
    # The default 7 days would reach before the first stored day: the window starts at the stored data.
    assert validate(filled, tmp_path, "--json") == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["passed"] is True and doc["window"]["end"] == "2026-06-03T00:00:00Z"
    first_day = doc["window"]["start"]
    assert "2026-05-27T00:00:00Z" < first_day <= "2026-06-02T00:00:00Z"
    # An explicit start is kept: days before the data are real gaps, so the run fails on them alone.
    assert validate(filled, tmp_path, "--start", "2026-05-27", "--json") == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["window"]["start"] == "2026-05-27T00:00:00Z" and doc["passed"] is False
    assert [c["name"] for c in doc["checks"] if not c["passed"]] == ["gaps"]


def test_a_failing_check_exits_1_and_shows_the_offending_rows(server_url, filled, tmp_path, capsys):
    name = f"hstui_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{conninfo_to_dict(filled)["dbname"]}"')
    url = make_conninfo(server_url, dbname=name)
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("UPDATE core.values_demo_current SET status = 'fault'"
                         " WHERE entity_id = (SELECT min(entity_id) FROM core.values_demo_current)")
        assert validate(url, tmp_path, *WINDOW) == 1
        out = capsys.readouterr().out
        assert "FAIL  integrity.current" in out and ": _current (2026-06-02T23:45:00Z" in out
        assert out.rstrip().endswith("1 failed (integrity.current)")
    finally:
        drop_database(server_url, url)


@pytest.mark.parametrize("args", [["--window", "soon"], ["--start", "yesterday"], ["--end", "2026-13-01"],
                                  ["--start", "2026-06-03", "--end", "2026-06-01"],
                                  ["--window", "1d", "--start", "2026-06-01", "--end", "2026-06-02"]])
def test_bad_arguments_exit_2(filled, tmp_path, capsys, args):
    assert validate(filled, tmp_path, *args) == 2
    err = capsys.readouterr().err
    assert err.startswith("haystack-tui: ") and err.count("\n") == 1


def test_a_database_without_values_exits_1(db_url, tmp_path, capsys):
    assert validate(db_url, tmp_path) == 1
    assert "no data for org 'demo'" in capsys.readouterr().err
    assert main(["init", "--database-url", db_url, "--data-dir", str(tmp_path / "data")]) == 0
    assert validate(db_url, tmp_path) == 1
    assert "nothing to validate" in capsys.readouterr().err
