"""The index's tables, written once for both backends (the migration that adds them).

Rules: every table hangs off ``session_keys`` with ON DELETE CASCADE, so erasing or expiring a
visit (which deletes its key) removes its index row, paths, names, clicks and share links in the
same transaction, whichever backend. Sorted and filtered columns are NOT NULL, so an index on
(column, session) serves each sort in both directions. Texts compared by range (paths, names)
are byte-ordered on PostgreSQL (``COLLATE "C"``), as SQLite orders them, so that a pattern's
literal prefix is an index range on both. ``SCHEMA_VERSION`` names this shape; a database that
holds batches but no index rows is filled in from its batches once, when the storage opens.
"""

from __future__ import annotations

SCHEMA_VERSION = 1

# Columns of ``visits`` a fold writes, in order (``index.VisitRow`` and its counts).
VISIT_COLUMNS = (
    "start_ts", "end_ts", "duration_ms", "active_ms", "views", "pages", "batches", "events", "bytes", "dropped",
    "quarantined", "clicks", "inputs", "errors", "console_errors", "failed_requests", "rage", "dead", "error_clicks",
    "frustrations", "first_received", "last_received",
)
CLICK_COLUMNS = ("session", "at", "view", "path", "x", "y", "page_x", "page_y", "width", "height", "node", "kind", "name")
SORTED_COLUMNS = ("last_received", "start_ts", "duration_ms", "active_ms", "errors", "frustrations")

_TEMPLATE = [
    "CREATE TABLE IF NOT EXISTS visits (session TEXT PRIMARY KEY REFERENCES session_keys (session) ON DELETE CASCADE, "
    + ", ".join(f"{c} {{real}} NOT NULL DEFAULT 0" if c.endswith(("_ts", "_ms", "_received")) else f"{c} BIGINT NOT NULL DEFAULT 0"
                for c in VISIT_COLUMNS) + ")",
    # What the list shows beside the columns (URLs and names as JSON) and what folding needs (state):
    # apart, so that scans of ``visits`` read narrow rows.
    "CREATE TABLE IF NOT EXISTS visit_states (session TEXT PRIMARY KEY REFERENCES session_keys (session) ON DELETE CASCADE, "
    "urls TEXT NOT NULL, targets TEXT NOT NULL, state TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS visit_paths (session TEXT NOT NULL REFERENCES session_keys (session) ON DELETE CASCADE, "
    "path {text_c} NOT NULL, PRIMARY KEY (session, path)){without_rowid}",
    "CREATE INDEX IF NOT EXISTS visit_paths_path ON visit_paths (path, session)",
    "CREATE TABLE IF NOT EXISTS visit_names (session TEXT NOT NULL REFERENCES session_keys (session) ON DELETE CASCADE, "
    "name_key {text_c} NOT NULL, PRIMARY KEY (session, name_key)){without_rowid}",
    "CREATE INDEX IF NOT EXISTS visit_names_key ON visit_names (name_key, session)",
    "CREATE TABLE IF NOT EXISTS visit_clicks (session TEXT NOT NULL REFERENCES session_keys (session) ON DELETE CASCADE, "
    "at {real} NOT NULL, view TEXT NOT NULL, path {text_c}, x {real}, y {real}, page_x {real}, page_y {real}, "
    "width INTEGER, height INTEGER, node BIGINT NOT NULL, kind TEXT NOT NULL, name TEXT)",
    "CREATE INDEX IF NOT EXISTS visit_clicks_path ON visit_clicks (path, at)",
    "CREATE INDEX IF NOT EXISTS visit_clicks_session ON visit_clicks (session)",
    *(f"CREATE INDEX IF NOT EXISTS visits_by_{c} ON visits ({c}, session)" for c in SORTED_COLUMNS),
    # Share links: only a hash of the token is kept (a copy of the database opens nothing).
    "CREATE TABLE IF NOT EXISTS share_links (id TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, "
    "session TEXT NOT NULL REFERENCES session_keys (session) ON DELETE CASCADE, at_ms {real}, "
    "created_by TEXT NOT NULL, created_at {real} NOT NULL, expires_at {real} NOT NULL, "
    "revoked_at {real}, revoked_by TEXT)",
    "CREATE INDEX IF NOT EXISTS share_links_session ON share_links (session)",
]


def index_schema(dialect: str) -> list[str]:
    """The statements that create the index's tables (idempotent), for "sqlite" or "postgres"."""
    if dialect not in ("sqlite", "postgres"):
        raise ValueError(f"unknown dialect {dialect!r}")
    real, text_c, without_rowid = (("REAL", "TEXT", " WITHOUT ROWID") if dialect == "sqlite"
                                   else ("DOUBLE PRECISION", 'TEXT COLLATE "C"', ""))
    return [statement.format(real=real, text_c=text_c, without_rowid=without_rowid) for statement in _TEMPLATE]
