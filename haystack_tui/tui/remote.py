"""The console attached to a headless service over HTTP (``--attach URL``).

Speaks the service's API with aiohttp: ``GET /status`` for the snapshot (the
App polls it about once a second), ``GET /events`` as server-sent events
(resumed with ``?since=`` after a drop), ``POST /control/...`` with the bearer
token, ``GET /history/{id}``. Every failure -- unreachable host, timeout,
refused token, control disabled, a reply that is not the service's -- becomes a
``SourceError`` with one line the operator can act on. Must not import Textual
or the store.
"""

from __future__ import annotations

import asyncio
import json
import os
from typing import Any, AsyncIterator
from urllib.parse import quote, urlsplit

import aiohttp

from haystack_tui.engine.status import CheckState, Event, Snapshot, snapshot_from_dict
from haystack_tui.timegrid import iso
from haystack_tui.tui.source import History, Source, SourceError

RECONNECT_S = 2.0
SLOW_S = 300.0
"""Timeout of the calls that do real work on the service: validation, history."""


class RemoteSource(Source):
    """A headless service at ``url``; ``token`` authorises the control commands."""

    def __init__(self, url: str, token: str | None = None, timeout_s: float = 5.0) -> None:
        self.url = url.rstrip("/")
        self.token = token
        self.timeout_s = timeout_s
        self.label = f"attached to {self.url}"
        self._session: aiohttp.ClientSession | None = None

    async def open(self) -> None:
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise SourceError(f"{self.url!r} is not an http:// or https:// URL of a haystack-tui service")
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout_s))

    async def close(self) -> None:
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()

    async def snapshot(self) -> Snapshot:
        data = await self._request("GET", "/status")
        try:
            return snapshot_from_dict(data)
        except (TypeError, KeyError, AttributeError) as exc:
            raise SourceError(f"{self.url}/status is not a haystack-tui status ({exc})") from None

    async def events(self) -> AsyncIterator[Event]:
        """Follow the stream; after a drop, reconnect and resume after the last seq."""
        since = 0
        while True:
            try:
                async for event in self._stream(since):
                    since = max(since, event.seq)
                    yield event
            except (aiohttp.ClientError, asyncio.TimeoutError, SourceError, ValueError):
                pass  # the status poll tells the operator; keep trying quietly
            await asyncio.sleep(RECONNECT_S)

    async def pause(self) -> None:
        await self._request("POST", "/control/pause", control=True)

    async def resume(self) -> None:
        await self._request("POST", "/control/resume", control=True)

    async def backfill(self, start: int, end: int) -> None:
        await self._request("POST", "/control/backfill", control=True, json={"start": iso(start), "end": iso(end)})

    async def validate(self) -> tuple[CheckState, ...]:
        data = await self._request("POST", "/control/validate", control=True, timeout_s=SLOW_S)
        checks = data.get("checks", data.get("validation", [])) if isinstance(data, dict) else data
        return tuple(CheckState(**c) for c in checks or ())

    async def history(self, point_id: str, start: int, end: int) -> History:
        data = await self._request("GET", f"/history/{quote(point_id, safe='')}", timeout_s=SLOW_S,
                                   params={"start": iso(start), "end": iso(end)})
        return [(int(t), None if v is None else float(v), str(s)) for t, v, s in data.get("rows", ())]

    async def _stream(self, since: int) -> AsyncIterator[Event]:
        """One server-sent-events connection: ``data:`` lines, blank line ends an event."""
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=self.timeout_s)
        async with self._live().get(f"{self.url}/events", params={"since": str(since)}, timeout=timeout) as resp:
            if resp.status != 200:
                raise SourceError(f"GET /events answered HTTP {resp.status}")
            data: list[str] = []
            async for raw in resp.content:
                line = raw.decode("utf-8").rstrip("\r\n")
                if line.startswith("data:"):
                    data.append(line[5:].strip())
                elif not line and data:
                    yield Event.from_dict(json.loads("\n".join(data)))
                    data = []

    async def _request(self, method: str, path: str, control: bool = False, timeout_s: float | None = None,
                       **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"} if control and self.token else {}
        timeout_s = timeout_s or self.timeout_s
        try:
            async with self._live().request(method, self.url + path, headers=headers,
                                            timeout=aiohttp.ClientTimeout(total=timeout_s), **kwargs) as resp:
                if resp.status >= 400:
                    raise SourceError(await self._refusal(resp, method, path))
                return await resp.json(content_type=None)
        except aiohttp.ClientConnectorError as exc:
            raise SourceError(f"cannot reach {self.url}: {_os_reason(exc.os_error)}") from None
        except asyncio.TimeoutError:
            raise SourceError(f"{self.url} did not answer within {timeout_s:g} s") from None
        except ValueError:
            raise SourceError(f"{self.url}{path} did not answer with JSON: is it a haystack-tui service?") from None
        except aiohttp.ClientError as exc:
            raise SourceError(f"{method} {self.url}{path} failed: {exc.__class__.__name__}: {exc}") from None

    async def _refusal(self, resp: aiohttp.ClientResponse, method: str, path: str) -> str:
        """The one line for an HTTP error, saying what to do about it."""
        if resp.status == 401:
            if not self.token:
                return "the service wants a control token: start the console with --token"
            return "the service refused the control token (401): check --token"
        if resp.status == 403:
            return "control is disabled on the service (403): it has no HAYSTACK_API_TOKEN configured"
        try:
            detail = (await resp.json(content_type=None)).get("error", "")
        except (ValueError, AttributeError, aiohttp.ClientError):
            detail = ""
        return f"{method} {path} failed: HTTP {resp.status} {resp.reason or ''}{': ' + detail if detail else ''}"

    def _live(self) -> aiohttp.ClientSession:
        if self._session is None:
            raise SourceError("not connected")
        return self._session


def _os_reason(error: OSError | None) -> str:
    """'Connection refused', 'Name or service not known': the system's words, not asyncio's."""
    errno = getattr(error, "errno", None)
    if errno and errno > 0:
        return os.strerror(errno)
    return getattr(error, "strerror", None) or str(error)
