"""The HTTP surface through aiohttp's test client, on a real engine and database."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from aiohttp.test_utils import TestClient, TestServer

from tests.helpers import POINTS
from haystack_tui.engine.compose import build_engine
from haystack_tui.store.urls import mask_url
from headless.app import make_app

TOKEN = "s3cret-token"


async def wait_for(predicate, timeout=60.0, step=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        await asyncio.sleep(step)
    raise AssertionError("condition not reached in time")


@pytest.fixture
async def service(settings):
    s = settings.with_overrides(api_token=TOKEN, speed=900.0, history_days=1, max_body=4096)
    engine = build_engine(s)
    await engine.start()
    client = TestClient(TestServer(make_app(engine, s)))
    await client.start_server()
    await wait_for(lambda: engine.snapshot.mode == "running")
    yield engine, client
    await client.close()
    await engine.stop()


async def test_health_status_metrics(service):
    engine, client = service
    r = await client.get("/health")
    assert r.status == 200 and (await r.json())["status"] == "healthy"
    status = await (await client.get("/status")).json()
    assert status["mode"] in ("running", "backfilling") and len(status["points"]) == POINTS
    assert status["database"] == mask_url(engine.settings.database_url)
    assert TOKEN not in json.dumps(status)
    assert (await (await client.get("/status?points=0")).json())["points"] == []
    text = await (await client.get("/metrics")).text()
    for name in ("haystack_rows_written_total", "haystack_gap_intervals", "haystack_tick_duration_seconds_bucket",
                 "haystack_last_sample_timestamp_seconds", 'haystack_totalizer_value{point="point-meter-main-electric-energy"'):
        assert name in text


async def test_ticks_arrive_on_the_grid(service):
    engine, _ = service
    first = engine.snapshot.last_tick
    await wait_for(lambda: (engine.snapshot.last_tick or 0) >= first + 3 * 900, timeout=30)
    assert engine.snapshot.last_tick % 900 == 0


async def test_control_requires_token(service):
    engine, client = service
    assert (await client.post("/control/pause")).status == 401
    assert (await client.post("/control/pause", headers={"Authorization": "Bearer wrong"})).status == 401
    assert (await client.post("/control/pause", headers={"Authorization": f"Basic {TOKEN}"})).status == 401
    assert engine.snapshot.mode == "running"
    r = await client.post("/control/pause", headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status == 200 and engine.snapshot.mode == "paused"
    paused_at = engine.snapshot.last_tick
    await asyncio.sleep(2.5)
    assert engine.snapshot.last_tick == paused_at, "no writes while paused"
    r = await client.post("/control/resume", headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status == 200
    await wait_for(lambda: engine.snapshot.mode == "running" and engine.snapshot.last_tick > paused_at + 900)
    assert engine.snapshot.gap.missing_intervals == 0, "resume filled the paused span"


async def test_control_disabled_without_token(settings):
    s = settings.with_overrides(speed=900.0, history_days=1)
    engine = build_engine(s)
    async with TestClient(TestServer(make_app(engine, s))) as client:
        r = await client.post("/control/pause", headers={"Authorization": "Bearer anything"})
        assert r.status == 403 and "HAYSTACK_API_TOKEN" in (await r.json())["error"]


@pytest.mark.parametrize("body, ctype", [
    (b"{not json", "application/json"),
    (b'{"start": 5}', "application/json"),
    (b'{"start": "2026-01-02", "end": "2026-01-01"}', "application/json"),
    (b'{"start": "yesterday", "end": "today"}', "application/json"),
    (b"[]", "application/json"),
])
async def test_malformed_backfill_bodies_are_400(service, body, ctype):
    engine, client = service
    r = await client.post("/control/backfill", data=body,
                          headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": ctype})
    assert r.status == 400 and "error" in await r.json()
    assert engine.snapshot.mode == "running"


async def test_size_limit_unknown_paths_wrong_methods(service):
    _, client = service
    r = await client.post("/control/backfill", data=b"x" * 10000, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status == 413 and "too large" in (await r.json())["error"]
    assert (await client.get("/nope")).status == 404
    assert (await client.post("/health")).status == 405
    assert (await client.get("/control/pause")).status == 405


async def test_forced_backfill_and_history(service):
    engine, client = service
    start = engine.snapshot.last_tick - 3 * 86400
    body = json.dumps({"start": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start)),
                       "end": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start + 86400))})
    r = await client.post("/control/backfill", data=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status == 202
    await wait_for(lambda: any(e.kind == "backfill_done" for e in engine.recent_events()))
    r = await client.get(f"/history/point-ahu-1-supplyTemp?start={start}")
    assert r.status == 400  # not ISO
    iso = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start))
    rows = (await (await client.get(f"/history/point-ahu-1-supplyTemp?start={iso}")).json())["rows"]
    assert len(rows) >= 96 and all(r[0] % 900 == 0 for r in rows)


async def test_events_stream(service):
    engine, client = service
    r = await client.get("/events?since=0")
    assert r.headers["Content-Type"].startswith("text/event-stream")
    chunk = await asyncio.wait_for(r.content.readuntil(b"\n\n"), 10)
    assert chunk.startswith(b"id: 1\n") and b"data: " in chunk
    r.close()
