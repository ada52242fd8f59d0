"""The collector's settings: one frozen dataclass, made by ``veil-collector`` from its flags and
environment, or in code (the demo, the tests).

Rules: plain values only, except ``storage`` and ``extra_routes`` (code: they never travel to
``--workers`` processes, see ``workers``). Secrets given here win over the environment, where a
``--workers`` process finds them (``access.read_secret``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .access import Operator
from .storage_api import Storage


@dataclass(frozen=True)
class CollectorSettings:
    db_path: str | Path = "veil-collector.sqlite3"  # a SQLite file, or a postgresql:// URL
    client_token: str | None = None
    allowed_origins: tuple[str, ...] = ()
    max_body_bytes: int = 2 * 1024 * 1024
    max_decompressed_bytes: int = 16 * 1024 * 1024
    operator_token: str | None = None  # one admin named "operator" (the demo's); reads need an operator
    operators: tuple[Operator, ...] = ()  # named operators (VEIL_OPERATORS_FILE)
    session_secret: bytes | None = None  # derives session write keys; None: random per process
    master_key: bytes | None = None  # encryption at rest, for backends that do it
    trusted_proxies: tuple[str, ...] = ()  # peers whose X-Forwarded-For / X-Veil-User are believed
    retention_days: float | None = None  # sessions idle longer are erased by the purge
    purge_interval_seconds: float = 3600.0
    rate_per_second: float = 20.0  # sustained batches per client (address, or user behind the proxy)
    rate_burst: int = 60
    failures_allowed: int = 5  # failed credentials per address before 429
    failure_forgive_seconds: float = 10.0
    storage_threads: int = 8  # concurrent parse/scrub/storage calls
    max_waiting: int = 64  # requests queued for a thread beyond which ingest answers 503
    max_streams: int = 8  # concurrent session reads
    storage: Storage | None = None  # None: the storage db_path names (storage.open_storage)
    extra_routes: list[Any] = field(default_factory=list)  # more Starlette routes, served as they are
