"""The Haystack HTTP API through phable, a real client from PyPI, on a real engine and database.

phable is synchronous (urllib), so its calls run in a thread while the
service answers on the test's event loop. One service per module: starting
an engine and backfilling the DST days costs seconds, and these tests only read.
"""

from __future__ import annotations

import asyncio
import time
import urllib.error
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import pytest_asyncio
from aiohttp import web
from aiohttp.test_utils import TestServer
from phable import (
    AuthError, CallError, DateRange, DateTimeRange, Grid, GridCol, HaystackClient, Number, Ref, UnknownRecError,
)

from haystack_tui.config import Settings
from haystack_tui.engine.clock import SimClock
from haystack_tui.engine.compose import build_engine
from headless.app import make_app
from headless.haystack.server import HAYSTACK, HaystackApi
from tests.fix_database import create_database, drop_database

pytestmark = pytest.mark.asyncio(loop_scope="module")

USER, PASSWORD = "alice", "pencil123"
NY = ZoneInfo("America/New_York")
SITE = "site-downtown-tower"
TEMP = "point-ahu-1-supplyTemp"
STATUS = "point-ahu-1-status"
METER = "point-meter-main-electric-energy"
SPRING, FALL = date(2026, 3, 8), date(2026, 11, 1)
"""2026's DST days in New York: 23 and 25 hours long."""


