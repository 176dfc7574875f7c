"""The Project Haystack HTTP API under ``/api/haystack/{op}``: the aiohttp adapter.

Per request: SCRAM/BEARER auth (``scram.AuthServer``), then content
negotiation (406 for anything but Zinc and JSON), then the request grid (a
POST body, or a GET's Zinc-encoded query parameters for ops without side
effects), then the op (``ops.HaystackOps``). Op failures are error grids with
status 200, as the spec asks, so clients raise their own call errors; protocol
failures keep their HTTP status (401, 403, 404, 405, 406, 413, 415). The number
of open sessions goes into the app's ``EXTRA`` dict for /status and /metrics.
Everything Haystack-specific stays in the pure modules; this file only
translates. It must not import the console or speak SQL.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from aiohttp import web

from haystack_tui.config import Settings
from haystack_tui.errors import HaystackError
from headless.haystack.encoding import JSON, Codec, EncodingError, decode_request, grid_from_query, negotiate
from headless.haystack.kinds import Grid
from headless.haystack.ops import OFF_LOOP_ROWS, OPS, WRITE_OPS, HaystackOps
from headless.haystack.scram import AuthResult, AuthServer, ScramKeys
from headless.metrics import add_extra_gauges

log = logging.getLogger("headless.haystack")

BASE = "/api/haystack"
IDLE_TIMEOUT_S = 1800.0
"""A bearer token unused this long expires."""
SESSIONS_REFRESH_S = 15.0
"""How often the session count is refreshed when nothing happens (idle expiry is silent)."""
DISABLED = ("the Haystack API is disabled: set HAYSTACK_API_USER and HAYSTACK_API_PASSWORD "
            "(see docs/haystack-api.md)")
_AUTH_TEXT = {400: "malformed Authorization header", 401: "authentication required (Haystack SCRAM)",
              403: "authentication failed"}


class HaystackApi:
    """The API's state: users and sessions, the ops (with their watches), the shared EXTRA dict."""

    def __init__(self, engine, settings: Settings, extra: dict[str, Any]):
        self.auth = _auth_server(settings)
        self.ops = HaystackOps(engine)
        self.max_body = settings.max_body
        self.extra = extra
        self.publish_sessions()

    def publish_sessions(self) -> None:
        """Put the open session count where /status and /metrics read it (absent when disabled)."""
        if self.auth is not None:
            self.extra["haystack_sessions"] = self.auth.open_sessions()

    async def handle(self, request: web.Request) -> web.Response:
        if self.auth is None:
            return _grid_reply(negotiate(request.headers.get("Accept")) or JSON, Grid.error(DISABLED), 403)
        result = self.auth.handle(request.headers.get("Authorization"))
        self.publish_sessions()
        if not result.authenticated:
            return _auth_reply(request, result)
        codec = negotiate(request.headers.get("Accept"))
        if codec is None:
            return web.Response(status=406, text="supported formats: text/zinc, application/json\n")
        status, grid = await self._serve(request, request.match_info["op"], result)
        if len(grid.rows) > OFF_LOOP_ROWS:  # 100k history rows take seconds to encode
            return _reply(codec, await asyncio.to_thread(codec.encode_bytes, grid), status)
        return _grid_reply(codec, grid, status)

    async def _serve(self, request: web.Request, op: str, auth: AuthResult) -> tuple[int, Grid]:
        if op not in OPS and op not in WRITE_OPS:
            return 404, Grid.error(f"unknown op: {op}")
        if request.method not in ("GET", "POST"):
            return 405, Grid.error(f"{op} takes GET or POST")
        if request.method == "GET" and op in OPS and not OPS[op].no_side_effects:
            return 405, Grid.error(f"{op} has side effects: use POST")
        try:
            req = await self._request_grid(request)
        except EncodingError as e:
            return e.status, Grid.error(str(e))
        except web.HTTPRequestEntityTooLarge:
            return 413, Grid.error(f"request body too large (limit {self.max_body} bytes)")
        if op == "close" and auth.auth_token:
            self.auth.revoke(auth.auth_token)
            self.publish_sessions()
        try:
            return 200, await self.ops.call(op, req)
        except HaystackError as e:
            return 200, Grid.error(str(e))
        except Exception as e:  # an op bug must not take the connection down; the trace stays in the log
            log.exception("haystack op %s failed", op)
            return 200, Grid.error(f"internal error in {op}: {type(e).__name__}")

    @staticmethod
    async def _request_grid(request: web.Request) -> Grid:
        if request.method == "GET":
            return grid_from_query(request.query)  # a GET body (phable sends one) is ignored
        return decode_request(await request.read(), request.headers.get("Content-Type"))

    async def keep_count(self, app: web.Application):
        """cleanup_ctx: refresh the session count so idle expiry shows without a request."""
        async def loop() -> None:
            while True:
                await asyncio.sleep(SESSIONS_REFRESH_S)
                self.publish_sessions()

        task = asyncio.create_task(loop())
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


HAYSTACK = web.AppKey("haystack", HaystackApi)


def add_haystack_routes(app: web.Application, engine, settings: Settings) -> HaystackApi:
    """Serve the Haystack API on ``app`` (after ``app[EXTRA]`` and ``app[REGISTRY]`` exist)."""
    from headless.app import EXTRA, REGISTRY  # here, not at the top: headless.app imports this module

    api = HaystackApi(engine, settings, app[EXTRA])
    app[HAYSTACK] = api
    app.router.add_route("*", BASE + "/{op}", api.handle)
    app.cleanup_ctx.append(api.keep_count)
    add_extra_gauges(app[REGISTRY], app[EXTRA])
    return api


def _auth_server(settings: Settings) -> AuthServer | None:
    """The password becomes SCRAM keys here and is not kept by the API."""
    if not settings.api_user or not settings.api_password:
        return None
    return AuthServer({settings.api_user: ScramKeys.from_password(settings.api_password)},
                      idle_timeout=IDLE_TIMEOUT_S)


def _auth_reply(request: web.Request, result: AuthResult) -> web.Response:
    """A handshake step or a refusal: status and headers from the AuthServer, a short text body."""
    if result.status >= 400 and result.reason not in ("missing Authorization header", ""):
        log.info("haystack auth %s from %s: %s", result.status, request.remote, result.reason)
    elif result.reason == "login":
        log.info("haystack login from %s", request.remote)
    return web.Response(status=result.status, headers=result.headers, text=_AUTH_TEXT.get(result.status, ""))


def _grid_reply(codec: Codec, grid: Grid, status: int = 200) -> web.Response:
    return _reply(codec, codec.encode_bytes(grid), status)


def _reply(codec: Codec, body: bytes, status: int) -> web.Response:
    return web.Response(status=status, body=body,
                        headers={"Content-Type": codec.content_type, "Vary": "Accept", "Cache-Control": "no-store"})
