"""How every Veil command serves an app with uvicorn (the collector, its ``--workers``, the proxy,
the demo): one configuration, so that no server believes forwarded headers on its own.

Rules: uvicorn's ``proxy_headers`` is always off. By default uvicorn believes ``X-Forwarded-For``
(and ``X-Forwarded-Proto``) from 127.0.0.1 and ::1 (or ``$FORWARDED_ALLOW_IPS``) and rewrites the
client address before the app sees it, so any process on the host, or the reverse proxy in front,
could pick the address every rate limit and failed-credential throttle is keyed on. The apps apply
their own rule instead (``access.client_of``: forwarded headers count only from the addresses
``--trusted-proxy`` names). uvicorn is imported only when a server starts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import uvicorn


def server_config(app: Any, host: str, port: int, **options: Any) -> uvicorn.Config:
    """A uvicorn ``Config`` for ``app`` (an ASGI app, or an import string with ``factory=True``)."""
    import uvicorn

    options.setdefault("log_level", "warning")
    # Never uvicorn's own forwarded-header rule: the app's --trusted-proxy is the only one.
    return uvicorn.Config(app, host=host, port=port, proxy_headers=False, forwarded_allow_ips=[], **options)


def serve(app: Any, host: str, port: int, **options: Any) -> None:
    """Serve ``app`` until interrupted (what ``uvicorn.run`` does, with ``server_config``); a server
    that could not start (the port taken) exits with uvicorn's start-up failure status, 3."""
    import uvicorn

    server = uvicorn.Server(server_config(app, host, port, **options))
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    if not server.started:
        raise SystemExit(3)
