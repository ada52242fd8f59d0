"""What both storage backends share besides their SQL (``sql``): batch preparation, how a batch's
events are stored, in-process rate buckets, and the group-commit writer.

Rules: everything here touches no database itself; both backends build their rows through these
functions so that they behave identically, as the shared storage suite checks.
``GroupCommit`` runs a backend's own write function on one thread per storage; it adds no storage
behaviour, only batching of commits, and answers each batch after its transaction committed.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import queue
import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import orjson

from ..storage_api import AddResult, IncomingBatch, StorageBusy
from ..visits.index import BatchFacts, batch_facts

# A database from before page views had ids keyed batches on (session, seq): its rows become one
# page view of their session, with this id.
LEGACY_VIEW = "0" * 16


def count_pages(events: list[Any]) -> int:
    """Page views in a batch: full page loads (meta events) and SPA navigations."""
    return sum(
        1 for e in events
        if isinstance(e, dict) and (e.get("type") == 4 or (
            e.get("type") == 5 and isinstance(e.get("data"), dict) and e["data"].get("tag") == "veil:navigation"))
    )


# What a batch's JSON text holds for each error event and frustration signal: the tag as its
# writer writes it, compact (the core, beforeSend's JSON.stringify) or with Python's default
# spacing. Inside a JSON string a quote is escaped, so page text cannot fake it; the count is an
# estimate for listing and filtering, the events themselves are what a viewer shows.
ERROR_NEEDLES = (b'"tag":"veil:error"', b'"tag": "veil:error"')
FRUSTRATION_NEEDLES = (b'"tag":"veil:frustration"', b'"tag": "veil:frustration"')


def context_counts(text: bytes) -> tuple[int, int]:
    """(error events, frustration signals) in a batch's JSON text: byte counts, no parsing."""
    return sum(map(text.count, ERROR_NEEDLES)), sum(map(text.count, FRUSTRATION_NEEDLES))


def batch_from_events(session: str, view: str, seq: int, events: list[Any], body_bytes: int, *,
                      pii_masked: int = 0, dropped: int = 0, events_json: bytes | None = None,
                      digest: str | None = None, gzip_body: bytes | None = None) -> IncomingBatch:
    """An ``IncomingBatch`` from parsed (and scrubbed) events. ``digest`` defaults to the sha256 of
    the events JSON. ``gzip_body`` (the body as received) is kept only when nothing was masked, so
    that what is stored never holds what the scrubber took out."""
    given_text = events_json is not None
    if events_json is None:
        events_json = orjson.dumps(events)
    stamps = [e["timestamp"] for e in events if isinstance(e, dict) and isinstance(e.get("timestamp"), (int, float))]
    errors, frustrations = context_counts(events_json)
    return IncomingBatch(
        session=session, view=view, seq=seq, events_json=events_json, event_count=len(events),
        first_ts=min(stamps, default=None), last_ts=max(stamps, default=None), body_bytes=body_bytes,
        pii_masked=pii_masked, pages=count_pages(events), dropped=dropped,
        digest=digest or hashlib.sha256(events_json).hexdigest(),
        gzip_body=gzip_body if pii_masked == 0 else None, errors=errors, frustrations=frustrations,
        # (Given as text alone, the events are read by the writer, from that text.)
        facts=batch_facts(events) if events or not given_text else None,
    )


def facts_of(batch: IncomingBatch) -> BatchFacts:
    """What the batch says about its visit: computed where it was prepared, else from its text."""
    if batch.facts is not None:
        return batch.facts
    try:
        events = orjson.loads(batch.events_json)
    except orjson.JSONDecodeError:
        events = []
    return batch_facts(events if isinstance(events, list) else [])


# How a batch's events are stored (the ``format`` column), sealed either way.
FORMAT_EVENTS = 0  # the events array's JSON text, zlib-compressed
FORMAT_GZIP_BODY = 1  # the whole gzip body as received (nothing was scrubbed from it)


def stored_form(batch: IncomingBatch) -> tuple[int, bytes]:
    """What to seal for a batch: the gzip body when the batch carries one, else its events JSON."""
    if batch.gzip_body is not None and batch.pii_masked == 0:
        return FORMAT_GZIP_BODY, batch.gzip_body
    return FORMAT_EVENTS, batch.events_json


def events_json_of(form: int, plaintext: bytes) -> bytes:
    """The events array's JSON text from an opened blob (a gzip body: its first member's events)."""
    if form == FORMAT_GZIP_BODY:
        return orjson.dumps(orjson.loads(zlib.decompressobj(wbits=16 + zlib.MAX_WBITS).decompress(plaintext))["events"])
    return plaintext


