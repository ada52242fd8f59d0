"""A bare SQLite database with the session index's tables and real index keys, for the unit and
property tests of search and the index's SQL (the storage backends' own suite runs the rest)."""

from __future__ import annotations

import sqlite3
from typing import Any

from veil_collector.storage import crypto
from veil_collector.storage.index_crypto import IndexCipher, Terms
from veil_collector.visits import store
from veil_collector.visits.index import batch_facts
from veil_collector.visits.schema import index_schema
from veil_collector.visits.search import Search, estimate_sqls, search_sql

KEY = bytes(range(32))


class IndexDB:
    def __init__(self) -> None:
        self.db = sqlite3.connect(":memory:", isolation_level=None)
        self.db.execute("CREATE TABLE session_keys (session TEXT PRIMARY KEY, wrapped BLOB NOT NULL, created_at REAL NOT NULL)")
        self.db.execute("CREATE TABLE batches (session TEXT, view TEXT)")
        self.db.execute("CREATE TABLE audit (id INTEGER PRIMARY KEY, session TEXT)")
        for statement in index_schema("sqlite"):
            self.db.execute(statement)
        self.keys = IndexCipher(KEY)
        self.terms = Terms(self.keys)
        self.master = crypto.check_master_key(KEY)

    def execute(self, sql: str, params: Any = ()) -> list[tuple[Any, ...]]:
        return self.db.execute(sql, tuple(params)).fetchall()

    def add_visit(self, session: str, events: list[dict[str, Any]], received_at: float, view: str = "v" * 16) -> None:
        if not self.execute("SELECT 1 FROM session_keys WHERE session = ?", (session,)):
            self.execute("INSERT INTO session_keys VALUES (?, ?, 0)", (session, crypto.new_wrapped_key(self.master, session)))
        store.index_batch(self.execute, self.keys, session, view, batch_facts(events), events=len(events), body_bytes=10,
                          dropped=0, received_at=received_at)

    def search(self, search: Search) -> list[dict[str, Any]]:
        return store.search_visits(self.execute, self.keys, self.terms, search)

    def sessions_by_every_driver(self, search: Search) -> list[list[str]]:
        """The search's sessions with each possible plan (no driver, then each filter driving)."""
        ids = store.resolve(self.terms, self.execute, search)
        out = []
        for driver in [None, *range(len(estimate_sqls(search, ids)))]:
            sql, params = search_sql(search, ids, driver)
            out.append([row[0] for row in self.execute(sql, params)])
        return out

    def plan(self, search: Search) -> str:
        ids = store.resolve(self.terms, self.execute, search)
        from veil_collector.visits.search import choose_driver

        counts = [self.execute(sql, params)[0][0] for sql, params in estimate_sqls(search, ids)]
        sql, params = search_sql(search, ids, choose_driver(counts))
        return " ".join(str(r[3]) for r in self.execute("EXPLAIN QUERY PLAN " + sql, params))
