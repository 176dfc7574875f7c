"""Database fixtures: a real PostgreSQL for every test, never a mock.

With DATABASE_URL set the tests use that server; otherwise one embedded
server is started for the session in a temporary directory. Each test that
asks for ``db_url`` gets a fresh, empty database of its own on that server,
dropped afterwards, so tests never see each other's rows.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from haystack_tui.config import Settings


@pytest.fixture(scope="session")
def server_url() -> str:
    """Admin URL of the server the tests use (DATABASE_URL or embedded)."""
    url = os.environ.get("DATABASE_URL")
    if url:
        yield url
        return
    from haystack_tui.store.embedded import embedded_url, stop_embedded

    data_dir = Path(tempfile.mkdtemp(prefix="haystack-tui-test-"))
    os.chmod(data_dir, 0o755)
    try:
        yield embedded_url(data_dir)
    finally:
        stop_embedded(data_dir)
        shutil.rmtree(data_dir, ignore_errors=True)


def create_database(server_url: str) -> str:
    """A new empty database on the test server; returns its URL."""
    name = f"hstui_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return make_conninfo(server_url, dbname=name)


def drop_database(server_url: str, url: str) -> None:
    name = psycopg.conninfo.conninfo_to_dict(url)["dbname"]
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def db_url(server_url: str) -> str:
    """URL of a fresh empty database, dropped after the test."""
    url = create_database(server_url)
    yield url
    drop_database(server_url, url)


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    """Settings pointing at a fresh database, with defaults otherwise."""
    return Settings(database_url=db_url, data_dir=tmp_path / "data")


@pytest.fixture
def conn(db_url: str):
    with psycopg.connect(db_url, options="-c TimeZone=UTC") as c:
        yield c