async def wait_for(predicate, timeout=60.0, step=0.05):
    """Wait until ``predicate()`` (sync or async) is true."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        await asyncio.sleep(step)
    raise AssertionError("condition not reached in time")


@dataclass
class Service:
    engine: object
    app: web.Application
    server: TestServer

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.port}/api/haystack"

    @property
    def api(self) -> HaystackApi:
        return self.app[HAYSTACK]


async def start_service(server_url: str, data_dir, **overrides):
    """(service, cleanup) on a fresh database: engine running, HTTP listening on 127.0.0.1."""
    url = create_database(server_url)
    s = Settings(database_url=url, data_dir=data_dir).with_overrides(
        speed=900.0, history_days=3, api_user=USER, api_password=PASSWORD, **overrides)
    # The simulated day starts at 01:00: at 900x a day lasts 96 s, so "today" and "yesterday"
    # stay put while a module runs (about 20 s) instead of rolling over at a random moment.
    one_am = datetime.combine(datetime.now(NY).date(), datetime.min.time().replace(hour=1), NY)
    engine = build_engine(s, clock=SimClock(s.speed, anchor_sim=one_am.timestamp()))
    await engine.start()
    app = make_app(engine, s)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()

    async def cleanup():
        await server.close()
        await engine.stop()
        drop_database(server_url, url)

    try:
        await wait_for(lambda: engine.snapshot.mode == "running")
    except BaseException:
        await cleanup()
        raise
    return Service(engine, app, server), cleanup


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def service(server_url, tmp_path_factory):
    svc, cleanup = await start_service(server_url, tmp_path_factory.mktemp("data"))
    yield svc
    await cleanup()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def dst_history(service):
    """Both 2026 DST days (and a day either side) backfilled."""
    engine = service.engine
    for day in (SPRING, FALL):
        start = datetime.combine(day - timedelta(days=1), datetime.min.time(), NY)
        await engine.backfill(int(start.timestamp()), int((start + timedelta(days=3)).timestamp()))

    async def stored(day: date, n: int) -> bool:
        lo = datetime.combine(day, datetime.min.time(), NY)
        return len(await engine.history(TEMP, int(lo.timestamp()), int(lo.timestamp()) + 26 * 3600)) >= n

    async def both() -> bool:
        return await stored(SPRING, 96 + 4) and await stored(FALL, 96 + 4)

    await wait_for(both, timeout=120)
    return service


async def login(service: Service, content_type: str = "json") -> HaystackClient:
    return await asyncio.to_thread(HaystackClient.open, service.url, USER, PASSWORD, content_type=content_type)


async def ph(fn, *args, **kwargs):
    """A blocking phable call, off the event loop that serves it."""
    return await asyncio.to_thread(fn, *args, **kwargs)


def ids(grid: Grid) -> list[str]:
    return [row["id"].val for row in grid.rows]


def sim_today(service: Service) -> date:
    return datetime.fromtimestamp(service.engine.snapshot.sim_now, NY).date()


# ---------------------------------------------------------------------- sessions


async def test_login_about_and_close(service):
    client = await login(service)
    about = await ph(client.about)
    assert about["haystackVersion"] == "4.0" and about["tz"] == "New_York"
    assert about["productName"] == "haystack-tui" and about["serverName"] == "Downtown Office Tower"
    assert about["serverTime"].tzinfo.key == "America/New_York"
    assert abs(about["serverTime"].timestamp() - service.engine.snapshot.sim_now) < 3600, "simulated now"
    await ph(client.close)
    with pytest.raises(urllib.error.HTTPError) as err:
        await ph(client.about)
    assert err.value.code == 401, "the token died with close"


async def test_wrong_password_unknown_user_and_bogus_token_are_refused(service):
    with pytest.raises(AuthError):
        await ph(HaystackClient.open, service.url, USER, "wrong-password")
    with pytest.raises(AuthError):
        await ph(HaystackClient.open, service.url, "mallory", PASSWORD)
    with pytest.raises(urllib.error.HTTPError) as err:
        await ph(HaystackClient(service.url, "0" * 64).about)
    assert err.value.code == 401


# ---------------------------------------------------------------------- entities


async def test_read_sites_equips_and_points_by_filter(service):
    client = await login(service)
    sites = await ph(client.read_all, "site")
    assert ids(sites) == [SITE] and sites.rows[0]["tz"] == "New_York"
    equips = await ph(client.read_all, f"equip and siteRef == @{SITE}")
    assert len(equips.rows) == 60 and "equip-ahu-1" in ids(equips)
    ahu_points = await ph(client.read_all, "point and equipRef->ahu and equipRef->dis == \"AHU-1 Floors 1-3\"")
    assert len(ahu_points.rows) == 11 and TEMP in ids(ahu_points)
    temp = next(r for r in ahu_points.rows if r["id"].val == TEMP)
    assert temp["curStatus"] in ("ok", "stale", "fault") and temp["unit"] == "°F"
    assert temp["hisStart"] < temp["hisEnd"] and temp["hisSize"].val >= 3 * 96
    assert temp["id"].dis == "AHU-1 Floors 1-3 Supply Air Temp" and temp["kind"] == "Number"
    numbers = await ph(client.read_all, "point and kind == \"Number\" and unit and curVal")
    assert len(numbers.rows) > 200 and all(r["curVal"].unit == r["unit"] for r in numbers.rows)
    bools = await ph(client.read_all, "point and kind == \"Bool\" and curVal")
    assert len(bools.rows) > 20 and all(isinstance(r["curVal"], bool) for r in bools.rows)
    assert len((await ph(client.read_all, "point", 7)).rows) == 7
    zone_temps = await ph(client.read_all, "point and zone and air and temp and sensor")  # docs/haystack-api.md
    assert len(zone_temps.rows) == 48 and "point-vav-3-south-zoneTemp" in ids(zone_temps)
    meters = await ph(client.read_all, "hisTotalized")
    assert len(meters.rows) == 5 and all(r["hisMode"] == "consumption" for r in meters.rows)
    assert ids(await ph(client.read_all, "point and unit == \"°F\" and curVal > 200°F")) == []
    warm = await ph(client.read_all, "point and unit == \"°F\" and curVal > -100°F")
    assert len(warm.rows) > 50, "comparisons run over the live tags too"
    await ph(client.close)


async def test_a_bad_filter_is_an_error_grid_naming_the_position(service):
    client = await login(service)
    with pytest.raises(CallError) as err:
        await ph(client.read_all, "point and (his or")
    assert "position 17" in err.value.help_msg.meta["dis"]
    await ph(client.close)


async def test_read_by_ids_with_an_unknown_id(service):
    client = await login(service)
    grid = await ph(client.read_by_ids, [Ref(TEMP), Ref(SITE)])
    assert ids(grid) == [TEMP, SITE]
    assert (await ph(client.read_by_id, Ref(METER)))["hisTotalized"] is not None
    with pytest.raises(UnknownRecError):
        await ph(client.read_by_ids, [Ref(SITE), Ref("nope")])
    grid = await ph(client.call, "read", Grid.to_grid([{"id": Ref(SITE)}, {"id": Ref("nope")}, {"id": Ref(TEMP)}]))
    assert [r.get("id") and r["id"].val for r in grid.rows] == [SITE, None, TEMP]
    assert grid.rows[1] == {}, "an unknown id gives an empty row"
    await ph(client.close)


async def test_nav_site_equips_points(service):
    client = await login(service)
    sites = await ph(client.call, "nav")
    assert ids(sites) == [SITE] and sites.rows[0]["navId"] == SITE
    equips = await ph(client.call, "nav", Grid.to_grid({"navId": SITE}))
    assert len(equips.rows) == 61 and all("navId" in r for r in equips.rows)  # 60 equips + the weather station
    points = await ph(client.call, "nav", Grid.to_grid({"navId": Ref("equip-ahu-1")}))
    assert len(points.rows) == 11 and all("his" in r and "navId" not in r for r in points.rows)
    with pytest.raises(CallError):
        await ph(client.call, "nav", Grid.to_grid({"navId": "nowhere"}))
    await ph(client.close)


# ---------------------------------------------------------------------- history


def check_his(grid: Grid, point: str, start: datetime, end: datetime, n: int) -> None:
    assert grid.meta["id"].val == point
    assert grid.meta["hisStart"] == start and grid.meta["hisEnd"] == end
    assert grid.meta["hisStart"].tzinfo.key == "America/New_York"
    assert [c.name for c in grid.cols] == ["ts", "val"]
    assert len(grid.rows) == n, f"{len(grid.rows)} samples, expected {n}"
    stamps = [r["ts"].timestamp() for r in grid.rows]  # same-zone datetimes compare as wall clock
    assert stamps == sorted(set(stamps)) and all(start.timestamp() <= t < end.timestamp() for t in stamps)
    assert all(t % 900 == 0 for t in stamps)
    assert all(r["ts"].tzinfo.key == "America/New_York" for r in grid.rows)


def midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), NY)


async def test_his_read_every_range_form(service):
    client = await login(service)
    today = sim_today(service)
    yesterday = today - timedelta(days=1)
    point = Ref(TEMP)
    check_his(await ph(client.call, "hisRead", Grid.to_grid({"id": point, "range": "yesterday"})),
              TEMP, midnight(yesterday), midnight(today), 96)
    grid = await ph(client.call, "hisRead", Grid.to_grid({"id": point, "range": "today"}))
    assert grid.meta["hisStart"] == midnight(today) and 0 < len(grid.rows) <= 96
    assert all(r["ts"].date() == today for r in grid.rows)
    check_his(await ph(client.his_read_by_id, point, yesterday), TEMP, midnight(yesterday), midnight(today), 96)
    two_days = DateRange(yesterday - timedelta(days=1), yesterday)  # the spec's end date is inclusive
    check_his(await ph(client.his_read_by_id, point, two_days), TEMP, midnight(two_days.start), midnight(today), 192)
    six_am = midnight(yesterday) + timedelta(hours=6, minutes=7)
    check_his(await ph(client.his_read_by_id, point, DateTimeRange(six_am, six_am + timedelta(hours=6))),
              TEMP, six_am, six_am + timedelta(hours=6), 24)
    since = await ph(client.his_read_by_id, point, DateTimeRange(six_am))
    assert since.meta["hisStart"] == six_am and len(since.rows) > 96 - 25
    assert since.rows[0]["ts"] == midnight(yesterday) + timedelta(hours=6, minutes=15)
    assert all(isinstance(r["val"], Number) and r["val"].unit == "°F" for r in since.rows if "val" in r)
    with pytest.raises(CallError):
        await ph(client.call, "hisRead", Grid.to_grid({"id": point, "range": "last tuesday"}))
    with pytest.raises(CallError):
        await ph(client.his_read_by_id, Ref("site-downtown-tower"), yesterday)
    await ph(client.close)


async def test_his_read_on_dst_days(dst_history):
    client = await login(dst_history)
    spring = await ph(client.his_read_by_id, Ref(TEMP), SPRING)
    check_his(spring, TEMP, midnight(SPRING), midnight(SPRING + timedelta(days=1)), 92)
    assert spring.rows[0]["ts"].utcoffset() == timedelta(hours=-5)
    assert spring.rows[-1]["ts"].utcoffset() == timedelta(hours=-4)
    fall = await ph(client.his_read_by_id, Ref(TEMP), FALL)
    check_his(fall, TEMP, midnight(FALL), midnight(FALL + timedelta(days=1)), 100)
    offsets = [r["ts"].utcoffset() for r in fall.rows]
    assert offsets.count(timedelta(hours=-4)) == 8 and offsets.count(timedelta(hours=-5)) == 92
    assert [r["ts"].hour for r in fall.rows[4:12]] == [1, 1, 1, 1, 1, 1, 1, 1], "the repeated hour, twice"
    meter = await ph(client.his_read_by_id, Ref(METER), FALL)
    readings = [r["val"].val for r in meter.rows]
    assert readings == sorted(readings) and meter.rows[0]["val"].unit == "kWh"
    status = await ph(client.his_read_by_id, Ref(STATUS), SPRING)
    assert len(status.rows) == 92 and all(isinstance(r["val"], bool) for r in status.rows if "val" in r)
    await ph(client.close)


async def test_his_read_batch(dst_history):
    client = await login(dst_history)
    points = [Ref(TEMP), Ref(STATUS), Ref(METER)]
    grid = await ph(client.his_read_by_ids, points, FALL)
    assert [c.name for c in grid.cols] == ["ts", "v0", "v1", "v2"]
    assert [c.meta["id"].val for c in grid.cols[1:]] == [TEMP, STATUS, METER]
    assert grid.meta["hisStart"] == midnight(FALL) and len(grid.rows) == 100
    single = await ph(client.his_read_by_id, Ref(TEMP), FALL)
    assert [r.get("v0") for r in grid.rows] == [r.get("val") for r in single.rows]
    spring = await ph(client.his_read_by_ids, points, DateRange(SPRING, SPRING))
    assert len(spring.rows) == 92
    await ph(client.close)


# ---------------------------------------------------------------------- watches and Zinc


async def test_watch_current_values(service):
    client = await login(service)
    rows = [{"id": Ref(TEMP)}, {"id": Ref(METER)}, {"id": Ref("nope")}]
    sub = await ph(client.call, "watchSub", Grid.to_grid(rows, {"watchDis": "phable test", "lease": Number(1, "min")}))
    watch_id = sub.meta["watchId"]
    assert sub.meta["lease"] == Number(60, "s")
    assert [r.get("id") and r["id"].val for r in sub.rows] == [TEMP, METER, None]
    assert "curStatus" in sub.rows[0] and "curVal" in sub.rows[1]
    poll_grid = Grid(meta={"ver": "3.0", "watchId": watch_id}, cols=[GridCol("empty")], rows=[])
    last_tick = service.engine.snapshot.last_tick
    await wait_for(lambda: (service.engine.snapshot.last_tick or 0) > last_tick, timeout=30)
    changed = await ph(client.call, "watchPoll", poll_grid)
    assert sorted(ids(changed)) == sorted([METER, TEMP]), "a new tick changes both"
    assert len((await ph(client.call, "watchPoll", poll_grid)).rows) in (0, 2), "only what changed since"
    refresh = Grid(meta={"ver": "3.0", "watchId": watch_id, "refresh": True}, cols=[GridCol("empty")], rows=[])
    assert len((await ph(client.call, "watchPoll", refresh)).rows) == 2
    await ph(client.call, "watchUnsub", Grid.to_grid([{"id": Ref(METER)}], {"watchId": watch_id}))
    assert ids(await ph(client.call, "watchPoll", refresh)) == [TEMP]
    await ph(client.call, "watchUnsub", Grid.to_grid([{"id": Ref(TEMP)}], {"watchId": watch_id, "close": True}))
    with pytest.raises(CallError):
        await ph(client.call, "watchPoll", poll_grid)
    await ph(client.close)


async def test_zinc_client(service):
    client = await login(service, content_type="zinc")
    assert (await ph(client.about))["tz"] == "New_York"
    points = await ph(client.read_all, "point and equipRef == @equip-ahu-1")
    assert len(points.rows) == 11
    yesterday = sim_today(service) - timedelta(days=1)
    grid = await ph(client.his_read_by_id, Ref(STATUS), yesterday)
    assert len(grid.rows) == 96 and grid.meta["hisStart"] == midnight(yesterday)
    assert all(isinstance(r["val"], bool) for r in grid.rows if "val" in r)
    await ph(client.close)
