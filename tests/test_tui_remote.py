"""The console attached over HTTP to a real headless service.

The service is the real aiohttp application (``headless.app.make_app``) over a
real engine on a fresh database, served on a local port by aiohttp's
``TestServer``; the console talks to it with ``RemoteSource`` exactly as
``haystack-tui console --attach URL --token T`` would. Also: what the operator
sees when the URL is wrong, the service is unreachable or the token is refused.
"""

from __future__ import annotations

import contextlib
import socket

from aiohttp.test_utils import TestServer

from haystack_tui.engine.compose import build_engine
from haystack_tui.tui.app import HaystackApp, make_app
from haystack_tui.tui.remote import RemoteSource
from haystack_tui.tui.screens import PointDetailScreen
from haystack_tui.tui.widgets import PointsTable, ValidationTable
from headless.app import make_app as make_service
from tests.test_tui_engine import SIZE, log_text, status_text, wait_for

TOKEN = "s3cret-token"


@contextlib.asynccontextmanager
async def service(settings, token: str | None = TOKEN):
    """A started engine behind the real HTTP service; yields (engine, base URL)."""
    settings = settings.with_overrides(speed=900.0, history_days=1, api_token=token)
    engine = build_engine(settings)
    server = TestServer(make_service(engine, settings), host="127.0.0.1")
    await server.start_server()
    await engine.start()
    try:
        yield engine, str(server.make_url("")).rstrip("/")
    finally:
        await engine.stop()
        await server.close()


async def running(pilot, app: HaystackApp) -> None:
    await wait_for(pilot, lambda: app.snapshot.mode == "running" and app.snapshot.last_tick is not None,
                   what="the remote engine to run")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_attached_console_shows_and_controls_the_remote_engine(settings):
    async with service(settings) as (engine, url):
        app = make_app(settings, attach=url, token=TOKEN)
        async with app.run_test(size=SIZE) as pilot:
            await running(pilot, app)
            assert app.sub_title == f"attached to {url}"
            await wait_for(pilot, lambda: app.query_one(PointsTable).row_count == len(engine.snapshot.points),
                           what="the points")
            await wait_for(pilot, lambda: "started" in log_text(app), what="events over the stream")
            await pilot.press("p")
            await wait_for(pilot, lambda: engine.snapshot.mode == "paused", what="the engine to pause")
            await wait_for(pilot, lambda: "PAUSED" in status_text(app), what="PAUSED on screen")
            await pilot.press("r")
            await wait_for(pilot, lambda: engine.snapshot.mode == "running", what="the engine to resume")
            await wait_for(pilot, lambda: "RUNNING" in status_text(app), what="RUNNING on screen")
            await pilot.press("v")
            await wait_for(pilot, lambda: app.query_one(ValidationTable).row_count > 0, timeout=120,
                           what="validation results over HTTP")
            assert app.query_one(ValidationTable).row_count == len(engine.snapshot.validation)
            await pilot.press("b", "enter")
            await wait_for(pilot, lambda: "backfill_requested" in log_text(app), what="the backfill request")


async def test_attached_console_charts_history_from_the_service(settings):
    async with service(settings) as (engine, url):
        app = make_app(settings, attach=url, token=TOKEN)
        async with app.run_test(size=SIZE) as pilot:
            await running(pilot, app)
            await wait_for(pilot, lambda: app.query_one(PointsTable).row_count > 0, what="the points")
            await pilot.press("enter")
            screen = app.screen
            assert isinstance(screen, PointDetailScreen)
            summary = screen.query_one("#summary")
            await wait_for(pilot, lambda: "intervals" in str(summary.render()), what="the history")
            assert str(summary.render()).startswith("96 of 96 intervals")


async def test_a_wrong_token_is_reported_and_changes_nothing(settings):
    async with service(settings) as (engine, url):
        app = make_app(settings, attach=url, token="not-the-token")
        async with app.run_test(size=SIZE) as pilot:
            await running(pilot, app)
            await pilot.press("p")
            await wait_for(pilot, lambda: "refused the control token" in log_text(app), what="the refusal")
            assert any("refused the control token (401)" in n.message for n in app._notifications)
            await pilot.pause(0.5)
            assert engine.snapshot.mode == "running" and "RUNNING" in status_text(app)


async def test_control_disabled_on_the_service_is_reported(settings):
    async with service(settings, token=None) as (engine, url):
        app = make_app(settings, attach=url, token="anything")
        async with app.run_test(size=SIZE) as pilot:
            await running(pilot, app)
            await pilot.press("v")
            await wait_for(pilot, lambda: "control is disabled on the service (403)" in log_text(app),
                           what="the 403 explained")
            assert engine.snapshot.mode == "running"


async def test_an_unreachable_service_is_a_message_not_a_traceback(settings):
    url = f"http://127.0.0.1:{free_port()}"
    app = make_app(settings, attach=url, token=TOKEN)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "DISCONNECTED" in status_text(app), what="the disconnected status")
        assert f"cannot reach {url}" in status_text(app)
        await pilot.press("p")  # commands fail politely too
        await wait_for(pilot, lambda: "pause failed: cannot reach" in log_text(app), what="the failed command")
        assert app.is_running


async def test_a_url_that_is_not_http_is_a_message(settings):
    app = HaystackApp(RemoteSource("localhost:8080", TOKEN))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "DISCONNECTED" in status_text(app), what="the message")
        assert "'localhost:8080' is not an http:// or https:// URL" in status_text(app)
