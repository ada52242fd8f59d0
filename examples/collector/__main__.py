"""Run the collector: python -m examples.collector [--port 8700] [--db FILE] [--token T] [--origin URL ...]"""

from __future__ import annotations

import argparse

import uvicorn

from .app import CollectorSettings, create_app


def main() -> None:
    parser = argparse.ArgumentParser(description="Veil example collector")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8700)
    parser.add_argument("--db", default="veil-collector.sqlite3")
    parser.add_argument("--token", default=None, help="client token required in X-Veil-Token")
    parser.add_argument("--origin", action="append", default=[], help="allowed CORS origin (repeatable)")
    args = parser.parse_args()
    settings = CollectorSettings(db_path=args.db, client_token=args.token, allowed_origins=tuple(args.origin))
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
