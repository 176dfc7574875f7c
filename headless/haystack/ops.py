"""The Haystack ops over the engine and the building: a request grid in, a response grid out.

Read-only by design: the simulator generates its history, so write ops answer
with an error grid. Entities are the building's own tags; points gain
``curVal``/``curStatus`` and ``hisStart``/``hisEnd``/``hisSize`` from the
engine's public reads (current values, cached history extents), and history
comes from ``engine.history``. "Now" is the simulated clock, so ``today`` is
the simulated day. Grids are capped (``his_limit`` samples, ``read_limit``
rows) and say so in their meta (``incomplete``). Nothing here speaks SQL,
imports aiohttp or knows about auth: the ``close`` op's token is the server's.
"""

from __future__ import annotations

import asyncio
import importlib.metadata
import math
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Awaitable, Callable
from zoneinfo import ZoneInfo

from haystack_tui.errors import HaystackError
from haystack_tui.model.building import Point
from headless.haystack.filter import FilterError, parse_filter
from headless.haystack.kinds import MARKER, Grid, Number, Ref, Symbol, entity_row, haystack_tz
from headless.haystack.ranges import RangeError, parse_range
from headless.haystack.watches import WatchError, Watches

HIS_ROW_LIMIT = 100_000
"""Most samples one hisRead answers (a batch shares it among its points)."""
READ_ROW_LIMIT = 10_000
"""Most rows one read answers."""
OFF_LOOP_ROWS = 2_000
"""Bigger grids are built (and encoded, see ``server``) in a thread, not on the event loop."""


class OpError(HaystackError):
    """A request the op cannot serve; the server answers it with an error grid."""


@dataclass(frozen=True)
class OpDef:
    name: str
    summary: str
    no_side_effects: bool
    """Safe to call with GET (docHaystack HttpApi)."""


OPS = {op.name: op for op in (
    OpDef("about", "Summary information for server", True),
    OpDef("close", "Close the current session", False),
    OpDef("filetypes", "File types this server can encode and decode", True),
    OpDef("formats", "MIME types this server can encode and decode", True),
    OpDef("hisRead", "Read time series history", True),
    OpDef("nav", "Navigate site, equips and points", True),
    OpDef("ops", "Operations this server supports", True),
    OpDef("read", "Read entities by filter or by id", True),
    OpDef("watchPoll", "Poll a watch for changed current values", False),
    OpDef("watchSub", "Subscribe to current values", False),
    OpDef("watchUnsub", "Unsubscribe from current values", False),
)}
WRITE_OPS = frozenset({"pointWrite", "hisWrite", "invokeAction", "commit"})
"""Ops that would change the building or its history: answered with an error grid."""
_MIMES = (("zinc", "text/zinc", "Zinc"), ("json", "application/json", "JSON"))
_LEASE_UNITS = {None: 1.0, "s": 1.0, "sec": 1.0, "ms": 0.001, "min": 60.0, "h": 3600.0, "hr": 3600.0}


