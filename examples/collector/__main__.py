"""Run the collector: python -m examples.collector [--port 8700] [--db FILE] [--token T] [--origin URL ...]
[--operator-token T]
[--database postgresql://… | FILE] [--workers N]"""

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
    parser.add_argument("--operator-token", default=None, help="required to read sessions and use /viewer/")
    parser.add_argument("--database", default=None,
                        help="postgresql://user@host/db, or a SQLite file (overrides --db); PostgreSQL needs "
                             "VEIL_MASTER_KEY (64 hex characters) in the environment")
    parser.add_argument("--workers", type=int, default=1,
                        help="processes serving the port (more than 1 needs --database postgresql://…)")
    args = parser.parse_args()
    from .storage import is_postgres_url

    if args.database:
        args.db = args.database
    if args.workers > 1 and not is_postgres_url(args.db):
        parser.error("--workers above 1 needs --database postgresql://… (a SQLite file serves one process)")
    if args.operator_token is None:
        print("warning: no --operator-token: recorded sessions can be read by anyone who reaches this server")
    settings = CollectorSettings(db_path=args.db, client_token=args.token, allowed_origins=tuple(args.origin),
                                 operator_token=args.operator_token)
    if args.workers > 1:
        from .workers import run

        run(settings, args.host, args.port, args.workers)
        return
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
