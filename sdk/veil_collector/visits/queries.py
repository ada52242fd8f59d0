"""The index's reads and one-row writes, written once for both backends (a mixin of ``SharedSQL``).

Rules: like ``storage.sql.SharedSQL``, these reach the database only through the backend's three
runners (``_one``, ``_all``, ``_change``: ``?`` placeholders, nothing raised but ``StorageBusy`` or
``StorageUnavailable``), and ``_chunk`` (one stored batch's events, opened, or b"" when it does
not open). Reads serve the index (search, click points), the audit log (who read a visit) and share
links; a page view's start is read from its own batches, first to last, stopping at its first full
snapshot. Writes are single statements (a share link made or revoked).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson

from . import store
from .clickmap import ClickMapQuery, clickmap_sql, point
from .search import Search
from .share import Link, NewLink

Row = tuple[Any, ...]
VIEW_START_MAX_BATCHES = 20  # a page view's snapshot is looked for in its first batches only
LINK_COLUMNS = "id, session, at_ms, created_by, created_at, expires_at, revoked_at, revoked_by"


def _link(row: Row | None) -> Link | None:
    if row is None:
        return None
    return Link(str(row[0]), str(row[1]), row[2], str(row[3]), float(row[4]), float(row[5]), row[6], row[7])


class IndexQueries:
    """The ``Storage`` methods of the session index, search, click maps and share links."""

    def _one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        raise NotImplementedError

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        raise NotImplementedError

    def _change(self, sql: str, params: Sequence[Any] = ()) -> int:
        raise NotImplementedError

    def _chunk(self, session: str, view: str, seq: int) -> bytes:
        raise NotImplementedError

    # The backend's index keys and opened dictionary (``storage.index_crypto``).
    _index_keys: store.Keys
    _terms: store.TermIndex

    # -- search and click maps ---------------------------------------------------------------
    def search_visits(self, search: Search) -> list[dict[str, Any]]:
        return store.search_visits(self._all, self._index_keys, self._terms, search)

    def click_points(self, query: ClickMapQuery) -> list[dict[str, Any]]:
        ids = store.resolve(self._terms, self._all, Search(visited=(query.page,)))
        found = clickmap_sql(query, ids[("path", query.page)])
        if found is None:
            return []
        return [point(row, self._terms.value) for row in self._all(*found)]

    def view_start(self, session: str, view: str) -> list[Any]:
        """A page view's meta event and first full snapshot (what a click map is drawn on); [] when
        its first batches hold none."""
        seqs = self._all("SELECT seq FROM batches WHERE session = ? AND view = ? AND quarantined = 0 ORDER BY seq LIMIT ?",
                         (session, view, VIEW_START_MAX_BATCHES))
        meta = None
        for (seq,) in seqs:
            chunk = self._chunk(session, view, int(seq))
            if not chunk:
                continue
            for event in orjson.loads(b"[" + chunk + b"]"):
                if not isinstance(event, dict):
                    continue
                if event.get("type") == 4:
                    meta = event
                elif event.get("type") == 2 and meta is not None:
                    return [meta, event]
        return []

    # -- who read a visit ----------------------------------------------------------------------
    def visit_reads(self, session: str, actions: Sequence[str], limit: int = 200) -> list[dict[str, Any]]:
        """The audit log's entries of ``actions`` on ``session``, newest first."""
        marks = ", ".join("?" * len(actions))
        rows = self._all(f"SELECT id, at, actor, action, session, detail FROM audit WHERE session = ? AND action IN ({marks}) "
                         "ORDER BY id DESC LIMIT ?", (session, *actions, limit))
        return [{"id": int(r[0]), "at": r[1], "actor": r[2], "action": r[3], "session": r[4], "detail": r[5]} for r in rows]

    # -- share links ---------------------------------------------------------------------------
    def create_share(self, link: NewLink, created_by: str) -> None:
        self._change(f"INSERT INTO share_links ({LINK_COLUMNS}, token_hash) VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, ?)",
                     (link.id, link.session, link.at_ms, created_by, link.created_at, link.expires_at, link.token_hash))

    def share_by_hash(self, token_hash: str) -> Link | None:
        return _link(self._one(f"SELECT {LINK_COLUMNS} FROM share_links WHERE token_hash = ?", (token_hash,)))

    def shares_of(self, session: str) -> list[Link]:
        rows = self._all(f"SELECT {LINK_COLUMNS} FROM share_links WHERE session = ? ORDER BY created_at DESC, id", (session,))
        return [link for link in map(_link, rows) if link is not None]

    def revoke_share(self, link_id: str, by: str, now: float) -> Link | None:
        """Revoke a link (once: a revoked link keeps its first revocation); None if unknown."""
        self._change("UPDATE share_links SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL",
                     (now, by, link_id))
        return _link(self._one(f"SELECT {LINK_COLUMNS} FROM share_links WHERE id = ?", (link_id,)))
