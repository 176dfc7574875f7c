"""The engine never imports a UI or HTTP framework; the service never imports Textual."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize("module, forbidden", [
    ("haystack_tui.engine.compose", ("textual", "aiohttp", "haystack_tui.tui", "headless")),
    ("haystack_tui.engine.service", ("textual", "aiohttp")),
    ("haystack_tui.cli", ("textual", "aiohttp")),
    ("headless.app", ("textual", "haystack_tui.tui")),
    ("headless.main", ("textual", "haystack_tui.tui")),
])
def test_imports_stay_in_their_lane(module, forbidden):
    code = (f"import sys, {module}; bad = [m for m in {forbidden!r} if m in sys.modules];"
            " print(','.join(bad)); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, f"{module} imported {result.stdout.strip()} {result.stderr[-500:]}"


def test_import_linter_contracts():
    result = subprocess.run([sys.executable, "-m", "importlinter.cli", "--no-cache"], capture_output=True, text=True)
    if "No module named" in result.stderr:
        result = subprocess.run(["lint-imports", "--no-cache"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
