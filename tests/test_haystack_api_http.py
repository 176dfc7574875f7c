"""The Haystack HTTP API at the HTTP level: auth answers, negotiation, GET queries, error grids, limits, sessions."""

from __future__ import annotations

import asyncio
import base64
import json
import re

import pytest
import pytest_asyncio
from aiohttp import ClientSession
from aiohttp.test_utils import TestClient, TestServer
from phable.auth.scram import ScramScheme

from haystack_tui.config import Settings
from haystack_tui.engine.compose import build_engine
from headless.app import make_app
from headless.haystack.json_codec import decode_grid
from tests.test_haystack_api import METER, PASSWORD, SITE, STATUS, TEMP, USER, start_service

pytestmark = pytest.mark.asyncio(loop_scope="module")

MAX_BODY = 4096
JSON = {"Accept": "application/json"}
ZINC_READ = 'ver:"3.0"\nfilter\n"site"\n'


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def service(server_url, tmp_path_factory):
    svc, cleanup = await start_service(server_url, tmp_path_factory.mktemp("data"), max_body=MAX_BODY)
    async with ClientSession(base_url=f"http://127.0.0.1:{svc.server.port}") as http:
        svc.http = http
        yield svc
    await cleanup()


async def login(service) -> dict[str, str]:
    """Bearer headers for a new session (phable's SCRAM client, in a thread)."""
    token = await asyncio.to_thread(ScramScheme(service.url, USER, PASSWORD, "json").get_auth_token)
    return {"Authorization": f"BEARER authToken={token}"}


async def call(service, op: str, auth: dict, body: str | None = None, **kwargs):
    """(status, grid or text) of one op; POST when there is a body, GET otherwise."""
    headers = {"Accept": "application/json", **auth}
    if body is None:
        r = await service.http.get(f"/api/haystack/{op}", headers=headers, **kwargs)
    else:
        r = await service.http.post(f"/api/haystack/{op}", data=body.encode(),
                                    headers={**headers, "Content-Type": "text/zinc"}, **kwargs)
    text = await r.text()
    return r.status, decode_grid(text) if r.content_type == "application/json" else text


async def sessions(service) -> int:
    return (await (await service.http.get("/status?points=0")).json())["extra"]["haystack_sessions"]


# ---------------------------------------------------------------------- auth


async def test_disabled_without_credentials_explains_how_to_enable(tmp_path):
    s = Settings(database_url="postgresql://nobody@127.0.0.1:1/none", data_dir=tmp_path)
    async with TestClient(TestServer(make_app(build_engine(s), s))) as client:
        r = await client.get("/api/haystack/about", headers=JSON)
        body = await r.json()
        assert r.status == 403 and body["_kind"] == "grid" and body["meta"]["err"] == {"_kind": "marker"}
        assert "HAYSTACK_API_USER" in body["meta"]["dis"] and "HAYSTACK_API_PASSWORD" in body["meta"]["dis"]
        r = await client.get("/api/haystack/about")
        assert r.status == 403 and (await r.text()).startswith('ver:"3.0" err dis:')
        assert "haystack_sessions" not in (await (await client.get("/status?points=0")).json())["extra"]


async def test_missing_or_unknown_bearer_is_401(service):
    r = await service.http.get("/api/haystack/about")
    assert r.status == 401 and r.headers["WWW-Authenticate"] == "HELLO"
    r = await service.http.get("/api/haystack/read?filter=site", headers={"Authorization": "BEARER authToken=abc123"})
    assert r.status == 401
    r = await service.http.get("/api/haystack/about", headers={"Authorization": "BEARER"})
    assert r.status == 401, "a bearer without a token"
    r = await service.http.get("/api/haystack/about", headers={"Authorization": "Bearer nonsense"})
    assert r.status == 400, "not the Haystack header syntax"


async def test_unknown_user_gets_the_same_first_answers(service):
    def b64(text: str) -> str:
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    answers = []
    for user in (USER, "mallory"):
        r = await service.http.get("/api/haystack/about", headers={"Authorization": f"HELLO username={b64(user)}"})
        hello = re.fullmatch(r"SCRAM handshakeToken=([0-9a-f]{32}), hash=SHA-256", r.headers["WWW-Authenticate"])
        assert r.status == 401 and hello
        first = f"SCRAM handshakeToken={hello.group(1)}, data={b64(f'n,,n={user},r=abcdef0123456789')}"
        r = await service.http.get("/api/haystack/about", headers={"Authorization": first})
        data = re.search(r"data=([A-Za-z0-9_-]+)", r.headers["WWW-Authenticate"]).group(1)
        server_first = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)).decode()
        answers.append((r.status, re.sub(r"[A-Za-z0-9+/=]", "x", server_first)))
    assert answers[0] == answers[1] and answers[0][0] == 401, "same status and shape for both users"


