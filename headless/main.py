"""Running the service: bind the port first, then start the engine, then wait for a signal.

Binding before the engine starts means a port conflict fails at once, before
anything is written. SIGTERM/SIGINT stop the engine (the chunk in flight
commits or rolls back, state ``stopped``, lock released) and exit 0.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import signal

from aiohttp import web

from haystack_tui.config import Settings
from haystack_tui.engine.compose import build_engine
from haystack_tui.errors import RuntimeFailure
from headless.app import make_app

log = logging.getLogger("headless")


def serve(settings: Settings) -> int:
    return asyncio.run(_serve(settings))


async def _serve(settings: Settings) -> int:
    engine = build_engine(settings)
    app = make_app(engine, settings)
    runner = web.AppRunner(app, handle_signals=False, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "0.0.0.0", settings.port, shutdown_timeout=2.0)
    try:
        await site.start()
    except OSError as exc:
        await runner.cleanup()
        if exc.errno == errno.EADDRINUSE:
            raise RuntimeFailure(f"port {settings.port} is already in use (set PORT to a free port)") from None
        raise RuntimeFailure(f"cannot listen on port {settings.port}: {exc.strerror}") from None
    log.info("listening on 0.0.0.0:%s", settings.port, extra={"fields": {"port": settings.port,
                                                                         "settings": settings.redacted()}})
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await engine.start()
    try:
        await stop.wait()
    finally:
        log.info("stopping")
        await engine.stop()
        await runner.cleanup()
    log.info("stopped")
    return 0