class MemoryBuckets:
    """Token buckets in this process's memory (GCRA: one theoretical arrival time per key), bounded
    to ``max_keys`` by evicting the least recently used. For the SQLite backend, whose database
    serves one process; the PostgreSQL backend keeps its buckets in a table every process shares."""

    def __init__(self, max_keys: int = 100_000) -> None:
        self._tat: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_keys

    def acquire(self, key: str, per_second: float, burst: int, now: float | None = None) -> float:
        now = time.time() if now is None else now
        interval = 1.0 / per_second
        with self._lock:
            tat = max(self._tat.get(key, now), now) + interval
            if tat - now > burst * interval:
                return tat - now - burst * interval
            self._tat[key] = tat
            self._tat.move_to_end(key)
            while len(self._tat) > self._max:
                self._tat.popitem(last=False)
            return 0.0


class GroupCommit:
    """One writer thread per storage: ``add`` queues a batch and waits until the transaction holding
    it has committed; the writer takes every batch queued meanwhile (up to ``max_group``) and stores
    them with ``write_many`` in one transaction, so one commit (one fsync) serves many requests.

    A batch is answered only once its transaction committed (or failed): nothing is acknowledged
    before it is durable. ``submit`` hands back a future instead of waiting, so a caller (the event
    loop) can wait without holding a thread. When a group's transaction fails, each of its batches is tried alone with
    ``write_one``, so one bad batch cannot fail the others. The queue is bounded (a full one is
    ``StorageBusy``) and so is every wait (``StorageBusy`` when it runs out: the batch may still be
    stored, and the client's retry of it is answered ``duplicate``)."""

    def __init__(self, write_many: Callable[..., list[AddResult]], write_one: Callable[..., AddResult], *, max_group: int = 32,
                 max_queued: int = 256, wait_seconds: float = 60.0, name: str = "veil-writer",
                 translate: Callable[[BaseException], BaseException] = lambda err: err) -> None:
        self._write_many, self._write_one = write_many, write_one
        self._translate = translate
        self._max_group, self._wait = max_group, wait_seconds
        self._queue: queue.Queue[_Pending | None] = queue.Queue(maxsize=max_queued)
        self._name = name
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._closed = False

    def add(self, batch: IncomingBatch) -> AddResult:
        """Queue the batch and wait until its transaction committed (``StorageBusy`` past the wait)."""
        try:
            return self.submit(batch).result(self._wait)
        except concurrent.futures.TimeoutError:
            raise StorageBusy("the write did not complete in time", retry_after=1) from None

    def submit(self, batch: IncomingBatch, keyless: bool = False) -> concurrent.futures.Future[AddResult]:
        """Queue the batch without waiting: the future completes once its transaction committed (or
        failed, with the error ``translate`` gives). Lets a caller wait without holding a thread, so
        every request in flight can share one commit. A full queue is ``StorageBusy`` at once.
        ``keyless``: the batch came without its session key; the writer checks, in its transaction,
        that its session is new or already holds a batch of its page view (else ``KEY_REQUIRED``)."""
        self._start()
        pending = _Pending(batch, self._translate, keyless)
        try:
            self._queue.put_nowait(pending)
        except queue.Full:
            raise StorageBusy("too many batches waiting to be written", retry_after=1) from None
        return pending.future

    def _start(self) -> None:
        with self._lock:
            if self._closed:
                raise StorageBusy("storage is closing", retry_after=1)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            group = [first]
            while len(group) < self._max_group:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    self._queue.put(None)  # stop after this group
                    break
                group.append(item)
            self._commit(group)

    def _commit(self, group: list[_Pending]) -> None:
        try:
            keyless = [p.keyless for p in group]
            # (keyless flags only when some batch has one: a writer without keyless batches takes one argument)
            results = (self._write_many([p.batch for p in group], keyless) if any(keyless)
                       else self._write_many([p.batch for p in group]))
        except BaseException as err:  # noqa: BLE001 - handed to the waiting callers
            if len(group) == 1:
                group[0].finish(None, err)
                return
            for pending in group:  # one bad batch must not fail the others
                try:
                    result = (self._write_one(pending.batch, True) if pending.keyless
                              else self._write_one(pending.batch))
                    pending.finish(result, None)
                except BaseException as one:  # noqa: BLE001
                    pending.finish(None, one)
            return
        for pending, result in zip(group, results, strict=True):
            pending.finish(result, None)

    def close(self, timeout: float = 30.0) -> None:
        """Write what is queued, then stop the writer."""
        with self._lock:
            self._closed = True
            thread = self._thread
        if thread is not None and thread.is_alive():
            self._queue.put(None)
            thread.join(timeout)


class _Pending:
    __slots__ = ("batch", "future", "keyless", "translate")

    def __init__(self, batch: IncomingBatch, translate: Callable[[BaseException], BaseException],
                 keyless: bool = False) -> None:
        self.batch = batch
        self.keyless = keyless
        self.future: concurrent.futures.Future[AddResult] = concurrent.futures.Future()
        self.translate = translate

    def finish(self, result: AddResult | None, error: BaseException | None) -> None:
        try:
            if error is not None:
                self.future.set_exception(self.translate(error))
            else:
                self.future.set_result(result)  # type: ignore[arg-type]
        except concurrent.futures.InvalidStateError:  # the caller cancelled its wait: nothing to tell
            pass
