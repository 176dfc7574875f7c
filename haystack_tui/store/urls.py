"""Database URLs: validation and password masking.

libpq itself parses the URL (through psycopg's ``conninfo_to_dict``), so every
form it accepts works here too: ``postgres://`` (Railway), percent-encoded
passwords, ``?sslmode=``, socket hosts. We never split URLs by hand.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import psycopg
from psycopg.conninfo import conninfo_to_dict

from haystack_tui.errors import ConfigError

_PASSWORD_IN_URI = re.compile(r"^(?P<head>[a-z]+://[^:/@?#]*:)(?P<pw>[^@/?#]*)(?P<tail>@.*)$", re.I)
_PASSWORD_IN_QUERY = re.compile(r"(?P<key>[?&]password=)[^&#]*", re.I)
_PASSWORD_IN_KV = re.compile(r"(?P<key>\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", re.I)


def check_url(url: str) -> dict[str, str]:
    """Parse ``url`` as libpq does; a malformed one is a ConfigError naming DATABASE_URL."""
    try:
        params = conninfo_to_dict(url)
    except psycopg.ProgrammingError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else "unparseable"
        raise ConfigError(f"DATABASE_URL is not a valid PostgreSQL URL: {mask_text(reason)}") from None
    port = str(params.get("port") or "")
    if port and not all(part.isdigit() and 0 < int(part) < 65536 for part in port.split(",")):
        raise ConfigError(f"DATABASE_URL has an invalid port {port!r}")
    return {k: str(v) for k, v in params.items()}


def mask_url(url: str, show_password: bool = False) -> str:
    """The URL with its password replaced by ``***`` (unless asked to show it)."""
    if show_password:
        return url
    return mask_text(url)


def mask_text(text: str) -> str:
    """Mask any password that appears in a URL or key=value conninfo in ``text``."""
    m = _PASSWORD_IN_URI.match(text)
    if m and m.group("pw"):
        text = f"{m.group('head')}***{m.group('tail')}"
    text = _PASSWORD_IN_QUERY.sub(lambda g: f"{g.group('key')}***", text)
    return _PASSWORD_IN_KV.sub(lambda g: f"{g.group('key')}***", text)


def describe_host(url: str) -> str:
    """'host:port' (or the socket directory) for error messages naming the server."""
    try:
        params = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return urlsplit(url).hostname or "?"
    host = str(params.get("host") or params.get("hostaddr") or "localhost")
    port = str(params.get("port") or "5432")
    return host if host.startswith("/") else f"{host}:{port}"
