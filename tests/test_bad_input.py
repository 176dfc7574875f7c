"""Bad input gets one clear line and the right exit code, and nothing is written (issue 8)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings as hyp_settings, strategies as st
from psycopg.conninfo import make_conninfo

from tests.helpers import dump_values


def run_cli(*args: str, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("HAYSTACK_") and k != "DATABASE_URL"}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "haystack_tui", *args], env=full_env, capture_output=True,
                          text=True, timeout=timeout)


def one_line(proc: subprocess.CompletedProcess) -> str:
    err = proc.stderr.strip()
    assert "Traceback" not in err, err
    assert len(err.splitlines()) == 1, err
    return err


def test_unreachable_database_fails_fast_naming_the_host(tmp_path):
    t0 = time.monotonic()
    proc = run_cli("init", env={"DATABASE_URL": "postgresql://someone:hunter2@127.0.0.1:1/nowhere",
                                "HAYSTACK_DATA_DIR": str(tmp_path)})
    assert proc.returncode == 1
    err = one_line(proc)
    assert "127.0.0.1:1" in err and "hunter2" not in err
    assert time.monotonic() - t0 < 15


@pytest.mark.parametrize("args, needle", [
    (["backfill", "--days", "100000"], "--days"),
    (["backfill", "--days", "-5"], "--days"),
    (["backfill", "--start", "2026-13-45"], "--start"),
    (["backfill", "--start", "2026-03-02", "--end", "2026-03-01"], "--end"),
    (["validate", "--window", "forever"], "--window"),
    (["export", "--start", "2026-03-02", "--end", "2026-03-01"], "--end"),
    (["status", "--no-such-flag"], "unrecognized"),
    (["--org", "robert'); DROP TABLE students;--", "init"], "HAYSTACK_ORG"),
])
def test_bad_arguments_exit_2_and_write_nothing(db_url, tmp_path, args, needle):
    proc = run_cli(*args, env={"DATABASE_URL": db_url, "HAYSTACK_DATA_DIR": str(tmp_path)})
    assert proc.returncode == 2, proc.stderr
    assert needle in one_line(proc)
    with psycopg.connect(db_url) as conn:
        assert conn.execute("SELECT to_regclass('core.entity')").fetchone()[0] is None, "nothing was written"


@pytest.mark.parametrize("text", [
    "[site\nid = 1", "[site]\nid = 42\n", "[surprise]\nx = 1\n", "[site]\nfloors = -2\n",
    "[vavs]\nzones = []\n", "[meters]\norigin = 'last tuesday'\n", "[data_quality]\nok = 2.0\n",
])
def test_bad_building_files_exit_2(db_url, tmp_path, text):
    path = tmp_path / "building.toml"
    path.write_text(text)
    proc = run_cli("init", env={"DATABASE_URL": db_url, "HAYSTACK_BUILDING": str(path),
                                "HAYSTACK_DATA_DIR": str(tmp_path)})
    assert proc.returncode == 2
    assert "building file" in one_line(proc)
    with psycopg.connect(db_url) as conn:
        assert conn.execute("SELECT to_regclass('core.entity')").fetchone()[0] is None


def test_unknown_setting_is_refused(tmp_path):
    proc = run_cli("status", env={"HAYSTACK_SEEED": "1", "HAYSTACK_DATA_DIR": str(tmp_path)})
    assert proc.returncode == 2 and "HAYSTACK_SEEED" in one_line(proc)


def test_user_without_create_permission(db_url, server_url, tmp_path):
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute("DROP ROLE IF EXISTS hstui_reader")
        conn.execute("CREATE ROLE hstui_reader LOGIN")
    try:
        url = make_conninfo(db_url, user="hstui_reader")
        with psycopg.connect(db_url, autocommit=True) as conn:
            conn.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
            dbname = conn.info.dbname
            conn.execute(f'REVOKE CREATE ON DATABASE "{dbname}" FROM PUBLIC')
        proc = run_cli("init", env={"DATABASE_URL": url, "HAYSTACK_DATA_DIR": str(tmp_path)})
        assert proc.returncode == 1
        assert "permission" in one_line(proc).lower() or "may not" in one_line(proc)
    finally:  # the role owns nothing; drop it once the database's grants to it are gone
        with psycopg.connect(db_url, autocommit=True) as conn:
            conn.execute(f'REVOKE ALL ON DATABASE "{conn.info.dbname}" FROM hstui_reader')
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute("DROP ROLE IF EXISTS hstui_reader")


def test_wrong_password(tmp_path):
    """A private server with password authentication: a wrong password is one line, exit 1."""
    from haystack_tui.store.embedded import stop_embedded
    from tests.test_engine_service import _start_private_server

    data_dir = Path(tempfile.mkdtemp(prefix="hstui-auth-"))
    os.chmod(data_dir, 0o755)
    try:
        url = _start_private_server(data_dir)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE ROLE alice LOGIN PASSWORD 'correct horse'")
            hba = conn.execute("SHOW hba_file").fetchone()[0]
        Path(hba).write_text("local all postgres trust\nlocal all all scram-sha-256\n")
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("SELECT pg_reload_conf()")
        bad = make_conninfo(url, user="alice", password="battery staple")
        proc = run_cli("status", env={"DATABASE_URL": bad, "HAYSTACK_DATA_DIR": str(tmp_path)})
        assert proc.returncode == 1
        err = one_line(proc)
        assert "password authentication failed" in err and "battery staple" not in err
    finally:
        stop_embedded(data_dir)
        shutil.rmtree(data_dir, ignore_errors=True)


# ----- fuzzing the HTTP surface ------------------------------------------------------------

@pytest.fixture
async def frozen_service(settings):
    """A running service whose simulated clock stands still: any change would be the request's doing."""
    from aiohttp.test_utils import TestClient, TestServer

    from haystack_tui.engine.clock import SimClock
    from haystack_tui.engine.compose import build_engine
    from headless.app import make_app

    frozen = time.time()
    s = settings.with_overrides(api_token="fuzz-token", history_days=1, max_body=2048)
    engine = build_engine(s, clock=SimClock(1.0, wall=lambda: frozen))
    await engine.start()
    while engine.snapshot.mode != "running":
        await __import__("asyncio").sleep(0.05)
    client = TestClient(TestServer(make_app(engine, s)))
    await client.start_server()
    yield engine, client, s
    await client.close()
    await engine.stop()


