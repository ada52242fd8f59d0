"""The index's tables, written once for both backends (the migration that adds them).

Rules: every table of a visit hangs off ``session_keys`` with ON DELETE CASCADE, so erasing or
expiring a visit (which deletes its key) removes its index row, paths, names, clicks and share
links in the same transaction, whichever backend; the dictionary of terms they pointed at loses
its orphans in that transaction too. Nothing in these tables is readable without the master key:
a visit's URLs, names and fold state are sealed with its own key, terms with a key derived from
the master key (``storage.index_crypto``). Sorted and filtered columns are NOT NULL, so an index
on (column, session) serves each sort in both directions. ``SCHEMA_VERSION`` names this shape; a
database that holds batches but no index rows is filled in from its batches once, when the
storage opens.
"""

from __future__ import annotations

SCHEMA_VERSION = 1

# Columns of ``visits`` a fold writes, in order (``index.VisitRow`` and its counts).
VISIT_COLUMNS = (
    "start_ts", "end_ts", "duration_ms", "active_ms", "views", "pages", "batches", "events", "bytes", "dropped",
    "quarantined", "clicks", "inputs", "errors", "console_errors", "failed_requests", "rage", "dead", "error_clicks",
    "frustrations", "first_received", "last_received",
)
CLICK_COLUMNS = ("session", "at", "view", "path_id", "x", "y", "page_x", "page_y", "width", "height", "node", "kind", "name_id")
SORTED_COLUMNS = ("last_received", "start_ts", "duration_ms", "active_ms", "errors", "frustrations")

_TEMPLATE = [
    "CREATE TABLE IF NOT EXISTS visits (session TEXT PRIMARY KEY REFERENCES session_keys (session) ON DELETE CASCADE, "
    + ", ".join(f"{c} {{real}} NOT NULL DEFAULT 0" if c.endswith(("_ts", "_ms", "_received")) else f"{c} BIGINT NOT NULL DEFAULT 0"
                for c in VISIT_COLUMNS) + ")",
    # What the list shows beside the columns (URLs and names: ``shown``) and what folding needs
    # (``sealed``), each sealed with the visit's own key; apart, so that scans of ``visits`` read narrow rows.
    ("CREATE TABLE IF NOT EXISTS visit_states (session TEXT PRIMARY KEY REFERENCES session_keys (session) ON DELETE CASCADE, "
    "shown {blob} NOT NULL, sealed {blob} NOT NULL)"),
    # The dictionary of what search matches across visits (paths, clicked names): each term once,
    # sealed with a key derived from the master key, found by an HMAC tag (storage.index_crypto).
    ("CREATE TABLE IF NOT EXISTS index_terms (id {serial}, kind TEXT NOT NULL, tag {blob} NOT NULL UNIQUE, "
    "sealed {blob} NOT NULL)"),
    ("CREATE TABLE IF NOT EXISTS visit_paths (session TEXT NOT NULL REFERENCES session_keys (session) ON DELETE CASCADE, "
    "term_id BIGINT NOT NULL, PRIMARY KEY (session, term_id)){without_rowid}"),
    "CREATE INDEX IF NOT EXISTS visit_paths_term ON visit_paths (term_id, session)",
    ("CREATE TABLE IF NOT EXISTS visit_names (session TEXT NOT NULL REFERENCES session_keys (session) ON DELETE CASCADE, "
    "term_id BIGINT NOT NULL, PRIMARY KEY (session, term_id)){without_rowid}"),
    "CREATE INDEX IF NOT EXISTS visit_names_term ON visit_names (term_id, session)",
    ("CREATE TABLE IF NOT EXISTS visit_clicks (session TEXT NOT NULL REFERENCES session_keys (session) ON DELETE CASCADE, "
    "at {real} NOT NULL, view TEXT NOT NULL, path_id BIGINT, x {real}, y {real}, page_x {real}, page_y {real}, "
    "width INTEGER, height INTEGER, node BIGINT NOT NULL, kind TEXT NOT NULL, name_id BIGINT)"),
    "CREATE INDEX IF NOT EXISTS visit_clicks_path ON visit_clicks (path_id, at)",
    "CREATE INDEX IF NOT EXISTS visit_clicks_name ON visit_clicks (name_id)",
    "CREATE INDEX IF NOT EXISTS visit_clicks_session ON visit_clicks (session)",
    *(f"CREATE INDEX IF NOT EXISTS visits_by_{c} ON visits ({c}, session)" for c in SORTED_COLUMNS),
    # Share links: only a hash of the token is kept (a copy of the database opens nothing).
    ("CREATE TABLE IF NOT EXISTS share_links (id TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, "
    "session TEXT NOT NULL REFERENCES session_keys (session) ON DELETE CASCADE, at_ms {real}, "
    "created_by TEXT NOT NULL, created_at {real} NOT NULL, expires_at {real} NOT NULL, "
    "revoked_at {real}, revoked_by TEXT)"),
    "CREATE INDEX IF NOT EXISTS share_links_session ON share_links (session)",
    # "Who viewed this visit": the audit log's entries of one session, newest first.
    "CREATE INDEX IF NOT EXISTS audit_session ON audit (session, id)",
]


def index_schema(dialect: str) -> list[str]:
    """The statements that create the index's tables (idempotent), for "sqlite" or "postgres"."""
    if dialect not in ("sqlite", "postgres"):
        raise ValueError(f"unknown dialect {dialect!r}")
    if dialect == "sqlite":
        words = {"real": "REAL", "blob": "BLOB", "serial": "INTEGER PRIMARY KEY AUTOINCREMENT", "without_rowid": " WITHOUT ROWID"}
    else:
        words = {"real": "DOUBLE PRECISION", "blob": "BYTEA", "serial": "BIGSERIAL PRIMARY KEY", "without_rowid": ""}
    return [statement.format(**words) for statement in _TEMPLATE]
