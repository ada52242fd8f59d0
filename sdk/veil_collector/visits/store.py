"""Keeping the index in the database: the statements both backends run, written once.

Rules: ``index_batch`` runs inside the transaction that stores a batch (the backend's writer calls
it just before inserting the batch's row) through one ``execute(sql, params) -> rows`` function in
``?`` style that the backend provides; it reads the visit's row, folds the batch in and writes the
row, its sealed state and the new path, name and click rows, so the index commits (or rolls back)
with the batch. ``rebuild_visit`` recomputes one visit's rows from its stored batches (after a
batch is quarantined or deleted, and once for a database from before the index); it is the
whole-visit fold the property tests compare the incremental one with. What is sealed and how
terms are found is the backend's ``Keys`` (``storage.index_crypto.IndexCipher``): nothing here
writes a URL or a name in clear.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import Any, Protocol

import orjson

from .index import BatchFacts, ClickRow, Folded, VisitRow, fold, row_from_state, state_json
from .schema import CLICK_COLUMNS, VISIT_COLUMNS
from .search import Search, SearchError, choose_driver, estimate_sqls, search_sql, summary_of

Execute = Callable[[str, Sequence[Any]], list[tuple[Any, ...]]]
PATH, NAME = "path", "name"
MAX_TERMS = 20_000  # terms one pattern may match (a broader pattern is refused, with its count)


class Keys(Protocol):
    """What the index needs of the backend's keys (``storage.index_crypto.IndexCipher``)."""

    def term_id(self, execute: Execute, kind: str, value: str) -> int: ...

    def session_key(self, execute: Execute, session: str) -> Any: ...

    @staticmethod
    def seal_state(key: Any, session: str, plaintext: bytes, part: str = "state") -> bytes: ...

    @staticmethod
    def open_state_with(key: Any, session: str, sealed: bytes) -> bytes | None: ...

    def open_state(self, session: str, wrapped: bytes | None, sealed: bytes | None, part: str = "state") -> bytes | None: ...


class TermIndex(Protocol):
    """The opened dictionary of terms (``storage.index_crypto.Terms``)."""

    def refresh(self, query: Execute) -> None: ...

    def matching(self, kind: str, pattern: str) -> list[int]: ...

    def value(self, kind: str, term_id: int | None) -> str | None: ...


_COUNT_COLUMNS = ("clicks", "inputs", "errors", "console_errors", "failed_requests", "rage", "dead", "error_clicks")

READ_ROW_SQL = ("SELECT " + ", ".join(f"v.{c}" for c in VISIT_COLUMNS) + ", s.sealed FROM visits v "
                "JOIN visit_states s ON s.session = v.session WHERE v.session = ?")
UPSERT_VISIT_SQL = ("INSERT INTO visits (session, " + ", ".join(VISIT_COLUMNS) + ") VALUES ("
                    + ", ".join("?" * (len(VISIT_COLUMNS) + 1)) + ") ON CONFLICT (session) DO UPDATE SET "
                    + ", ".join(f"{c} = excluded.{c}" for c in VISIT_COLUMNS))
UPSERT_STATE_SQL = ("INSERT INTO visit_states (session, shown, sealed) VALUES (?, ?, ?) "
                    "ON CONFLICT (session) DO UPDATE SET shown = excluded.shown, sealed = excluded.sealed")
INSERT_PATH_SQL = "INSERT INTO visit_paths (session, term_id) VALUES (?, ?) ON CONFLICT DO NOTHING"
INSERT_NAME_SQL = "INSERT INTO visit_names (session, term_id) VALUES (?, ?) ON CONFLICT DO NOTHING"
INSERT_CLICK_SQL = ("INSERT INTO visit_clicks (" + ", ".join(CLICK_COLUMNS) + ") VALUES ("
                    + ", ".join("?" * len(CLICK_COLUMNS)) + ")")
NEW_VIEW_SQL = "SELECT EXISTS (SELECT 1 FROM batches WHERE session = ? AND view = ?)"
FORGET_SQL = [f"DELETE FROM {table} WHERE session = ?" for table in ("visit_clicks", "visit_names", "visit_paths",
                                                                      "visit_states", "visits")]


def row_columns(row: VisitRow) -> list[Any]:
    """The ``visits`` columns of a row, in ``VISIT_COLUMNS`` order."""
    c = row.counts
    return [row.start or 0.0, row.end or 0.0, row.duration_ms, row.active_ms, row.views, row.page_count, row.batches,
            row.events, row.bytes, row.dropped, row.quarantined, c.clicks, c.inputs, c.errors, c.console_errors,
            c.failed_requests, c.rage, c.dead, c.error_clicks, c.frustrations, row.first_received or 0.0,
            row.last_received or 0.0]


def read_row(execute: Execute, keys: Keys, key: Any, session: str) -> VisitRow | None:
    found = execute(READ_ROW_SQL, (session,))
    if not found:
        return None
    values = dict(zip(VISIT_COLUMNS, found[0][:-1], strict=True))
    opened = keys.open_state_with(key, session, found[0][-1])
    if opened is None:  # a state that does not open is started again (fail closed: nothing read from it)
        return None
    columns: dict[str, Any] = {name: values[name] for name in _COUNT_COLUMNS}
    columns.update(start=values["start_ts"] or None, end=values["end_ts"] or None, views=values["views"],
                   batches=values["batches"], events=values["events"], bytes=values["bytes"], dropped=values["dropped"],
                   quarantined=values["quarantined"], first_received=values["first_received"] or None,
                   last_received=values["last_received"] or None)
    return row_from_state(session, columns, orjson.loads(opened))


