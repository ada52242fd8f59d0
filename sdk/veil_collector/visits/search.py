"""Search over the session index: the query an operator (or an agent) asks, checked, and its SQL.

Rules: ``parse_search`` turns query parameters into a ``Search`` or raises ``SearchError`` with a
message that names the parameter and what it takes (the routes answer 400 with it): an unknown
parameter, a bad pattern, a range whose start is after its end or a page past the bound is
refused, never guessed. Every parameter narrows the result; a repeated one narrows it again
(``visited=/cart&visited=/checkout``: both). ``search_sql`` writes the query once, with ``?``
placeholders, in SQL that SQLite and PostgreSQL both run; it reads only the index tables
(``visits``, ``visit_paths``, ``visit_names``), never batches.

Patterns: a path pattern is matched against the whole path of a page the visit showed (no
origin, query or fragment), case-sensitively; ``*`` stands for any run of characters, ``/`` too
(``/product/*/reviews``, ``/checkout*``). A clicked-name pattern is matched against the names of
clicked targets recorded in clear, ignoring case, with the same ``*``. Paths and names are
stored sealed, as a dictionary of terms (``storage.index_crypto``): a pattern is matched against
the opened dictionary first, and the SQL only ever sees the ids of the terms it matched.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

MAX_PATTERN = 200
MAX_STARS = 4
MAX_REPEATS = 5
MAX_LIMIT = 500
MAX_OFFSET = 100_000
MAX_DURATION_S = 366 * 86400.0
FRUSTRATIONS = {"rage": "rage", "dead": "dead", "error": "error_clicks", "any": "frustrations"}
# sort key -> column of ``visits``
SORTS = {"received": "last_received", "start": "start_ts", "duration": "duration_ms", "active": "active_ms",
         "errors": "errors", "frustrations": "frustrations"}
PARAMETERS = ("visited", "notVisited", "errors", "frustrations", "frustration", "minDuration", "maxDuration",
              "from", "to", "clicked", "sort", "limit", "offset", "after")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class SearchError(ValueError):
    """A search the collector refuses, with the reason (a 400's message)."""


@dataclass(frozen=True)
class Search:
    visited: tuple[str, ...] = ()  # path patterns the visit showed, each of them
    not_visited: tuple[str, ...] = ()  # path patterns the visit never showed
    with_errors: bool = False
    frustrations: tuple[str, ...] = ()  # rage, dead, error, any: each of them
    min_duration_ms: float | None = None
    max_duration_ms: float | None = None
    since: float | None = None  # the visit started at or after (ms since the epoch)
    until: float | None = None  # the visit started before
    clicked: tuple[str, ...] = ()  # clicked-name patterns, each of them
    sort: str = "-received"
    limit: int = 50
    offset: int = 0

    @property
    def filtered(self) -> bool:
        return self != Search(sort=self.sort, limit=self.limit, offset=self.offset)


# -- parameters -------------------------------------------------------------------------------

def check_pattern(value: str, name: str, *, path: bool) -> str:
    if not value or len(value) > MAX_PATTERN:
        raise SearchError(f"{name} must be a pattern of 1-{MAX_PATTERN} characters")
    if _CONTROL.search(value):
        raise SearchError(f"{name} must not hold control characters")
    if value.count("*") > MAX_STARS:
        raise SearchError(f"{name} may hold at most {MAX_STARS} '*'")
    if path and not value.startswith(("/", "*")):
        raise SearchError(f"{name} is a path pattern: it starts with '/' (or '*'), e.g. /checkout or /product/*")
    return value


def _number(value: str, name: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise SearchError(f"{name} must be a number") from None
    if not math.isfinite(number):
        raise SearchError(f"{name} must be a finite number")
    return number


def parse_time(value: str, name: str) -> float:
    """A moment as ms since the epoch: an integer of ms, or an ISO 8601 date or date-time (UTC unless
    it says otherwise)."""
    text = value.strip()
    if re.fullmatch(r"\d{1,15}", text):
        return float(text)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise SearchError(f"{name} must be a date (2026-05-01), a date-time (2026-05-01T14:30:00Z) "
                          "or milliseconds since 1970") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.timestamp() * 1000.0
    except (OverflowError, OSError, ValueError):
        raise SearchError(f"{name} is out of range") from None


def _integer(value: str, name: str, low: int, high: int) -> int:
    if not re.fullmatch(r"\d{1,9}", value.strip()) or not low <= int(value) <= high:
        raise SearchError(f"{name} must be an integer from {low} to {high}")
    return int(value)


def _flag(value: str, name: str) -> bool:
    if value not in ("0", "1"):
        raise SearchError(f"{name} must be 0 or 1")
    return value == "1"


def parse_search(params: Mapping[str, Sequence[str]], *, default_limit: int = 50) -> Search:
    """The search the parameters ask for (``{name: [values]}``: a repeated parameter has several)."""
    unknown = sorted(set(params) - set(PARAMETERS))
    if unknown:
        raise SearchError(f"unknown parameter {unknown[0]!r}: search takes {', '.join(PARAMETERS[:-1])}")
    for name, values in params.items():
        if len(values) > (MAX_REPEATS if name in ("visited", "notVisited", "frustration", "clicked") else 1):
            raise SearchError(f"{name} is given too many times")

    def one(name: str) -> str | None:
        values = params.get(name)
        return values[0] if values else None

    frustrations = []
    for value in params.get("frustration", []):
        if value not in FRUSTRATIONS:
            raise SearchError(f"frustration must be one of {', '.join(FRUSTRATIONS)}")
        frustrations.append(value)
    if one("frustrations") is not None and _flag(one("frustrations") or "", "frustrations"):
        frustrations.append("any")

    durations: list[float | None] = []
    for name in ("minDuration", "maxDuration"):
        text = one(name)
        seconds = None if text is None else _number(text, name)
        if seconds is not None and not 0 <= seconds <= MAX_DURATION_S:
            raise SearchError(f"{name} is in seconds, from 0 to {MAX_DURATION_S:.0f} (366 days)")
        durations.append(None if seconds is None else seconds * 1000.0)
    low, high = durations
    if low is not None and high is not None and low > high:
        raise SearchError("minDuration is more than maxDuration")

    since = None if one("from") is None else parse_time(one("from") or "", "from")
    until = None if one("to") is None else parse_time(one("to") or "", "to")
    if since is not None and until is not None and since > until:
        raise SearchError("from is after to")

    sort = one("sort") or "-received"
    if sort.lstrip("-") not in SORTS or sort.count("-") > 1:
        raise SearchError(f"sort must be one of {', '.join(SORTS)}, with a leading '-' for descending")

    offset_text = one("offset") if one("offset") is not None else one("after")
    return Search(
        visited=tuple(check_pattern(v, "visited", path=True) for v in params.get("visited", [])),
        not_visited=tuple(check_pattern(v, "notVisited", path=True) for v in params.get("notVisited", [])),
        with_errors=_flag(one("errors") or "0", "errors"),
        frustrations=tuple(dict.fromkeys(frustrations)),
        min_duration_ms=durations[0], max_duration_ms=durations[1], since=since, until=until,
        clicked=tuple(check_pattern(v, "clicked", path=False) for v in params.get("clicked", [])),
        sort=sort,
        limit=_integer(one("limit") or str(default_limit), "limit", 1, MAX_LIMIT),
        offset=_integer(offset_text or "0", "offset", 0, MAX_OFFSET),
    )


# -- SQL --------------------------------------------------------------------------------------

# A list of term ids travels as one parameter, JSON text: a pattern can match thousands of terms,
# and a placeholder per id made such a query thousands of parameters long (PostgreSQL's driver
# parses the statement's text for them in Python: 100 ms for 7,000 ids, twice a search). SQLite
# reads the list with json_each; the PostgreSQL backend writes TERM_LIST in its own words
# (``storage.postgres._q``).
TERM_LIST = "(SELECT value FROM json_each(?))"


def ids_sql(column: str, ids: Sequence[int]) -> tuple[str, list[Any]]:
    """SQL that ``column`` holds one of ``ids`` (the terms a pattern matched; never empty here)."""
    return f"{column} IN {TERM_LIST}", [orjson.dumps([int(i) for i in ids]).decode()]


# A filter that matches at most this many index rows drives the query (its visits are found
# first, then sorted); a commoner one is tested per visit while the visits are read in the order
# asked for, so that the first page comes without reading every match.
DRIVE_MAX = 5000

# (kind, pattern) -> the ids of the terms it matches (``visits.store.resolve``).
TermIds = Mapping[tuple[str, str], Sequence[int]]


def _positive(search: Search, ids: TermIds) -> list[tuple[str, Sequence[int]]]:
    """What a visit must match: (table, term ids) per pattern."""
    return ([("visit_paths", ids.get(("path", p), ())) for p in search.visited]
            + [("visit_names", ids.get(("name", p), ())) for p in search.clicked])


def _ranges(search: Search) -> list[tuple[str, float | None, float | None]]:
    """The column ranges asked for: (column, low, high); ``until`` is exclusive, the others not."""
    out = []
    if search.min_duration_ms is not None or search.max_duration_ms is not None:
        out.append(("duration_ms", search.min_duration_ms, search.max_duration_ms))
    if search.since is not None or search.until is not None:
        out.append(("start_ts", search.since, search.until))
    return out


def _range_sql(column: str, low: float | None, high: float | None, prefix: str) -> tuple[str, list[Any]]:
    parts, params = [], []
    if low is not None:
        parts.append(f"{prefix}v.{column} >= ?")
        params.append(low)
    if high is not None:
        parts.append(f"{prefix}v.{column} {'<' if column == 'start_ts' else '<='} ?")
        params.append(high)
    return " AND ".join(parts), params


def estimate_sqls(search: Search, ids: TermIds) -> list[tuple[str, list[Any]]]:
    """One query per filter that an index can serve (each pattern a visit must match, then each
    range): how many index rows it matches, counted up to ``DRIVE_MAX + 1`` (cheap whatever the
    table's size). A pattern that matched no term counts 0 without asking."""
    out: list[tuple[str, list[Any]]] = []
    for table, term_ids in _positive(search, ids):
        if not term_ids:
            out.append(("SELECT 0", []))
            continue
        sql, params = ids_sql("x.term_id", term_ids)
        out.append((f"SELECT COUNT(*) FROM (SELECT 1 FROM {table} x WHERE {sql} LIMIT {DRIVE_MAX + 1}) t", params))
    for column, low, high in _ranges(search):
        sql, params = _range_sql(column, low, high, "")
        out.append((f"SELECT COUNT(*) FROM (SELECT 1 FROM visits v WHERE {sql} LIMIT {DRIVE_MAX + 1}) t", params))
    return out


def choose_driver(counts: Sequence[int]) -> int | None:
    """Which filter (index into ``estimate_sqls``) drives the query, from the counts it found."""
    if not counts:
        return None
    best = min(range(len(counts)), key=lambda i: counts[i])
    return best if counts[best] <= DRIVE_MAX else None


def search_where(search: Search, ids: TermIds, driver: int | None = None) -> tuple[str, list[Any]]:
    """The WHERE clause over ``visits v`` (with leading `` WHERE ``, or empty) and its parameters:
    the cheap column tests first, then the filter that drives (``driver``, an index into
    ``estimate_sqls``), then the others, each an index probe per visit. A range that does not
    drive is written ``+v.column`` so that no planner uses its index (SQLite, without range
    statistics, would read most of the table through it). A pattern that matched no term: a
    visit cannot have shown it (visited: nothing found; not visited: no condition)."""
    conditions: list[str] = []
    params: list[Any] = []
    positive = _positive(search, ids)
    if search.with_errors:
        conditions.append("v.errors > 0")
    conditions.extend(f"v.{FRUSTRATIONS[kind]} > 0" for kind in search.frustrations)
    for i, (column, low, high) in enumerate(_ranges(search), start=len(positive)):
        sql, more = _range_sql(column, low, high, "" if i == driver else "+")
        conditions.append(sql)
        params += more
    if any(not term_ids for _, term_ids in positive):
        conditions.append("1 = 0")
    if driver is not None and driver < len(positive) and positive[driver][1]:
        table, term_ids = positive[driver]
        sql, more = ids_sql("x.term_id", term_ids)
        conditions.append(f"v.session IN (SELECT x.session FROM {table} x WHERE {sql})")
        params += more
    # A probe reads the visit's own few rows (by session) and tests each against the ids: ``+``
    # keeps a planner from seeking the (session, term) key once per id of a long list.
    for i, (table, term_ids) in enumerate(positive):
        if i != driver and term_ids:
            sql, more = ids_sql("+x.term_id", term_ids)
            conditions.append(f"EXISTS (SELECT 1 FROM {table} x WHERE x.session = v.session AND {sql})")
            params += more
    for pattern in search.not_visited:
        term_ids = ids.get(("path", pattern), ())
        if term_ids:
            sql, more = ids_sql("+x.term_id", term_ids)
            conditions.append(f"NOT EXISTS (SELECT 1 FROM visit_paths x WHERE x.session = v.session AND {sql})")
            params += more
    return (" WHERE " + " AND ".join(conditions) if conditions else ""), params


def search_order(search: Search) -> str:
    column = SORTS[search.sort.lstrip("-")]
    way = "DESC" if search.sort.startswith("-") else "ASC"
    # Ties by session, so pages are stable; every sort column is NOT NULL (an index serves the order).
    return f" ORDER BY v.{column} {way}, v.session {way}"


SUMMARY_COLUMNS = (
    "v.session, v.start_ts, v.end_ts, v.duration_ms, v.active_ms, v.views, v.pages, v.batches, v.events, v.bytes, "
    "v.dropped, v.quarantined, v.errors, v.console_errors, v.failed_requests, v.clicks, v.inputs, v.rage, v.dead, "
    "v.error_clicks, v.frustrations, v.last_received, s.shown, k.wrapped"
)


def search_sql(search: Search, ids: TermIds, driver: int | None = None) -> tuple[str, list[Any]]:
    """The page of visits ``search`` asks for, one more than ``limit`` (to tell whether there are
    more), with ``SUMMARY_COLUMNS``. The page is chosen on the narrow ``visits`` rows alone; only
    its rows are joined with their (sealed) states and keys."""
    where, params = search_where(search, ids, driver)
    order = search_order(search)
    sql = (f"SELECT {SUMMARY_COLUMNS} FROM (SELECT v.* FROM visits v{where}{order} LIMIT ? OFFSET ?) v "
           f"JOIN visit_states s ON s.session = v.session JOIN session_keys k ON k.session = v.session{order}")
    return sql, [*params, search.limit + 1, search.offset]


def summary_of(row: Sequence[Any], open_state: Callable[[str, Any, Any], bytes | None]) -> dict[str, Any]:
    """A ``SUMMARY_COLUMNS`` row as the API shows a visit (``open_state(session, wrapped, sealed)``
    opens what it shows beside its numbers, sealed: URLs in order, clicked names; what does not open
    shows none)."""
    (session, start, end, duration, active, views, pages, batches, events, size, dropped, quarantined, errors,
     console_errors, failed, clicks, inputs, rage, dead, error_clicks, frustrations, received, sealed, wrapped) = row
    opened = open_state(session, wrapped, sealed)
    state = orjson.loads(opened) if opened else {}
    urls, targets = state.get("urls", []), state.get("targets", [])
    return {
        # 0: the visit's events carried no time (the columns are NOT NULL, so an index serves the sort).
        "session": session, "start": start or None, "end": end or None, "durationMs": duration or 0, "activeMs": active or 0,
        "views": int(views), "pages": int(pages), "batches": int(batches), "events": int(events), "bytes": int(size),
        "dropped": int(dropped), "quarantined": int(quarantined), "errors": int(errors),
        "consoleErrors": int(console_errors), "failedRequests": int(failed), "clicks": int(clicks),
        "inputs": int(inputs), "rage": int(rage), "dead": int(dead), "errorClicks": int(error_clicks),
        "frustrations": int(frustrations), "lastReceived": received,
        "urls": urls, "targets": targets,
    }
