"""Keys handed to `send_many` while it runs, from another thread (the poll sweep's pipeline).

The sweep claims rows a chunk at a time on its own thread (Django's ORM is synchronous) and
puts their references here; `send_many`'s workers take them as they come, so the provider
calls of one chunk overlap the claiming of the next and the writing of the last. Each answer
is handed back through `delivered` (a thread-safe queue) as soon as it arrives.
"""

from __future__ import annotations

import asyncio
import queue
from collections.abc import Iterable
from typing import Any

_CLOSED = object()


class KeyFeed:
    def __init__(self, loop: asyncio.AbstractEventLoop, delivered: queue.Queue, tag: Any) -> None:
        self._loop = loop
        self._keys: asyncio.Queue | None = None  # made on the loop's thread, on first use
        self.delivered = delivered
        self.tag = tag  # delivered with each answer, so one queue can serve several feeds

    # --- the producer's side (any thread) --------------------------------------------------

    def put(self, keys: Iterable[str]) -> None:
        self._loop.call_soon_threadsafe(self._put_all, list(keys))

    def close(self) -> None:
        self._loop.call_soon_threadsafe(self._put_all, [_CLOSED])

    # --- the workers' side (the loop's thread) ---------------------------------------------

    def _queue(self) -> asyncio.Queue:
        if self._keys is None:
            self._keys = asyncio.Queue()
        return self._keys

    def _put_all(self, keys: list) -> None:
        for key in keys:
            self._queue().put_nowait(key)

    async def get(self) -> str | None:
        """The next key, or None once the feed is closed (for every worker)."""
        key = await self._queue().get()
        if key is _CLOSED:
            self._queue().put_nowait(_CLOSED)  # the other workers stop too
            return None
        return key

    def deliver(self, key: str, result: Any) -> None:
        self.delivered.put((self.tag, key, result))