async def test_sessions_are_counted_for_status_and_metrics_and_expire(service):
    before = await sessions(service)
    auth = await login(service)
    assert await sessions(service) == before + 1
    metrics = await (await service.http.get("/metrics")).text()
    assert f"haystack_api_sessions {before + 1}.0" in metrics
    assert (await call(service, "close", auth, 'ver:"3.0"\nempty\n'))[0] == 200
    assert await sessions(service) == before
    assert (await call(service, "about", auth))[0] == 401, "closed"
    auth = await login(service)
    service.api.auth.idle_timeout = 0.3
    try:
        await asyncio.sleep(0.6)
        assert (await call(service, "about", auth))[0] == 401, "expired after idle time"
        assert await sessions(service) == 0
    finally:
        service.api.auth.idle_timeout = 1800.0


# ---------------------------------------------------------------------- encodings and GET


async def test_content_negotiation(service):
    auth = await login(service)
    r = await service.http.get("/api/haystack/about", headers={**auth, "Accept": "text/html"})
    assert r.status == 406
    r = await service.http.get("/api/haystack/about", headers=auth)
    assert r.status == 200 and r.content_type == "text/zinc" and (await r.text()).startswith('ver:"3.0"\n')
    r = await service.http.post("/api/haystack/read", data=f'ver:"3.0"\nid\n@{SITE}\n@nope\n',
                                headers={**auth, "Accept": "application/json", "Content-Type": "text/zinc"})
    body = json.loads(await r.text())
    assert body["_kind"] == "grid" and body["meta"] == {"ver": "3.0"}
    assert body["rows"][1] == {}, "null cells are left out"
    assert body["rows"][0]["geoCoord"]["_kind"] == "coord"
    r = await service.http.get(f"/api/haystack/read?id=@{METER}", headers={**auth, **JSON})
    row = (await r.json())["rows"][0]
    assert row["hisStart"]["_kind"] == "dateTime" and row["hisStart"]["tz"] == "New_York"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-0[45]:00", row["hisStart"]["val"])
    assert row["curVal"]["_kind"] == "number" and row["curVal"]["unit"] == "kWh"
    assert row["hisTotalized"] == {"_kind": "marker"} and row["hisMode"] == "consumption"


async def test_get_with_zinc_query_parameters(service):
    auth = await login(service)
    status, grid = await call(service, "read", auth, params={"filter": "point and his", "limit": "3"})
    assert status == 200 and len(grid.rows) == 3
    status, grid = await call(service, "read", auth, params={"filter": '"site"'})
    assert [r["id"].id for r in grid.rows] == [SITE]
    status, grid = await call(service, "hisRead", auth, params={"id": f"@{STATUS}", "range": "yesterday"})
    assert status == 200 and len(grid.rows) == 96 and all(isinstance(r.get("val", True), bool) for r in grid.rows)
    day = grid.meta["hisStart"].date().isoformat()
    status, by_date = await call(service, "hisRead", auth, params={"id": f"@{STATUS}", "range": day})
    assert by_date.rows == grid.rows
    status, grid = await call(service, "nav", auth, params={"navId": f"@{SITE}"})
    assert status == 200 and len(grid.rows) == 61
    assert (await call(service, "watchSub", auth, params={"watchDis": "x"}))[0] == 405, "side effects need POST"
    assert (await call(service, "about", auth, 'ver:"3.0"\nempty\n'))[0] == 200, "POST works for every op"
    r = await service.http.delete("/api/haystack/read", headers=auth)
    assert r.status == 405


async def test_ops_formats_and_filetypes(service):
    auth = await login(service)
    _, ops = await call(service, "ops", auth)
    names = {r["name"]: "noSideEffects" in r for r in ops.rows}
    assert names == {"about": True, "close": False, "filetypes": True, "formats": True, "hisRead": True, "nav": True,
                     "ops": True, "read": True, "watchPoll": False, "watchSub": False, "watchUnsub": False}
    _, formats = await call(service, "formats", auth)
    assert sorted(r["mime"] for r in formats.rows if "receive" in r and "send" in r) == ["application/json",
                                                                                       "text/zinc"]
    _, filetypes = await call(service, "filetypes", auth)
    assert sorted(r["def"].val for r in filetypes.rows) == ["filetype:json", "filetype:zinc"]


