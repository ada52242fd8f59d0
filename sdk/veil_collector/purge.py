"""The retention purge: sessions idle longer than ``retention_days`` are erased, at start-up and
then every ``purge_interval_seconds``, each purge audited as actor ``system``.

Rules: the purge outlives any one failure: a busy or unavailable storage postpones it (logged), any
other error is logged with its traceback, and the next round runs as planned.
"""

from __future__ import annotations

import asyncio
import logging
import time

from .errors import Busy
from .settings import CollectorSettings
from .storage_api import Storage, StorageBusy, StorageUnavailable
from .threads import StorageThreads

log = logging.getLogger("veil.collector")


async def purge_forever(settings: CollectorSettings, storage: Storage, calls: StorageThreads) -> None:
    days = settings.retention_days
    assert days is not None
    while True:
        try:
            erased = await calls.run(storage.purge_expired, time.time(), days)
            if erased:
                await calls.run(storage.audit, "system", "purge", None, f"{erased} sessions older than {days:g} days")
        except (Busy, StorageBusy, StorageUnavailable) as err:
            log.warning("retention purge postponed: %s", err)
        except Exception:  # the purge must outlive one failure
            log.exception("retention purge failed")
        await asyncio.sleep(settings.purge_interval_seconds)
