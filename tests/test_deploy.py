"""Docker cannot run here, so check that the deploy files match the real service."""

from __future__ import annotations

import json
import re
from pathlib import Path

from haystack_tui.cli import build_parser
from haystack_tui.config import ENV_KEYS
from headless.app import make_app

ROOT = Path(__file__).resolve().parents[1]


def test_dockerfile_health_port_and_command_match_the_service(settings):
    text = (ROOT / "Dockerfile").read_text()
    assert re.search(r'CMD \["python", "-m", "headless"\]', text)
    assert "/health" in text and "PORT" in text and "HEALTHCHECK" in text
    assert "USER app" in text and text.count("FROM ") >= 2
    from haystack_tui.engine.compose import build_engine

    app = make_app(build_engine(settings), settings)  # built, never started: only the routes are read
    paths = {r.resource.canonical for r in app.router.routes() if r.resource is not None}
    assert "/health" in paths
    railway = json.loads((ROOT / "railway.json").read_text())
    assert railway["deploy"]["healthcheckPath"] == "/health"
    assert railway["build"]["builder"] == "DOCKERFILE"
    assert railway["deploy"]["restartPolicyType"] == "ON_FAILURE"


def test_env_example_lists_every_setting():
    text = (ROOT / ".env.example").read_text()
    for key in ENV_KEYS:
        assert re.search(rf"^{key}=", text, re.M), key


def test_readme_documents_every_setting_and_command():
    readme = (ROOT / "README.md").read_text()
    for key in ENV_KEYS:
        assert f"`{key}`" in readme, key
    commands = build_parser()._subparsers._group_actions[0].choices
    for name in commands:
        assert f"haystack-tui {name}" in readme, name
