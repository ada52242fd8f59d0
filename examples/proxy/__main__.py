"""Run the proxy in front of a collector:

    VEIL_PROXY_SECRET=... VEIL_REAL_TOKEN=... python -m examples.proxy --collector http://127.0.0.1:8700/v1/batches

Users sign in with POST /login (user, password); --user NAME:PASSWORD may be repeated (a stand-in
for your real login). Point the page's `endpoint` at this server's /v1/batches and set its
`clientToken` to the placeholder.
"""

from __future__ import annotations

import argparse
import os

import uvicorn

from .app import ProxySettings, create_proxy_app


def main() -> None:
    parser = argparse.ArgumentParser(description="Veil authenticated proxy")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8702)
    parser.add_argument("--collector", required=True, help="the collector's /v1/batches URL")
    parser.add_argument("--placeholder", default="public-placeholder")
    parser.add_argument("--user", action="append", default=[], help="NAME:PASSWORD (repeatable)")
    parser.add_argument("--insecure-cookie", action="store_true", help="allow the cookie over plain http (local testing)")
    args = parser.parse_args()
    secret, real = os.environ.get("VEIL_PROXY_SECRET"), os.environ.get("VEIL_REAL_TOKEN")
    if not secret or len(secret) < 32 or not real:
        raise SystemExit("set VEIL_PROXY_SECRET (32+ characters) and VEIL_REAL_TOKEN in the environment")
    users = dict(u.split(":", 1) for u in args.user)
    settings = ProxySettings(secret_key=secret.encode(), collector_endpoint=args.collector, real_token=real,
                             placeholder_token=args.placeholder, users=users, secure_cookie=not args.insecure_cookie)
    uvicorn.run(create_proxy_app(settings), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
