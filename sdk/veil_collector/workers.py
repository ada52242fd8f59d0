"""Several collector processes on one port: the settings travel to each worker in the environment.

Rules: uvicorn's ``workers=N`` imports the app in every worker process from an import string, so
``run`` writes the settings as JSON into ``VEIL_COLLECTOR_SETTINGS`` and ``app_from_env`` (the
factory each worker calls) rebuilds them. Only plain values travel (routes added in code do not).
Every worker is stateless: batches, sessions and rate-limit buckets live in the database, which is
why more than one worker needs PostgreSQL (a SQLite file serves one process).
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any

from starlette.applications import Starlette

ENV = "VEIL_COLLECTOR_SETTINGS"


def _plain(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, tuple):
        return list(value)
    return value


def settings_to_env(settings: Any) -> str:
    fields = {}
    for field in dataclasses.fields(settings):
        value = _plain(getattr(settings, field.name))
        try:
            json.dumps(value)
        except TypeError:
            continue  # code (routes, callables) cannot travel to another process
        if field.name == "extra_routes":
            continue
        fields[field.name] = value
    return json.dumps(fields)


def app_from_env() -> Starlette:
    from .app import CollectorSettings, create_app

    raw = json.loads(os.environ[ENV])
    defaults = {f.name: f.default for f in dataclasses.fields(CollectorSettings)}
    fields: dict[str, Any] = {k: tuple(v) if isinstance(defaults.get(k), tuple) and isinstance(v, list) else v
                              for k, v in raw.items() if k in defaults}
    return create_app(CollectorSettings(**fields))


def run(settings: Any, host: str, port: int, workers: int) -> None:
    """Serve ``settings`` with ``workers`` processes sharing ``host:port``."""
    import socket

    from uvicorn.supervisors import Multiprocess

    from .serving import serve, server_config

    os.environ[ENV] = settings_to_env(settings)
    if workers == 1:
        serve("veil_collector.workers:app_from_env", host, port, factory=True)
        return
    # (server_config: uvicorn's own forwarded-header rule off in every worker; see serving.py.)
    config = server_config("veil_collector.workers:app_from_env", host, port, factory=True, workers=workers)
    # What ``uvicorn.run`` does for workers, but with TCP_NODELAY on the shared listening socket
    # (Linux hands it on to every accepted connection). uvicorn creates that socket without naming
    # TCP as its protocol, so asyncio does not set TCP_NODELAY on the connections as it does for a
    # server it binds itself: the answer's body then waited for the client's delayed ACK, ~40 ms a
    # request (measured: 2 processes served 300 batches/s against 700 for one).
    sock = config.bind_socket()
    if sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    Multiprocess(config, sockets=[sock]).run()
