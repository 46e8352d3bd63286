"""The sweep as a pipeline: claiming and writing overlap the provider calls.

The provider calls run on an event loop of their own thread (HttpPump), fed through a KeyFeed
(gateways.feed); the calling thread keeps Django's ORM (it is synchronous, and tests see their
own connection) and does, in turn: claim the next chunk of due rows when fewer than two chunks
are waiting at the provider, hand their references to the feed, and apply the answers that have
come back, a chunk at a time, through the sweep's own apply function. So a row is always
claimed (committed) before it is asked, and one that is claimed but never answered (a killed
sweep) comes back when its claim expires.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from gateways.feed import KeyFeed

WAIT_SECONDS = 1.0  # how long to wait for an answer before looking at the calls' state again
# In units of the concurrency: the first claim is small so that the calls start at once; later
# ones are bigger, since each claim and each write costs a round of queries and a commit.
CLAIM_CHUNKS = 3
APPLY_CHUNKS = 2


class HttpPump:
    """An event loop running on a thread of its own, for the length of one sweep."""

    def __enter__(self) -> HttpPump:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="sweep-http")
        self.thread.start()
        return self

    def run(self, coroutine) -> Future:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop)

    def __exit__(self, *exc) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join()
        self.loop.close()


@dataclass
class Stream:
    """One provider's part of the sweep: its claimed rows, what was asked and answered."""

    followed: Any
    rows: dict[str, dict] = field(default_factory=dict)  # by our reference
    answered: list[tuple[str, Any]] = field(default_factory=list)  # not applied yet
    timings: dict[str, float] = field(default_factory=dict)
    applied: int = 0
    exhausted: bool = False  # nothing more to claim
    feed: KeyFeed | None = None
    calls: Future | None = None

    @property
    def waiting(self) -> int:
        """Rows asked and not answered yet."""
        return len(self.rows) - self.applied - len(self.answered)

    def take(self, rows: list[dict]) -> None:
        references = [row[self.followed.reference_field] for row in rows]
        self.rows.update(zip(references, rows, strict=True))
        if self.feed is not None:
            self.feed.put(references)


def run_pipeline(
    followed: tuple,
    *,
    batch_size: int,
    concurrency: int,
    claim: Callable[[Any, int], list[dict]],
    apply: Callable[[Any, list[dict], dict], None],
) -> list[Stream]:
    """Sweep up to `batch_size` rows of each followed kind; the streams, all applied."""
    chunk = max(1, concurrency)
    streams = [Stream(f) for f in followed]
    for stream in streams:  # the first chunk before any thread: an idle sweep costs a query
        _claim_next(stream, claim, chunk, batch_size)
    if not any(stream.rows for stream in streams):
        return streams
    delivered: queue.Queue = queue.Queue()
    with HttpPump() as pump:
        for tag, stream in enumerate(streams):
            if not stream.rows:  # nothing due of this kind: no calls, no session
                continue
            stream.feed = KeyFeed(pump.loop, delivered, tag)
            stream.feed.put(stream.rows)
            gateway = stream.followed.gateway()
            stream.calls = pump.run(gateway.status_many(stream.feed, concurrency, stream.timings))
            if stream.exhausted:
                stream.feed.close()
        try:
            _drive(streams, delivered, claim, apply, chunk, batch_size)
        except BaseException:
            for stream in streams:
                if stream.calls:
                    stream.calls.cancel()  # unanswered claims simply expire
            raise
        finally:
            for stream in streams:
                if stream.feed:
                    stream.feed.close()
        for stream in streams:
            if stream.calls:
                stream.calls.result()
    return streams


def _drive(streams, delivered, claim, apply, chunk: int, batch_size: int) -> None:
    while any(s.waiting or s.answered for s in streams):
        claimed = False
        for stream in streams:
            if not stream.exhausted and stream.waiting < CLAIM_CHUNKS * chunk:
                _claim_next(stream, claim, CLAIM_CHUNKS * chunk, batch_size)
                claimed = True
                if stream.exhausted:
                    stream.feed.close()
        _collect(streams, delivered, block=not claimed)
        for stream in streams:
            full = len(stream.answered) >= APPLY_CHUNKS * chunk
            if stream.answered and (full or (stream.exhausted and not claimed)):
                _apply(stream, apply)


def _claim_next(stream: Stream, claim, chunk: int, batch_size: int) -> None:
    limit = min(chunk, batch_size - len(stream.rows))
    rows = claim(stream.followed, limit) if limit > 0 else []
    stream.take(rows)
    stream.exhausted = len(rows) < limit or len(stream.rows) >= batch_size


def _collect(streams: list[Stream], delivered: queue.Queue, *, block: bool) -> None:
    """Move the answers that have arrived to their streams (waiting for one if `block`)."""
    try:
        item = delivered.get(timeout=WAIT_SECONDS) if block else delivered.get_nowait()
    except queue.Empty:
        for stream in streams:
            if stream.calls and stream.calls.done():
                stream.calls.result()  # raises what stopped the calls, if anything did
                # Every answer is queued before the calls end, so this is a row never asked.
                if stream.waiting and delivered.empty():
                    raise RuntimeError("provider calls ended, claimed rows unasked") from None
        return
    while item is not None:
        tag, reference, result = item
        streams[tag].answered.append((reference, result))
        try:
            item = delivered.get_nowait()
        except queue.Empty:
            item = None


def _apply(stream: Stream, apply) -> None:
    answers = dict(stream.answered)
    rows = [stream.rows[reference] for reference in answers]
    stream.answered.clear()
    stream.applied += len(rows)
    apply(stream.followed, rows, answers)