# ---------------------------------------------------------------------- errors and limits


async def test_error_grids(service):
    auth = await login(service)
    for op in ("pointWrite", "hisWrite", "invokeAction"):
        status, grid = await call(service, op, auth, f'ver:"3.0"\nid,val\n@{TEMP},1\n')
        assert status == 200 and grid.is_error and "read-only" in grid.meta["dis"]
    status, grid = await call(service, "read", auth, params={"filter": "point and and"})
    assert status == 200 and grid.is_error and "position 10" in grid.meta["dis"]
    status, grid = await call(service, "hisRead", auth, params={"id": f"@{TEMP}", "range": "2026-13-01"})
    assert grid.is_error and "range" in grid.meta["dis"]
    status, grid = await call(service, "hisRead", auth, params={"id": "@nope", "range": "today"})
    assert grid.is_error and "@nope" in grid.meta["dis"]
    status, grid = await call(service, "watchPoll", auth, 'ver:"3.0" watchId:"w-nope"\nempty\n')
    assert grid.is_error and "w-nope" in grid.meta["dis"]
    status, grid = await call(service, "defs", auth)
    assert status == 404 and grid.is_error
    status, grid = await call(service, "read", auth, "ver:3.0 oops")
    assert status == 400 and grid.is_error
    r = await service.http.post("/api/haystack/read", data=ZINC_READ, headers={**auth, "Content-Type": "text/csv"})
    assert r.status == 415


async def test_size_limit(service):
    auth = await login(service)
    body = 'ver:"3.0"\nid\n' + "".join(f"@{TEMP}\n" for _ in range(MAX_BODY // 10))
    status, grid = await call(service, "read", auth, body)
    assert status == 413 and "too large" in grid.meta["dis"]


async def test_limits_mark_grids_incomplete(service):
    auth = await login(service)
    ops = service.api.ops
    ops.read_limit, ops.his_limit = 50, 10
    try:
        _, grid = await call(service, "read", auth, params={"filter": "point"})
        assert len(grid.rows) == 50 and "limit" in grid.meta["incomplete"]
        _, grid = await call(service, "read", auth, params={"filter": "point", "limit": "20"})
        assert len(grid.rows) == 20 and "incomplete" not in grid.meta, "the client's own limit is no truncation"
        _, grid = await call(service, "read", auth, 'ver:"3.0"\nid\n' + f"@{SITE}\n" * 60)
        assert len(grid.rows) == 50 and "incomplete" in grid.meta
        _, grid = await call(service, "hisRead", auth, params={"id": f"@{TEMP}", "range": "yesterday"})
        assert len(grid.rows) == 10 and "incomplete" in grid.meta
        assert grid.meta["hisEnd"].timestamp() == grid.rows[-1]["ts"].timestamp() + 900, "hisEnd: where to read on"
        _, grid = await call(service, "hisRead", auth, f'ver:"3.0" range:"yesterday"\nid\n@{TEMP}\n@{STATUS}\n')
        assert len(grid.rows) == 5 and grid.col_names == ["ts", "v0", "v1"] and "incomplete" in grid.meta
        ops.his_limit = 96
        _, grid = await call(service, "hisRead", auth, params={"id": f"@{TEMP}", "range": "yesterday"})
        assert len(grid.rows) == 96 and "incomplete" not in grid.meta, "exactly the limit is complete"
    finally:
        ops.read_limit, ops.his_limit = 10_000, 100_000


async def test_big_grids_are_built_and_encoded_in_a_thread_with_the_same_answer(service, monkeypatch):
    import headless.haystack.ops as ops_module
    import headless.haystack.server as server_module

    auth = await login(service)
    query = f'ver:"3.0" range:"yesterday"\nid\n@{TEMP}\n@{STATUS}\n'
    _, on_loop = await call(service, "hisRead", auth, query)
    monkeypatch.setattr(ops_module, "OFF_LOOP_ROWS", 10)
    monkeypatch.setattr(server_module, "OFF_LOOP_ROWS", 10)
    _, threaded = await call(service, "hisRead", auth, query)
    assert len(threaded.rows) == 96 and threaded == on_loop
