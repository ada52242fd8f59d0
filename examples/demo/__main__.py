"""Run the demo: python -m examples.demo (builds nothing; run `python build.py` first, or ./dev demo)."""

from __future__ import annotations

import argparse
import secrets
import time
from pathlib import Path

from .servers import start_servers

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    parser = argparse.ArgumentParser(description="Veil demo: checkout page + collector on loopback")
    parser.add_argument("--site-port", type=int, default=8701)
    parser.add_argument("--collector-port", type=int, default=8700)
    parser.add_argument("--db", type=Path, default=ROOT / "demo-collector.sqlite3")
    args = parser.parse_args()
    dist = ROOT / "dist"
    if not (dist / "veil.js").exists():
        raise SystemExit("dist/ is missing: run `python build.py` (./dev demo does it for you)")
    operator = secrets.token_urlsafe(18)
    servers = start_servers(dist, args.db, args.site_port, args.collector_port, operator_token=operator)
    print(f"Demo page:      {servers.site_url}/")
    print(f"Replay viewer:  {servers.collector_url}/viewer/#token={operator}")
    print(f"Consent banner: {servers.site_url}/consent/")
    print(f"Collector:      {servers.endpoint}")
    print(f"Operator token: {operator}  (the viewer and GET /v1/sessions need it)")
    print("Fill in the demo form, then open the viewer: your masked session plays within seconds. Ctrl-C stops.", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        servers.stop()


if __name__ == "__main__":
    main()