PATHS = st.one_of(
    st.sampled_from(["/health", "/status", "/metrics", "/control/pause", "/control/resume", "/control/backfill",
                     "/control/validate", "/control/../health", "/history/point-ahu-1-supplyTemp", "/events?since=x",
                     "/status?points=maybe", "/api/haystack/about", "//", "/%00", "/control/%2e%2e"]),
    st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126, blacklist_characters="#?"), max_size=40
            ).map(lambda t: "/" + t.lstrip("/")))  # "//x" would be an absolute URL to the client
METHODS = st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"])
HEADERS = st.dictionaries(
    st.sampled_from(["Authorization", "Content-Type", "Accept", "X-Anything", "Content-Encoding"]),
    st.one_of(st.just("Bearer wrong"), st.just("Bearer "), st.text(
        alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=60)), max_size=3)
BODIES = st.one_of(st.binary(max_size=3000), st.just(b'{"start": "2026-01-01", "end": "2026-01-02"}'),
                   st.text(max_size=200).map(str.encode))


async def test_fuzzed_requests_leave_service_healthy_and_data_unchanged(frozen_service):
    engine, client, s = frozen_service
    before = dump_values(s.database_url)
    seen: list[int] = []

    @hyp_settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(method=METHODS, path=PATHS, headers=HEADERS, body=BODIES)
    def fuzz(method, path, headers, body):
        seen.append(0)
        requests.append((method, path, headers, body))

    requests: list = []
    fuzz()
    for method, path, headers, body in requests:
        if path.startswith("/events"):
            continue  # a stream; covered by its own test
        try:
            resp = await client.request(method, path, headers=headers, data=body)
        except ValueError:
            continue  # the client library itself refuses the header (e.g. a newline)
        assert resp.status < 500, (method, path, headers, resp.status, await resp.text())
        await resp.read()
    health = await client.get("/health")
    assert health.status == 200
    assert engine.snapshot.mode == "running", "no fuzzed request paused or changed the engine"
    assert dump_values(s.database_url) == before