class HaystackOps:
    """One per app. ``his_limit`` and ``read_limit`` may be lowered (tests do)."""

    def __init__(self, engine, watches: Watches | None = None):
        self.engine = engine
        building = engine.building
        self.tz = ZoneInfo(building.tz)
        self.his_limit = HIS_ROW_LIMIT
        self.read_limit = READ_ROW_LIMIT
        self.watches = watches or Watches()
        self._static = {e.id: entity_row(e.id, e.tags) for e in building.entities}
        self._points: dict[str, Point] = building.point_by_id
        self._nav = _nav_tree(self._static)
        self._handlers: dict[str, Callable[[Grid], Awaitable[Grid]]] = {
            "about": self.about, "close": self.close, "filetypes": self.filetypes, "formats": self.formats,
            "hisRead": self.his_read, "nav": self.nav, "ops": self.ops, "read": self.read,
            "watchPoll": self.watch_poll, "watchSub": self.watch_sub, "watchUnsub": self.watch_unsub}

    async def call(self, op: str, req: Grid) -> Grid:
        if op in WRITE_OPS:
            raise OpError(f"{op} is not supported: this simulator's API is read-only")
        if op not in self._handlers:
            raise OpError(f"unknown op: {op}")
        return await self._handlers[op](req)

    # ----- server information -------------------------------------------------------
    async def about(self, req: Grid) -> Grid:
        site = next(r for r in self._static.values() if "site" in r)
        return Grid.make([{
            "haystackVersion": "4.0", "serverName": site.get("dis"), "tz": haystack_tz(self.tz.key),
            "serverTime": self._now(), "serverBootTime": self._dt(self.engine.snapshot.started_at),
            "productName": "haystack-tui", "productVersion": _version(), "vendorName": "haystack-tui",
        }])

    async def ops(self, req: Grid) -> Grid:
        return Grid.make({"name": o.name, "summary": o.summary, "noSideEffects": MARKER if o.no_side_effects else None}
                         for o in OPS.values())

    async def formats(self, req: Grid) -> Grid:
        return Grid.make({"mime": mime, "receive": MARKER, "send": MARKER} for _, mime, _ in _MIMES)

    async def filetypes(self, req: Grid) -> Grid:
        return Grid.make({"def": Symbol(f"filetype:{name}"), "filetype": MARKER, "mime": mime, "dis": dis}
                         for name, mime, dis in _MIMES)

    async def close(self, req: Grid) -> Grid:
        return Grid()

    # ----- entities -----------------------------------------------------------------
    async def read(self, req: Grid) -> Grid:
        row = req.rows[0] if req.rows else {}
        if "filter" in row:
            return await self._read_filter(row["filter"], row.get("limit"))
        if "id" in req.col_names:
            return await self._read_ids([_ref_id(r.get("id")) for r in req.rows])
        raise OpError("read needs a filter (with an optional limit) or an id column")

    async def _read_filter(self, text: Any, limit: Any) -> Grid:
        if not isinstance(text, str):
            raise OpError("read: filter must be a Str")
        try:
            flt = parse_filter(text)
        except FilterError as e:
            raise OpError(f"invalid filter {text!r}: {e}") from None
        wanted = _count(limit, "limit")
        cap = self.read_limit if wanted is None else min(wanted, self.read_limit)
        recs, _ = await self._records()
        hits = []
        for rec in recs.values():
            if flt.matches(rec, recs.get):
                hits.append(rec)
                if len(hits) > cap:
                    break
        meta = {}
        if len(hits) > cap:
            hits = hits[:cap]
            if wanted is None or wanted > self.read_limit:
                meta["incomplete"] = f"read limit of {self.read_limit} rows reached"
        return _id_grid(hits, meta)

    async def _read_ids(self, ids: list[str | None]) -> Grid:
        meta = {}
        if len(ids) > self.read_limit:
            ids, meta["incomplete"] = ids[:self.read_limit], f"read limit of {self.read_limit} rows reached"
        recs, _ = await self._records()
        return _id_grid([recs.get(i) or {} for i in ids], meta)

    async def nav(self, req: Grid) -> Grid:
        nav_id = _ref_id(req.rows[0].get("navId")) if req.rows else None
        if nav_id not in self._nav:
            raise OpError(f"unknown navId: {nav_id}")
        recs, _ = await self._records()
        return _id_grid([{**recs[i], "navId": i} if i in self._nav else recs[i] for i in self._nav[nav_id]])

    async def _records(self) -> tuple[dict[str, dict[str, Any]], dict[str, tuple]]:
        """Every entity's row by id, points with their live tags; and the current values."""
        current = await self.engine.current()
        extents = await self.engine.his_extents()
        recs = dict(self._static)
        for pid, point in self._points.items():
            recs[pid] = {**recs[pid], **self._live_tags(point, current.get(pid), extents.get(pid))}
        return recs, current

    def _live_tags(self, point: Point, cur: tuple | None, ext: tuple | None) -> dict[str, Any]:
        tags: dict[str, Any] = {"curStatus": "unknown"}
        if cur is not None:
            tags.update(curVal=_value(point, cur[1]), curStatus=cur[2] or "ok")
        if ext is not None and ext[2]:
            tags.update(hisStart=self._dt(ext[0]), hisEnd=self._dt(ext[1]), hisSize=Number(ext[2]))
        return tags

    # ----- history ------------------------------------------------------------------
    async def his_read(self, req: Grid) -> Grid:
        if "range" in req.meta:
            return await self._his_batch([r.get("id") for r in req.rows], req.meta["range"])
        if not req.rows or "range" not in req.rows[0]:
            raise OpError("hisRead needs id and range (or ids as rows and range in the grid meta)")
        return await self._his_single(req.rows[0].get("id"), req.rows[0]["range"])

    async def _his_single(self, ref: Any, rng: Any) -> Grid:
        point = self._point(ref)
        meta, rows = await self._his([point], rng, ["val"])
        return Grid({"id": self._static[point.id]["id"], **meta}, [("ts", {}), ("val", {})], rows)

    async def _his_batch(self, refs: list[Any], rng: Any) -> Grid:
        points = [self._point(r) for r in refs]
        names = [f"v{i}" for i in range(len(points))]
        meta, rows = await self._his(points, rng, names)
        cols = [("ts", {})] + [(n, {"id": self._static[p.id]["id"]}) for n, p in zip(names, points)]
        return Grid(meta, cols, rows)

    async def _his(self, points: list[Point], rng: Any, names: list[str]) -> tuple[dict[str, Any], list[dict]]:
        """Meta and rows of a hisRead; the points share ``his_limit`` and stop together at the first cut."""
        start, end = self._span(rng)
        budget = max(1, self.his_limit // max(1, len(points)))
        series = [await self._samples(p.id, start, end, budget) for p in points]
        cutoff = min((s[budget][0] for s in series if len(s) > budget), default=None)
        meta: dict[str, Any] = {"hisStart": start, "hisEnd": end}
        if cutoff is not None:
            meta.update(hisEnd=self._dt(cutoff), incomplete=f"hisRead limit of {self.his_limit} samples reached;"
                                                            " read on from hisEnd")
        work = sum(map(len, series))
        rows = await _off_loop(_his_rows, points, series, names, cutoff, self.tz, size=work)
        return meta, rows

    async def _samples(self, pid: str, start: datetime, end: datetime, budget: int) -> list[tuple]:
        """Up to ``budget + 1`` samples of ``[start, end)`` (one more than fits tells that the grid is cut)."""
        lo, hi = math.ceil(start.timestamp()), math.ceil(end.timestamp())
        return await self.engine.history(pid, lo, hi, limit=budget + 1) if lo < hi else []

    def _span(self, rng: Any) -> tuple[datetime, datetime]:
        try:
            return parse_range(rng, self.tz.key, self._now())
        except (RangeError, ValueError) as e:
            raise OpError(f"invalid range: {e}") from None

    def _point(self, ref: Any) -> Point:
        pid = _ref_id(ref)
        if pid not in self._points:
            raise OpError(f"not a his point: @{pid}" if pid else "hisRead: id must be a Ref")
        return self._points[pid]

    # ----- watches ------------------------------------------------------------------
    async def watch_sub(self, req: Grid) -> Grid:
        watch_id, dis = _str(req.meta.get("watchId")), req.meta.get("watchDis")
        if watch_id is None and not isinstance(dis, str):
            raise OpError("watchSub needs watchDis (a new watch) or watchId (an open one)")
        try:
            watch = self.watches.subscribe(watch_id, dis or "", _lease(req.meta.get("lease")))
        except WatchError as e:
            raise OpError(str(e)) from None
        recs, current = await self._records()
        rows = []
        for i in (_ref_id(r.get("id")) for r in req.rows):
            if i in recs:
                watch.sent[i] = current.get(i)
            rows.append(recs.get(i) or {})
        return _id_grid(rows, {"watchId": watch.id, "lease": Number(watch.lease, "s")})

    async def watch_poll(self, req: Grid) -> Grid:
        try:
            watch = self.watches.get(_str(req.meta.get("watchId")) or "")
        except WatchError as e:
            raise OpError(str(e)) from None
        recs, current = await self._records()
        changed = self.watches.changed(watch, current, refresh="refresh" in req.meta)
        return _id_grid([recs[i] for i in changed], {"watchId": watch.id})

    async def watch_unsub(self, req: Grid) -> Grid:
        watch_id = _str(req.meta.get("watchId"))
        if watch_id is None:
            raise OpError("watchUnsub needs watchId")
        self.watches.unsubscribe(watch_id, [_ref_id(r.get("id")) for r in req.rows], "close" in req.meta)
        return Grid()

    # ----- values -------------------------------------------------------------------
    def _now(self) -> datetime:
        return self._dt(self.engine.snapshot.sim_now or time.time())

    def _dt(self, epoch: float) -> datetime:
        return datetime.fromtimestamp(epoch, self.tz)


def _value(point: Point, v: float | None) -> Any:
    """A stored value as its Haystack kind: Bool points are stored as 0.0/1.0."""
    if v is None:
        return None
    return bool(v) if point.kind == "Bool" else Number(v, point.unit)


def _his_rows(points: list[Point], series: list[list[tuple]], names: list[str], cutoff: int | None,
              tz: ZoneInfo) -> list[dict[str, Any]]:
    """One row per timestamp before ``cutoff``: ``ts`` and each point's value under its column name."""
    by_ts: dict[int, dict[str, Any]] = {}
    for point, samples, name in zip(points, series, names):
        for t, v, _ in samples:
            if cutoff is not None and t >= cutoff:
                break
            row = by_ts.setdefault(t, {"ts": datetime.fromtimestamp(t, tz)})
            if (val := _value(point, v)) is not None:
                row[name] = val
    return [by_ts[t] for t in sorted(by_ts)]


async def _off_loop(fn: Callable[..., Any], *args: Any, size: int) -> Any:
    """``fn(*args)``, in a thread when ``size`` says it would stall the event loop (100k rows take ~1 s)."""
    return await asyncio.to_thread(fn, *args) if size > OFF_LOOP_ROWS else fn(*args)


def _nav_tree(recs: dict[str, dict[str, Any]]) -> dict[str | None, list[str]]:
    """navId -> children: None -> sites -> equips (and weather stations) -> points."""
    def ref(rec: dict, tag: str) -> str | None:
        return rec[tag].id if isinstance(rec.get(tag), Ref) else None

    tree: dict[str | None, list[str]] = {None: [i for i, r in recs.items() if "site" in r]}
    for site in tree[None]:
        tree[site] = [i for i, r in recs.items() if ("equip" in r or "weatherStation" in r)
                      and ref(r, "siteRef") == site]
        for equip in tree[site]:
            tree[equip] = [i for i, r in recs.items() if "point" in r and ref(r, "equipRef") == equip]
    return tree


def _id_grid(rows: list[dict[str, Any]], meta: dict[str, Any] | None = None) -> Grid:
    """A grid of entity rows whose first column is ``id``, even when every row is empty."""
    grid = Grid.make(rows, meta)
    if "id" not in grid.col_names:
        grid.cols.insert(0, ("id", {}))
    return grid


def _ref_id(v: Any) -> str | None:
    if isinstance(v, Ref):
        return v.id
    if isinstance(v, str) and v:
        return v.removeprefix("@")
    return None


def _str(v: Any) -> str | None:
    return v if isinstance(v, str) and v else None


def _count(v: Any, name: str) -> int | None:
    if v is None:
        return None
    if not isinstance(v, Number) or not math.isfinite(v.val) or v.val < 1:
        raise OpError(f"{name} must be a positive Number")
    return int(v.val)


def _lease(v: Any) -> float | None:
    if v is None:
        return None
    if not isinstance(v, Number) or v.unit not in _LEASE_UNITS or not v.val > 0:
        raise OpError("lease must be a positive duration (s, min or h)")
    return v.val * _LEASE_UNITS[v.unit]


def _version() -> str:
    try:
        return importlib.metadata.version("haystack-tui")
    except importlib.metadata.PackageNotFoundError:
        return "dev"
