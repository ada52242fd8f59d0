"""A visit's events, streamed: ``[`` + the stored chunks joined by ``,`` + ``]``.

Rules: the chunks are produced in one thread (``Storage.iter_event_chunks``) and handed to the loop
through a queue of at most a few chunks, so memory is bounded whatever the visit's size. A reader
that takes nothing for ``STREAM_STALL_SECONDS`` is dropped. A failure mid-way ends the body without
``]``, so it cannot pass for a whole visit. At most ``max_streams`` visits are read at once.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator
from typing import Any

from .errors import Busy
from .storage_api import Storage

log = logging.getLogger("veil.collector")
STREAM_STALL_SECONDS = 30.0  # a reader that takes nothing for this long is dropped


class SessionStreams:
    """The visits being read now, at most ``max_streams``."""

    def __init__(self, storage: Storage, max_streams: int) -> None:
        self._storage = storage
        self._max = max_streams
        self.open = 0

    def check_room(self) -> None:
        """``Busy`` when ``max_streams`` visits are being read already."""
        if self.open >= self._max:
            raise Busy("too many session reads at once", 1)

    async def stream(self, session: str) -> AsyncIterator[bytes]:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[Any] = asyncio.Queue(maxsize=4)
        stop = threading.Event()
        end = object()

        def put(item: Any) -> None:
            asyncio.run_coroutine_threadsafe(queue.put(item), loop).result(timeout=STREAM_STALL_SECONDS)

        def produce() -> None:
            try:
                for chunk in self._storage.iter_event_chunks(session):
                    if stop.is_set():
                        return
                    put(chunk)
                put(end)
            except Exception as err:  # noqa: BLE001 - reported to the reader as a cut-off body
                if not stop.is_set():
                    log.warning("reading session %s failed: %r", session, err)
                    try:
                        put(err)
                    except Exception:  # noqa: BLE001 - the reader is gone
                        pass

        self.open += 1
        producer = loop.run_in_executor(None, produce)
        try:
            yield b"["
            first = True
            while True:
                item = await asyncio.wait_for(queue.get(), STREAM_STALL_SECONDS)
                if item is end:
                    break
                if isinstance(item, Exception):
                    return
                yield item if first else b"," + item
                first = False
            yield b"]"
        finally:
            self.open -= 1
            stop.set()
            while not queue.empty():  # unblock a producer waiting to put
                queue.get_nowait()
            producer.cancel()