def write(execute: Execute, keys: Keys, key: Any, done: Folded) -> None:
    """Write a fold's row, its sealed state and its new rows (terms by id)."""
    row = done.row
    execute(UPSERT_VISIT_SQL, [row.session, *row_columns(row)])
    shown = orjson.dumps({"urls": row.urls, "targets": row.target_names})
    execute(UPSERT_STATE_SQL, [row.session, keys.seal_state(key, row.session, shown, "shown"),
                               keys.seal_state(key, row.session, orjson.dumps(state_json(row)))])
    for path in done.paths:
        execute(INSERT_PATH_SQL, [row.session, keys.term_id(execute, PATH, path)])
    for name in done.names:
        execute(INSERT_NAME_SQL, [row.session, keys.term_id(execute, NAME, name.casefold())])
    for click in done.clicks:
        execute(INSERT_CLICK_SQL, click_params(execute, keys, row.session, click))


def click_params(execute: Execute, keys: Keys, session: str, click: ClickRow) -> list[Any]:
    path_id = None if click.path is None else keys.term_id(execute, PATH, click.path)
    name_id = None if click.name is None else keys.term_id(execute, NAME, click.name)
    return [session, click.at, click.view, path_id, click.x, click.y, click.page_x, click.page_y, click.width,
            click.height, click.node, click.kind, name_id]


def index_batch(execute: Execute, keys: Keys, session: str, view: str, facts: BatchFacts, *, events: int,
                body_bytes: int, dropped: int, received_at: float, new_view: bool | None = None,
                key: Any = None) -> VisitRow:
    """Fold one batch into its visit's index, in the caller's transaction (which keeps other writers
    of the visit out until it commits). ``new_view``: whether it is the first batch of its page view
    (None: asked of the database, before the batch's own row is inserted). ``key``: the visit's key
    when the caller holds it (else read)."""
    key = key if key is not None else keys.session_key(execute, session)
    if new_view is None:
        new_view = not execute(NEW_VIEW_SQL, (session, view))[0][0]
    done = fold(read_row(execute, keys, key, session), session, view, facts, events=events, body_bytes=body_bytes,
                dropped=dropped, new_view=new_view, received_at=received_at)
    write(execute, keys, key, done)
    return done.row


def forget_visit(execute: Execute, session: str) -> None:
    """Remove a visit's index rows (share links stay: they go with the visit's key)."""
    for sql in FORGET_SQL:
        execute(sql, (session,))


def rebuild_visit(execute: Execute, keys: Keys, session: str,
                  batches: Iterable[tuple[str, BatchFacts, int, int, int, float, bool]]) -> VisitRow | None:
    """Recompute a visit's index from its batches in visit order, as (view, facts, events, body bytes,
    dropped, received at, quarantined): quarantined batches are counted as such and nothing else."""
    forget_visit(execute, session)
    key = keys.session_key(execute, session)
    row: VisitRow | None = None
    seen: set[str] = set()
    quarantined = 0
    received: list[float] = []
    clicks: list[ClickRow] = []
    paths: list[str] = []
    names: list[str] = []
    for view, facts, events, body_bytes, dropped, received_at, hidden in batches:
        received.append(received_at)
        if hidden:
            quarantined += 1
            continue
        done = fold(row, session, view, facts, events=events, body_bytes=body_bytes, dropped=dropped,
                    new_view=view not in seen, received_at=received_at)
        seen.add(view)
        row = done.row
        clicks += done.clicks
        paths += done.paths
        names += done.names
    if not received or key is None:
        return None
    # A visit whose every batch is quarantined is still listed (with nothing counted), as before.
    row = replace(row or VisitRow(session=session), quarantined=quarantined, first_received=min(received),
                  last_received=max(received))
    write(execute, keys, key, Folded(row, clicks, paths, names))
    return row


def resolve(terms: TermIndex, query: Execute, search: Search) -> dict[tuple[str, str], list[int]]:
    """The term ids each of the search's patterns matches ((kind, pattern) -> ids)."""
    wanted = [(PATH, p) for p in (*search.visited, *search.not_visited)] + [(NAME, p) for p in search.clicked]
    if not wanted:
        return {}
    terms.refresh(query)
    out: dict[tuple[str, str], list[int]] = {}
    for kind, pattern in wanted:
        ids = terms.matching(kind, pattern)
        if len(ids) > MAX_TERMS:
            what = "paths" if kind == PATH else "clicked names"
            raise SearchError(f"{pattern!r} matches {len(ids)} different {what}, more than {MAX_TERMS}: narrow it")
        out[(kind, pattern)] = ids
    return out


def search_visits(query: Execute, keys: Keys, terms: TermIndex, search: Search) -> list[dict[str, Any]]:
    """The visits ``search`` finds (one more than its limit when more follow), as the API shows
    them. Each pattern is turned into the term ids it matches; each filter an index serves is then
    counted on it first (up to a bound): one that matches nothing answers at once, the rarest
    drives the query when it is rare enough (``search.choose_driver``). ``SearchError`` for a
    pattern that matches too many terms."""
    ids = resolve(terms, query, search)
    counts = [int(query(sql, params)[0][0]) for sql, params in estimate_sqls(search, ids)]
    if 0 in counts:  # a filter nothing matches
        return []
    sql, params = search_sql(search, ids, choose_driver(counts))
    return [summary_of(row, lambda session, wrapped, sealed: keys.open_state(session, wrapped, sealed, "shown"))
            for row in query(sql, params)]
