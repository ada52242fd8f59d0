"""Run the proxy in front of a collector:

    VEIL_PROXY_SECRET=... VEIL_REAL_TOKEN=... VEIL_PROXY_USERS_FILE=users.json \
        python -m veil_proxy --collector http://127.0.0.1:8700/v1/batches

Secrets come from the environment or files, never argv: VEIL_PROXY_SECRET (32+ characters),
VEIL_REAL_TOKEN (the collector's client token), each also as VEIL_..._FILE naming a file. Users
sign in with POST /login (user, password); VEIL_PROXY_USERS_FILE is a JSON object {name: password}
(a stand-in for your real login). Point the page's `endpoint` at this server's /v1/batches and set
its `clientToken` to the placeholder; start the collector with --trusted-proxy set to this proxy's
address so it believes the user identity this proxy forwards.
"""

from __future__ import annotations

import argparse
import json
import os
from importlib import import_module
from pathlib import Path

from veil_collector.access import read_secret
from veil_collector.extras import needs_extra


def main() -> None:
    parser = argparse.ArgumentParser(description="Veil authenticated proxy")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8702)
    parser.add_argument("--collector", required=True, help="the collector's /v1/batches URL")
    parser.add_argument("--placeholder", default="public-placeholder")
    parser.add_argument("--trusted-proxy", action="append",
                        default=[a for a in os.environ.get("VEIL_TRUSTED_PROXIES", "").split(",") if a.strip()],
                        help="address of a reverse proxy in front of this one, whose X-Forwarded-For is believed "
                             "(repeatable; default none)")
    parser.add_argument("--insecure-cookie", action="store_true", help="allow the cookie over plain http (local testing)")
    args = parser.parse_args()
    with needs_extra("veil-proxy", "proxy"):
        from veil_collector.serving import serve

        from .app import ProxySettings, create_proxy_app

        import_module("uvicorn")  # imported by ``serve`` only when the server starts: checked here
        import_module("python_multipart")  # Starlette's form parsing (the sign-in form) needs python-multipart
    secret, real = read_secret("VEIL_PROXY_SECRET"), read_secret("VEIL_REAL_TOKEN")
    if not secret or len(secret) < 32 or not real:
        raise SystemExit("set VEIL_PROXY_SECRET (32+ characters) and VEIL_REAL_TOKEN (or their _FILE forms)")
    users_file = os.environ.get("VEIL_PROXY_USERS_FILE")
    users = json.loads(Path(users_file).read_text()) if users_file else {}
    if not users:
        print("warning: no VEIL_PROXY_USERS_FILE: nobody can sign in")
    settings = ProxySettings(secret_key=secret.encode(), collector_endpoint=args.collector, real_token=real,
                             placeholder_token=args.placeholder, users=users, secure_cookie=not args.insecure_cookie,
                             trusted_proxies=tuple(a.strip() for a in args.trusted_proxy))
    serve(create_proxy_app(settings), args.host, args.port)


if __name__ == "__main__":
    main()
