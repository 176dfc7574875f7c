"""Settings: read once from the environment and CLI flags, validated, frozen.

Nothing deeper in the code reads ``os.environ``; the one ``Settings`` object is
built here and handed down. Every bad value raises ``ConfigError`` naming the
setting, before anything touches a database.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping

from haystack_tui.errors import ConfigError

ORG_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,30}$")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

#: Environment variables this program reads. Any other HAYSTACK_* variable is a
#: typo we refuse rather than silently ignore.
ENV_KEYS = {
    "DATABASE_URL": "database_url",
    "HAYSTACK_ORG": "org",
    "HAYSTACK_BUILDING": "building",
    "HAYSTACK_SEED": "seed",
    "HAYSTACK_HISTORY_DAYS": "history_days",
    "HAYSTACK_DATA_DIR": "data_dir",
    "HAYSTACK_SPEED": "speed",
    "HAYSTACK_API_TOKEN": "api_token",
    "HAYSTACK_API_USER": "api_user",
    "HAYSTACK_API_PASSWORD": "api_password",
    "HAYSTACK_MAX_BODY": "max_body",
    "PORT": "port",
    "LOG_LEVEL": "log_level",
}


def default_data_dir() -> Path:
    """Where the embedded PostgreSQL lives when HAYSTACK_DATA_DIR is unset."""
    import platformdirs

    return Path(platformdirs.user_data_dir("haystack-tui", appauthor=False))


@dataclass(frozen=True)
class Settings:
    """Everything configurable, validated. Build it with ``load_settings``."""

    database_url: str | None = None
    """libpq URI of the target database; None means the embedded server."""
    org: str = "demo"
    """Org key: names the values table ``core.values_<org>``; strictly checked."""
    building: Path | None = None
    """Building file (TOML/YAML); None means the packaged Downtown Office Tower."""
    seed: int = 42
    """Seed of every random process: same seed, point, timestamp -> same value."""
    history_days: int = 30
    """How far back a fresh database is backfilled."""
    data_dir: Path = field(default_factory=default_data_dir)
    """Home of the embedded PostgreSQL cluster (``<data_dir>/pgdata``)."""
    speed: float = 1.0
    """Simulation clock rate; 1 is real time, 900 is one interval a second."""
    api_token: str | None = None
    """Bearer token for the control endpoints; None disables control (403)."""
    api_user: str | None = None
    """Haystack API user name (SCRAM); None disables the Haystack API login."""
    api_password: str | None = None
    """Haystack API password; turned into SCRAM keys and not kept elsewhere."""
    max_body: int = 1_048_576
    """Largest HTTP request body accepted, in bytes."""
    port: int = 8080
    """TCP port of the headless service."""
    log_level: str = "INFO"
    """Python logging level name."""

    def with_overrides(self, **values: Any) -> "Settings":
        """A copy with CLI flags applied (None means 'not given'), re-validated."""
        given = {k: v for k, v in values.items() if v is not None}
        return _validated(replace(self, **given)) if given else self

    def redacted(self) -> dict[str, Any]:
        """The settings as a dict safe to log or show: no secrets."""
        from haystack_tui.store.urls import mask_url

        return {
            "database_url": mask_url(self.database_url) if self.database_url else None,
            "org": self.org,
            "building": str(self.building) if self.building else "(packaged default)",
            "seed": self.seed,
            "history_days": self.history_days,
            "data_dir": str(self.data_dir),
            "speed": self.speed,
            "api_token": "set" if self.api_token else None,
            "api_user": self.api_user,
            "port": self.port,
            "log_level": self.log_level,
        }


def load_settings(environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Settings from the environment, then CLI flag overrides (None = not given)."""
    env = os.environ if environ is None else environ
    unknown = sorted(k for k in env if k.startswith("HAYSTACK_") and k not in ENV_KEYS)
    if unknown:
        known = ", ".join(k for k in ENV_KEYS if k.startswith("HAYSTACK_"))
        raise ConfigError(f"unknown setting {unknown[0]} (known: {known})")
    raw: dict[str, Any] = {}
    for env_key, name in ENV_KEYS.items():
        value = env.get(env_key)
        if value is not None and value != "":
            raw[name] = _parse(env_key, name, value)
    for name, value in overrides.items():
        if value is not None:
            raw[name] = value
    return _validated(Settings(**raw))


def _parse(env_key: str, name: str, text: str) -> Any:
    """Turn one environment string into its typed value, or say which one is bad."""
    try:
        if name in ("seed", "history_days", "port", "max_body"):
            return int(text.strip())
        if name == "speed":
            return float(text.strip())
        if name in ("building", "data_dir"):
            return Path(text).expanduser()
    except ValueError:
        raise ConfigError(f"{env_key}={text!r} is not a number") from None
    return text


def _validated(s: Settings) -> Settings:
    """Check every field; the message names the setting and the rule."""
    if not isinstance(s.org, str) or not ORG_PATTERN.match(s.org):
        raise ConfigError(
            f"HAYSTACK_ORG={s.org!r} is not a valid org key (must match {ORG_PATTERN.pattern})"
        )
    if not isinstance(s.seed, int) or not 0 <= s.seed < 2**63:
        raise ConfigError(f"HAYSTACK_SEED={s.seed!r} must be a whole number from 0 to 2^63-1")
    if not isinstance(s.history_days, int) or not 0 <= s.history_days <= 3660:
        raise ConfigError(f"HAYSTACK_HISTORY_DAYS={s.history_days!r} must be from 0 to 3660")
    if not isinstance(s.speed, (int, float)) or not math.isfinite(s.speed) or not 0 < s.speed <= 1e6:
        raise ConfigError(f"HAYSTACK_SPEED={s.speed!r} must be a number above 0 and at most 1000000")
    if not isinstance(s.port, int) or not 0 <= s.port <= 65535:
        raise ConfigError(f"PORT={s.port!r} must be from 0 to 65535")
    if not isinstance(s.max_body, int) or not 1024 <= s.max_body <= 1 << 30:
        raise ConfigError(f"HAYSTACK_MAX_BODY={s.max_body!r} must be from 1024 to 1073741824")
    level = str(s.log_level).upper()
    if level not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL={s.log_level!r} must be one of {', '.join(LOG_LEVELS)}")
    if s.database_url is not None:
        from haystack_tui.store.urls import check_url

        check_url(s.database_url)
    if s.building is not None and not Path(s.building).is_file():
        raise ConfigError(f"HAYSTACK_BUILDING={str(s.building)!r}: no such file")
    if (s.api_user is None) != (s.api_password is None):
        raise ConfigError("HAYSTACK_API_USER and HAYSTACK_API_PASSWORD must be set together")
    return replace(s, log_level=level, speed=float(s.speed))
