"""Run the collector:

    VEIL_CLIENT_TOKEN=... VEIL_OPERATORS_FILE=operators.json VEIL_SESSION_SECRET=... \\
        python -m veil_collector [--port 8700] [--db FILE] [--origin URL ...] [--trusted-proxy ADDR ...]
        [--retention-days N] [--database postgresql://… | FILE] [--workers N]

Secrets never come from argv (every local user can read it with ``ps``): each is read from a file
named by a ``--*-file`` flag or ``$NAME_FILE``, or from ``$NAME``:
  VEIL_CLIENT_TOKEN      the client token required in X-Veil-Token (optional)
  VEIL_OPERATORS_FILE    JSON/TOML list of operators {name, role: viewer|admin, token_hash}
  VEIL_OPERATOR_TOKEN    one admin operator named "operator" (the demo's single token)
  VEIL_SESSION_SECRET    derives the session write keys (32+ characters; the same for every process)
  VEIL_MASTER_KEY        32 bytes (hex or base64) wrapping the per-session keys of encryption at rest
Non-secret settings may also come from the environment: VEIL_RETENTION_DAYS, VEIL_TRUSTED_PROXIES
(comma-separated addresses), VEIL_RATE_PER_SECOND and VEIL_RATE_BURST.

    python -m veil_collector hash-token [--scrypt]    reads a token on stdin, prints its token_hash
    python -m veil_collector mcp [--http] [--database …]   agent access (MCP), see veil_collector.agent
"""

from __future__ import annotations

import argparse
import os
import sys
from importlib import import_module
from pathlib import Path

from .access import decode_key, hash_token, load_operators, read_secret
from .extras import needs_extra


def _hash_token(argv: list[str]) -> None:
    scrypt = "--scrypt" in argv
    token = sys.stdin.readline().strip()
    if not token:
        raise SystemExit("give the token on stdin")
    print(hash_token(token, "scrypt" if scrypt else "sha256"))


def main() -> None:
    if sys.argv[1:2] == ["hash-token"]:
        _hash_token(sys.argv[2:])
        return
    if sys.argv[1:2] == ["mcp"]:
        with needs_extra("veil-collector mcp", "mcp"):
            from .agent import main as agent_main

        agent_main(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description="Veil collector (secrets: see the module docstring)",
                                     allow_abbrev=False)  # --token must not pass for --token-file
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8700)
    parser.add_argument("--db", default="veil-collector.sqlite3")
    parser.add_argument("--origin", action="append", default=[], help="allowed CORS origin (repeatable)")
    parser.add_argument("--token-file", default=None, help="file holding the client token (or VEIL_CLIENT_TOKEN)")
    parser.add_argument("--operators-file", default=os.environ.get("VEIL_OPERATORS_FILE"),
                        help="JSON/TOML operators with hashed tokens (or VEIL_OPERATORS_FILE)")
    parser.add_argument("--operator-token-file", default=None, help="file holding one admin token (or VEIL_OPERATOR_TOKEN)")
    parser.add_argument("--session-secret-file", default=None, help="file holding the session-key secret")
    parser.add_argument("--master-key-file", default=None, help="file holding the at-rest master key")
    parser.add_argument("--trusted-proxy", action="append",
                        default=[a for a in os.environ.get("VEIL_TRUSTED_PROXIES", "").split(",") if a.strip()],
                        help="address whose X-Forwarded-For and X-Veil-User are believed (repeatable; default none)")
    parser.add_argument("--rate", type=float, default=float(os.environ.get("VEIL_RATE_PER_SECOND", "20")),
                        help="sustained batches per second per client (address, or user behind a trusted proxy)")
    parser.add_argument("--burst", type=int, default=int(os.environ.get("VEIL_RATE_BURST", "60")),
                        help="batches a client may send at once before --rate applies")
    parser.add_argument("--retention-days", type=float, default=float(os.environ.get("VEIL_RETENTION_DAYS", "0")) or None,
                        help="erase sessions idle longer than this (a purge runs at start-up and hourly)")
    parser.add_argument("--database", default=None,
                        help="postgresql://user@host/db, or a SQLite file (overrides --db); PostgreSQL needs "
                             "VEIL_MASTER_KEY in the environment")
    parser.add_argument("--workers", type=int, default=1,
                        help="processes serving the port (more than 1 needs --database postgresql://… and "
                             "VEIL_SESSION_SECRET)")
    args = parser.parse_args()
    with needs_extra("veil-collector", "collector"):
        from .app import CollectorSettings, create_app
        from .serving import serve
        from .storage import is_postgres_url

        import_module("uvicorn")  # imported by ``serve`` only when the server starts: checked here
    if args.database:
        args.db = args.database
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    if not args.rate > 0 or args.burst < 1:
        parser.error("--rate must be above 0 and --burst at least 1")
    if args.workers > 1 and not is_postgres_url(args.db):
        parser.error("--workers above 1 needs --database postgresql://… (a SQLite file serves one process)")
    if is_postgres_url(args.db):
        with needs_extra("veil-collector --database postgresql://…", "postgres"):
            import_module(".storage.postgres", __package__)
    # Files named by flags are handed on by name in the environment, so that worker processes
    # (which rebuild their settings there) read the same secrets.
    for flag, name in (("token_file", "VEIL_CLIENT_TOKEN"), ("operator_token_file", "VEIL_OPERATOR_TOKEN"),
                       ("session_secret_file", "VEIL_SESSION_SECRET"), ("master_key_file", "VEIL_MASTER_KEY")):
        if getattr(args, flag):
            os.environ[name + "_FILE"] = str(Path(getattr(args, flag)).resolve())
    if args.operators_file:
        os.environ["VEIL_OPERATORS_FILE"] = str(Path(args.operators_file).resolve())

    secret = read_secret("VEIL_SESSION_SECRET", args.session_secret_file)
    if secret is not None and len(secret) < 32:
        raise SystemExit("VEIL_SESSION_SECRET must be 32+ characters")
    if secret is None and args.workers > 1:
        # Each process would draw its own secret, and a session's key would depend on which answered.
        raise SystemExit("--workers above 1 needs VEIL_SESSION_SECRET (the same for every process)")
    if secret is None:
        print("warning: no VEIL_SESSION_SECRET: session keys change at restart")
    master = read_secret("VEIL_MASTER_KEY", args.master_key_file)
    operators = tuple(load_operators(args.operators_file)) if args.operators_file else ()
    operator_token = read_secret("VEIL_OPERATOR_TOKEN", args.operator_token_file)
    if not operators and not operator_token:
        print("warning: no operators (VEIL_OPERATORS_FILE or VEIL_OPERATOR_TOKEN): nobody can read sessions")
    settings = CollectorSettings(
        db_path=args.db, client_token=read_secret("VEIL_CLIENT_TOKEN", args.token_file),
        allowed_origins=tuple(args.origin), operator_token=operator_token, operators=operators,
        session_secret=secret.encode() if secret else None, master_key=decode_key(master) if master else None,
        trusted_proxies=tuple(a.strip() for a in args.trusted_proxy), retention_days=args.retention_days,
        rate_per_second=args.rate, rate_burst=args.burst,
    )
    if args.workers > 1:
        from .workers import run

        run(settings, args.host, args.port, args.workers)
        return
    serve(create_app(settings), args.host, args.port)


if __name__ == "__main__":
    main()
