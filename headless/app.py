"""The HTTP surface of the service: health, status, metrics, events, control.

Handlers only translate between HTTP and the engine's public methods; they
never touch the database. Every error is a JSON body with the right status,
bodies above the size limit are refused (413), and control needs the token.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from haystack_tui.config import Settings
from haystack_tui.errors import HaystackError
from haystack_tui.timegrid import DAY, parse_instant
from headless.auth import check_control
from headless.haystack.server import add_haystack_routes
from headless.metrics import make_registry

log = logging.getLogger("headless")

ENGINE = web.AppKey("engine", object)
SETTINGS = web.AppKey("settings", Settings)
TICK_HISTOGRAM = web.AppKey("tick_histogram", object)
REGISTRY = web.AppKey("registry", object)
EXTRA = web.AppKey("extra", dict)
SSE_HEARTBEAT_S = 15.0


def json_response(data: Any, status: int = 200) -> web.Response:
    return web.Response(text=json.dumps(data, default=str), status=status, content_type="application/json")


@web.middleware
async def errors_as_json(request: web.Request, handler):
    """Uniform JSON errors (404, 405, 413, ...) and never a traceback to the client."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.content_type == "application/json" or exc.status < 400:
            raise
        reason = exc.reason if exc.status != 413 else f"request body too large (limit {request.app[SETTINGS].max_body} bytes)"
        return json_response({"error": reason}, exc.status)
    except HaystackError as exc:
        return json_response({"error": str(exc)}, 400)
    except Exception:
        log.exception("unhandled error in %s %s", request.method, request.path)
        return json_response({"error": "internal error"}, 500)


def snapshot_dict(request: web.Request, points: bool = True) -> dict[str, Any]:
    snap = request.app[ENGINE].snapshot
    d = snap.to_dict(points=points)
    d["extra"] = {**d.get("extra", {}), **request.app[EXTRA]}
    return d


async def health(request: web.Request) -> web.Response:
    s = request.app[ENGINE].snapshot
    body = {"status": "healthy" if s.healthy else "unhealthy", "mode": s.mode, "last_tick": s.last_tick,
            "sim_now": s.sim_now}
    if not s.healthy:
        body["reason"] = s.reason
    return json_response(body, 200 if s.healthy else 503)


async def status(request: web.Request) -> web.Response:
    points = request.query.get("points", "1") not in ("0", "false", "no")
    return json_response(snapshot_dict(request, points=points))


async def metrics(request: web.Request) -> web.Response:
    payload = generate_latest(request.app[REGISTRY])
    return web.Response(body=payload, headers={"Content-Type": CONTENT_TYPE_LATEST})


async def events(request: web.Request) -> web.StreamResponse:
    """Server-sent events: the backlog after ``?since=``, then live events."""
    engine = request.app[ENGINE]
    try:
        since = int(request.query.get("since", "0"))
    except ValueError:
        raise web.HTTPBadRequest(text='{"error": "since must be an integer"}', content_type="application/json")
    resp = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"})
    await resp.prepare(request)
    queue = engine.subscribe()
    try:
        last = since
        for event in engine.recent_events(since):
            await _send_event(resp, event)
            last = event.seq
        while True:
            try:
                event = await asyncio.wait_for(queue.get(), SSE_HEARTBEAT_S)
            except asyncio.TimeoutError:
                await resp.write(b": keep-alive\n\n")
                continue
            if event.seq > last:
                await _send_event(resp, event)
                last = event.seq
    except (ConnectionResetError, asyncio.CancelledError):
        pass
    finally:
        engine.unsubscribe(queue)
    return resp


async def _send_event(resp: web.StreamResponse, event) -> None:
    await resp.write(f"id: {event.seq}\nevent: {event.kind}\ndata: {json.dumps(event.to_dict(), default=str)}\n\n".encode())


async def history(request: web.Request) -> web.Response:
    now = request.app[ENGINE].snapshot.sim_now or time.time()
    start = _instant(request.query.get("start"), "start", now - DAY)
    end = _instant(request.query.get("end"), "end", now + 1)
    if end <= start:
        raise web.HTTPBadRequest(text='{"error": "end must be after start"}', content_type="application/json")
    rows = await request.app[ENGINE].history(request.match_info["point_id"], start, end)
    return json_response({"point": request.match_info["point_id"], "rows": [list(r) for r in rows]})


def _instant(text: str | None, name: str, default: float) -> int:
    if text is None:
        return int(default)
    try:
        return parse_instant(text, name)
    except HaystackError as exc:
        raise web.HTTPBadRequest(text=json.dumps({"error": str(exc)}), content_type="application/json") from None


async def control(request: web.Request) -> web.Response:
    check_control(request, request.app[SETTINGS].api_token)
    action = request.match_info["action"]
    engine = request.app[ENGINE]
    if action == "pause":
        await engine.pause()
    elif action == "resume":
        await engine.resume()
    elif action == "backfill":
        start, end = await _backfill_body(request)
        await engine.backfill(start, end)
        return json_response({"accepted": True, "action": action, "start": start, "end": end}, 202)
    elif action == "validate":
        checks = await engine.validate()
        return json_response({"passed": all(c.passed for c in checks), "checks": [c.__dict__ for c in checks]})
    else:
        raise web.HTTPNotFound()
    return json_response({"accepted": True, "action": action, "mode": engine.snapshot.mode})


async def _backfill_body(request: web.Request) -> tuple[int, int]:
    def bad(msg: str) -> web.HTTPBadRequest:
        return web.HTTPBadRequest(text=json.dumps({"error": msg}), content_type="application/json")

    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
        raise bad("body must be JSON: {\"start\": ISO, \"end\": ISO}") from None
    if not isinstance(body, dict) or not isinstance(body.get("start"), str) or not isinstance(body.get("end"), str):
        raise bad("body must be a JSON object with string fields start and end (ISO 8601)")
    try:
        start, end = parse_instant(body["start"], "start"), parse_instant(body["end"], "end")
    except HaystackError as exc:
        raise bad(str(exc)) from None
    if end <= start:
        raise bad("end must be after start")
    return start, end


async def _observe_ticks(app: web.Application) -> None:
    """Feed the tick-duration histogram from the engine's events."""
    engine, hist = app[ENGINE], app[TICK_HISTOGRAM]
    queue = engine.subscribe()
    try:
        while True:
            event = await queue.get()
            if event.kind == "tick_written" and "seconds" in event.details:
                hist.observe(float(event.details["seconds"]))
    finally:
        engine.unsubscribe(queue)


async def _background(app: web.Application):
    task = asyncio.create_task(_observe_ticks(app))
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def make_app(engine, settings: Settings) -> web.Application:
    """The aiohttp application over a (started or not) engine."""
    app = web.Application(client_max_size=settings.max_body, middlewares=[errors_as_json])
    app[ENGINE] = engine
    app[SETTINGS] = settings
    app[EXTRA] = {}
    app[REGISTRY], app[TICK_HISTOGRAM] = make_registry(engine)
    app.router.add_get("/health", health)
    app.router.add_get("/status", status)
    app.router.add_get("/metrics", metrics)
    app.router.add_get("/events", events)
    app.router.add_get("/history/{point_id}", history)
    app.router.add_post("/control/{action}", control)
    add_haystack_routes(app, engine, settings)
    app.cleanup_ctx.append(_background)
    return app
