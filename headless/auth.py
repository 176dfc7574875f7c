"""The control token: constant-time comparison, never logged, never echoed."""

from __future__ import annotations

import hmac

from aiohttp import web


def check_control(request: web.Request, token: str | None) -> None:
    """403 when control is disabled, 401 for a missing or wrong bearer token."""
    if not token:
        raise web.HTTPForbidden(text='{"error": "control is disabled: set HAYSTACK_API_TOKEN to enable it"}',
                                content_type="application/json")
    header = request.headers.get("Authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise web.HTTPUnauthorized(text='{"error": "missing or wrong bearer token"}', content_type="application/json",
                                   headers={"WWW-Authenticate": 'Bearer realm="haystack-tui"'})
