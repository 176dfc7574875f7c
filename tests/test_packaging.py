"""A non-editable install works: the wheel carries the schema, the default building and both packages."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_contains_schema_building_and_front_ends(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    wheel = next(tmp_path.glob("haystack_tui-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for migration in (ROOT / "schema").glob("*.sql"):
        assert f"haystack_tui/_schema/{migration.name}" in names
    for required in ("haystack_tui/buildings/downtown_office_tower.toml", "haystack_tui/tui/console.tcss",
                     "headless/__main__.py", "headless/haystack/server.py", "haystack_tui/cli.py"):
        assert required in names, required
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "haystack-tui = haystack_tui.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
    assert not any(n.startswith("tests/") for n in names)
