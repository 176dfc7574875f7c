"""Haystack auth header syntax and the base64 flavours it uses.

Haystack (docHaystack Auth) restricts RFC 7235 headers to
``scheme [SP name=value ("," name=value)*]`` with plain tokens, values that are
not tokens being base64url without padding. Real clients differ (phable sends
the standard alphabet without padding), so decoding accepts both alphabets,
with or without padding. Pure: no aiohttp, no I/O.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field


class AuthHeaderError(ValueError):
    """An Authorization header that does not follow the Haystack auth syntax."""


@dataclass(frozen=True)
class AuthMsg:
    scheme: str
    """Scheme name, lower-cased: ``hello``, ``scram``, ``bearer``."""
    params: dict[str, str] = field(default_factory=dict)
    """Auth parameters by name (names are case-sensitive)."""


def parse_auth_header(header: str) -> AuthMsg:
    """Split ``SCHEME a=1, b=2`` into scheme and params."""
    scheme, _, rest = header.strip().partition(" ")
    if not scheme or not scheme.replace("-", "").isalnum():
        raise AuthHeaderError(f"invalid auth scheme in {header!r}")
    params: dict[str, str] = {}
    for part in rest.split(","):
        part = part.strip()
        if not part:
            continue
        name, eq, value = part.partition("=")
        name, value = name.strip(), value.strip()
        if not eq or not name or not value or name in params:
            raise AuthHeaderError(f"invalid auth parameter {part!r}")
        params[name] = value
    return AuthMsg(scheme.lower(), params)


def format_auth(scheme: str | None, params: dict[str, str]) -> str:
    """``SCHEME a=1, b=2`` (no scheme for Authentication-Info)."""
    body = ", ".join(f"{k}={v}" for k, v in params.items())
    return f"{scheme} {body}" if scheme else body


def b64url(data: bytes | str) -> str:
    """base64url without padding, as the Haystack auth spec asks."""
    raw = data.encode() if isinstance(data, str) else data
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def b64std(data: bytes) -> str:
    """Standard padded base64, as SCRAM (RFC 5802) uses inside its messages."""
    return base64.b64encode(data).decode()


def b64decode_any(text: str) -> bytes:
    """Decode base64url or standard base64, padded or not; raise AuthHeaderError."""
    s = text.strip().rstrip("=")
    try:
        return base64.b64decode(s + "=" * (-len(s) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise AuthHeaderError(f"invalid base64: {text!r}") from None


def b64decode_text(text: str) -> str:
    """Decode base64 to UTF-8 text; raise AuthHeaderError."""
    try:
        return b64decode_any(text).decode("utf-8")
    except UnicodeDecodeError:
        raise AuthHeaderError("base64 payload is not UTF-8") from None
