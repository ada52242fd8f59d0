"""The session index: one summary row per visit, kept up to date as its batches arrive.

Rules: ``batch_facts(events)`` reads one batch's stored (masked) events and says what they tell
about the visit, with no state: it runs where the batch is prepared, off the writer thread.
``fold(row, facts, ...)`` adds one batch's facts to its visit's row and says which rows to insert
beside it (clicks for click maps, paths and clicked names for search); the writer runs it in the
transaction that stores the batch, so no read ever aggregates batches. Folding a visit's batches
one at a time gives the same row as folding all of its events as one batch, however they are cut
(a property test holds it). Counts, start, end, pages, paths, names and active time do not depend
on the order batches arrive in; a click's page, scroll offset and viewport are what the events
before it in its page view said, so a batch that arrives before an earlier one of its view takes
them from what had arrived.

Nothing here is new content: URLs are the scrubbed ones the batch carries, a clicked target's
name is the action name the core recorded, kept only where it is in clear (not all ``*``), and a
click keeps its coordinates and node id, never text.

Bounds (the row stays small whatever the visit): ``MAX_PAGES`` page entries and ``MAX_NAMES``
clicked names, the earliest by time (a bound that keeps the earliest is the same whichever order
the parts came in); ``MAX_STRETCHES`` stretches of activity (past it the two nearest are joined:
the only approximation, for visits with thousands of separate bursts); ``MAX_CLICK_ROWS`` click
rows and ``MAX_PATHS`` distinct paths per visit; ``MAX_VIEWS`` page views remembered for clicks.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any
from urllib.parse import urlsplit

from veil.contract import ACTION_TAG, CONSOLE_TAG, ERROR_TAG, FRUSTRATION_TAG, KEY_TAG, NAVIGATION_TAG, NETWORK_TAG
from veil.rrweb import EventType, Source

MAX_PAGES = 200
MAX_NAMES = 200
MAX_STRETCHES = 2000
MAX_CLICK_ROWS = 2000
MAX_PATHS = 200
MAX_VIEWS = 16
SIZE_MAX = 2**31 - 1  # a viewport's width and height are kept in 32-bit columns
MAX_NAMED_NODES = 256  # node -> name, for naming frustration signals after their clicks
PATH_MAX = 512
NAME_MAX = 100
# An action event names the click just before it when it follows within this many ms (the shim
# emits both from one click listener).
ACTION_CLICK_MS = 100
# Activity (pointer, scroll, input, keys) at t counts [t, t + ACTIVE_TAIL_MS]; two stretches
# closer than IDLE_GAP_MS are one: a visitor idle for longer is not active meanwhile.
ACTIVE_TAIL_MS = 1000
IDLE_GAP_MS = 5000

_CLICK = 2  # rrweb MouseInteractions.Click
# What reading a malformed event can raise (a value of the wrong type where a rule expects another).
MALFORMED = (TypeError, ValueError, AttributeError, KeyError, IndexError, RecursionError)
_ACTIVITY_SOURCES = frozenset({Source.MOUSE_MOVE, Source.MOUSE_INTERACTION, Source.SCROLL, Source.INPUT,
                               Source.TOUCH_MOVE, Source.DRAG})
FRUSTRATION_KINDS = ("rage", "dead", "error")


@dataclass(frozen=True)
class Counts:
    """What a visit did, counted (each field adds up across batches)."""

    clicks: int = 0
    inputs: int = 0
    errors: int = 0
    console_errors: int = 0
    failed_requests: int = 0
    rage: int = 0
    dead: int = 0
    error_clicks: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(Counts)))

    @property
    def frustrations(self) -> int:
        return self.rage + self.dead + self.error_clicks


@dataclass(frozen=True, order=True)
class Page:
    """A page the visit showed: a full load (meta event) or an in-page navigation, in time order."""

    at: float
    url: str


@dataclass(frozen=True)
class Click:
    """A click, or a frustration signal (``kind`` rage, dead, error) at a click's place.

    ``x``/``y`` are viewport coordinates; ``scroll`` the document's scroll offset then, ``url`` the
    page and ``size`` the viewport, each None when the batch had not said it before the click (the
    fold then takes it from its page view's state). ``scrolls_seen``: how many of the batch's
    ``early_scrolls`` came before it."""

    at: float
    x: float | None
    y: float | None
    node: int
    kind: str = "click"
    name: str | None = None
    url: str | None = None
    scroll: tuple[float, float] | None = None
    size: tuple[int, int] | None = None
    scrolls_seen: int = 0


@dataclass(frozen=True)
class ViewState:
    """What is known of a page view at the end of what has been folded (None: not said yet)."""

    url: str | None = None
    doc: int | None = None  # the document node's id (scroll events on it scroll the page)
    scroll: tuple[float, float] | None = None
    size: tuple[int, int] | None = None
    last_at: float = 0.0

    def overlay(self, later: ViewState) -> ViewState:
        """This state updated by what a later part said (what it did not say is kept)."""
        return ViewState(
            url=later.url if later.url is not None else self.url,
            doc=later.doc if later.doc is not None else self.doc,
            scroll=later.scroll if later.scroll is not None else self.scroll,
            size=later.size if later.size is not None else self.size,
            last_at=max(self.last_at, later.last_at),
        )


@dataclass(frozen=True)
class BatchFacts:
    """What one batch's events say about their visit, on their own."""

    first_ts: float | None = None
    last_ts: float | None = None
    counts: Counts = Counts()
    pages: tuple[Page, ...] = ()
    names: tuple[tuple[float, str], ...] = ()  # (first time, clicked name in clear)
    stretches: tuple[tuple[float, float], ...] = ()
    clicks: tuple[Click, ...] = ()
    # Scroll events seen before the batch's first full snapshot, as (node, x, y): which node is the
    # document is then known only to the view's state.
    early_scrolls: tuple[tuple[int, float, float], ...] = ()
    # The view at the end of the batch; ``scroll`` only when the batch knew the document's id.
    end: ViewState = ViewState()
    # Node ids named by this batch's clicks and actions, in order (for frustration signals).
    named_nodes: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class ClickRow:
    """One row of a visit's clicks, as stored for click maps."""

    at: float
    view: str
    url: str | None
    path: str | None
    x: float | None
    y: float | None
    page_x: float | None  # x + the document's horizontal scroll, when both are known
    page_y: float | None
    width: int | None  # the viewport
    height: int | None
    node: int
    kind: str
    name: str | None


@dataclass(frozen=True)
class VisitRow:
    """A visit's row in the index: everything the list and search read, and the state folding needs."""

    session: str
    start: float | None = None
    end: float | None = None
    views: int = 0
    batches: int = 0
    events: int = 0
    bytes: int = 0
    dropped: int = 0
    quarantined: int = 0
    page_count: int = 0  # every page entry, beyond the bound too
    counts: Counts = Counts()
    pages: tuple[Page, ...] = ()
    names: tuple[tuple[float, str], ...] = ()
    stretches: tuple[tuple[float, float], ...] = ()
    paths: tuple[str, ...] = ()  # distinct paths stored for search, in the order first seen
    click_rows: int = 0
    view_states: tuple[tuple[str, ViewState], ...] = ()
    named_nodes: tuple[tuple[str, int, str], ...] = ()  # (view, node, name), most recent last
    first_received: float | None = None
    last_received: float | None = None

    @property
    def duration_ms(self) -> float:
        return self.end - self.start if self.start is not None and self.end is not None else 0.0

    @property
    def active_ms(self) -> float:
        return sum(b - a for a, b in self.stretches)

    @property
    def urls(self) -> list[str]:
        return [p.url for p in self.pages]

    @property
    def target_names(self) -> list[str]:
        return [name for _, name in self.names]


@dataclass(frozen=True)
class Folded:
    """A fold's outcome: the new row, and what to insert beside it."""

    row: VisitRow
    clicks: list[ClickRow] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)


# -- reading one batch ----------------------------------------------------------------------------

def clear_name(value: Any) -> str | None:
    """A recorded name, whitespace collapsed and cut, or None when it says nothing in clear (empty,
    or nothing but ``*``: masked)."""
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())[:NAME_MAX]
    return text if text.replace("*", "").strip() else None


def path_of(url: str) -> str:
    """A URL's path, as search matches it (no origin, query or fragment)."""
    try:
        path = urlsplit(url).path
    except ValueError:
        path = ""
    return (path or "/")[:PATH_MAX]


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _node(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else -1


def _size(width: Any, height: Any) -> tuple[int, int] | None:
    """A viewport's size, when both are integers a click row can hold (the columns are 32-bit)."""
    if all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= SIZE_MAX for v in (width, height)):
        return (width, height)
    return None


def _sum(a: float | None, b: float | None) -> float | None:
    """a + b, or None when either is missing or the sum is not finite (1e308 + 1e308)."""
    if a is None or b is None:
        return None
    total = a + b
    return total if math.isfinite(total) else None


def _failed(status: Any) -> bool:
    return not isinstance(status, int) or isinstance(status, bool) or status == 0 or status >= 400


class FactsReader:
    """Events read in order, one at a time (``batch_facts``, and the digest as it streams a visit)."""

    def __init__(self) -> None:
        self.first: float | None = None
        self.last: float | None = None
        self.counts: dict[str, int] = dict.fromkeys((f.name for f in fields(Counts)), 0)
        self.pages: list[Page] = []
        self.names: dict[str, float] = {}
        self.activity: list[float] = []
        self.clicks: list[Click] = []
        self.early_scrolls: list[tuple[int, float, float]] = []
        self.url: str | None = None
        self.doc: int | None = None
        self.scroll: tuple[float, float] | None = None
        self.size: tuple[int, int] | None = None
        self.named: list[tuple[int, str]] = []
        self.node_names: dict[int, str] = {}

    def read(self, event: Any) -> None:
        """Take one event in; a malformed one (of any shape the collector accepts) is passed over:
        an exception here would refuse a batch the collector accepted, or a stored visit's digest."""
        try:
            self._read(event)
        except MALFORMED:
            pass

    def _read(self, event: Any) -> None:
        if not isinstance(event, dict):
            return
        at = _number(event.get("timestamp"))
        if at is None:
            return
        self.first = at if self.first is None else min(self.first, at)
        self.last = at if self.last is None else max(self.last, at)
        data = event.get("data")
        if not isinstance(data, dict):
            return
        kind = event.get("type")
        if kind == EventType.META:
            self._meta(at, data)
        elif kind == EventType.FULL_SNAPSHOT:
            self._full(data)
        elif kind == EventType.INCREMENTAL_SNAPSHOT:
            self._incremental(at, data)
        elif kind == EventType.CUSTOM:
            self._custom(at, data)

    def _meta(self, at: float, data: dict[str, Any]) -> None:
        href = data.get("href")
        if isinstance(href, str):
            self.url = href
            self.pages.append(Page(at, href))
        size = _size(data.get("width"), data.get("height"))
        if size is not None:
            self.size = size

    def _full(self, data: dict[str, Any]) -> None:
        node = data.get("node")
        if isinstance(node, dict) and _node(node.get("id")) >= 0:
            self.doc = node["id"]
        offset = data.get("initialOffset")
        if isinstance(offset, dict):
            left, top = _number(offset.get("left")), _number(offset.get("top"))
            if left is not None and top is not None:
                self.scroll = (left, top)

    def _incremental(self, at: float, data: dict[str, Any]) -> None:
        source = data.get("source")
        if not isinstance(source, int) or isinstance(source, bool):
            return  # malformed (a list would not even hash): passed over
        if source in _ACTIVITY_SOURCES:
            self.activity.append(at)
        if source == Source.MOUSE_INTERACTION and data.get("type") == _CLICK:
            self.counts["clicks"] += 1
            self.clicks.append(Click(at, _number(data.get("x")), _number(data.get("y")), _node(data.get("id")),
                                     url=self.url, scroll=self._doc_scroll(), size=self.size,
                                     scrolls_seen=len(self.early_scrolls)))
        elif source == Source.INPUT:
            self.counts["inputs"] += 1
        elif source == Source.SCROLL:
            node, x, y = _node(data.get("id")), _number(data.get("x")), _number(data.get("y"))
            if x is None or y is None:
                return
            if self.doc is None:
                self.early_scrolls.append((node, x, y))
            elif node == self.doc:
                self.scroll = (x, y)
        elif source == Source.VIEWPORT_RESIZE:
            size = _size(data.get("width"), data.get("height"))
            if size is not None:
                self.size = size

    def _doc_scroll(self) -> tuple[float, float] | None:
        # Before the batch knows its document's id, the fold decides (early_scrolls, the view's state).
        return self.scroll if self.doc is not None else None

    def _custom(self, at: float, data: dict[str, Any]) -> None:
        tag = data.get("tag")
        found = data.get("payload")
        payload: dict[str, Any] = found if isinstance(found, dict) else {}
        if tag == KEY_TAG:
            self.activity.append(at)
        elif tag == NAVIGATION_TAG:
            href = payload.get("href")
            if isinstance(href, str):
                self.url = href
                self.pages.append(Page(at, href))
        elif tag == ACTION_TAG:
            self._action(at, payload)
        elif tag == ERROR_TAG:
            self.counts["errors"] += 1
        elif tag == CONSOLE_TAG and payload.get("level") == "error":
            self.counts["console_errors"] += 1
        elif tag == NETWORK_TAG and _failed(payload.get("status")):
            self.counts["failed_requests"] += 1
        elif tag == FRUSTRATION_TAG:
            self._frustration(at, payload)

    def _action(self, at: float, payload: dict[str, Any]) -> None:
        name = clear_name(payload.get("name"))
        if name is None:
            return
        if name not in self.names:
            self.names[name] = at
        node = _node(payload.get("id"))
        if node >= 0:
            self._name_node(node, name)
        last = self.clicks[-1] if self.clicks else None
        if last is not None and last.kind == "click" and last.name is None and 0 <= at - last.at <= ACTION_CLICK_MS:
            self.clicks[-1] = replace(last, name=name)
            if last.node >= 0:
                self._name_node(last.node, name)

    def _name_node(self, node: int, name: str) -> None:
        self.named.append((node, name))
        self.node_names[node] = name

    def _frustration(self, at: float, payload: dict[str, Any]) -> None:
        kind = payload.get("kind")
        if kind not in FRUSTRATION_KINDS:
            return
        self.counts["error_clicks" if kind == "error" else str(kind)] += 1
        node = _node(payload.get("id"))
        # Named by this batch's own clicks when it can; else the fold looks in earlier batches'.
        self.clicks.append(Click(at, _number(payload.get("x")), _number(payload.get("y")), node,
                                 kind=str(kind), name=self.node_names.get(node), url=self.url, scroll=self._doc_scroll(), size=self.size,
                                 scrolls_seen=len(self.early_scrolls)))

    def facts(self) -> BatchFacts:
        return BatchFacts(
            first_ts=self.first, last_ts=self.last, counts=Counts(**self.counts), pages=tuple(sorted(self.pages)),
            names=tuple(sorted((at, name) for name, at in self.names.items())),
            stretches=merge_stretches((), [(t, t + ACTIVE_TAIL_MS) for t in self.activity]),
            clicks=tuple(self.clicks), early_scrolls=tuple(self.early_scrolls),
            end=ViewState(url=self.url, doc=self.doc, scroll=self._doc_scroll(), size=self.size, last_at=self.last or 0.0),
            named_nodes=tuple(self.named),
        )


def batch_facts(events: Iterable[Any]) -> BatchFacts:
    """What one batch's events say about their visit (pure; malformed events are passed over)."""
    reader = FactsReader()
    for event in events:
        reader.read(event)
    return reader.facts()


# -- folding a batch into its visit's row ---------------------------------------------------------

def merge_stretches(old: Sequence[tuple[float, float]], new: Iterable[tuple[float, float]]) -> tuple[tuple[float, float], ...]:
    """The union of two sets of activity stretches, with gaps up to ``IDLE_GAP_MS`` closed; at most
    ``MAX_STRETCHES`` (past it the two nearest stretches are joined, repeatedly)."""
    merged: list[list[float]] = []
    for a, b in sorted([*old, *new]):
        if merged and a - merged[-1][1] <= IDLE_GAP_MS:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    while len(merged) > MAX_STRETCHES:
        i = min(range(len(merged) - 1), key=lambda k: (merged[k + 1][0] - merged[k][1], k))
        merged[i][1] = max(merged[i][1], merged.pop(i + 1)[1])
    return tuple((a, b) for a, b in merged)


def _earliest_names(old: Iterable[tuple[float, str]], new: Iterable[tuple[float, str]]) -> tuple[tuple[float, str], ...]:
    first: dict[str, float] = {}
    for at, name in [*old, *new]:
        if name not in first or at < first[name]:
            first[name] = at
    return tuple(sorted((at, name) for name, at in first.items())[:MAX_NAMES])


def _scroll_for(click: Click, facts: BatchFacts, state: ViewState) -> tuple[float, float] | None:
    if click.scroll is not None:
        return click.scroll
    if state.doc is not None:
        for node, x, y in reversed(facts.early_scrolls[:click.scrolls_seen]):
            if node == state.doc:
                return (x, y)
    return state.scroll


def _early_end_scroll(facts: BatchFacts, state: ViewState) -> tuple[float, float] | None:
    """The document's scroll at the end of a batch that never learnt its document's id."""
    if facts.end.doc is None and state.doc is not None:
        for node, x, y in reversed(facts.early_scrolls):
            if node == state.doc:
                return (x, y)
    return None


def _click_row(click: Click, view: str, state: ViewState, facts: BatchFacts, names: dict[tuple[str, int], str]) -> ClickRow:
    url = click.url if click.url is not None else state.url
    scroll = _scroll_for(click, facts, state)
    size = click.size if click.size is not None else state.size
    # A frustration signal not named by its own batch takes the name earlier batches gave its node.
    name = click.name if click.name is not None or click.kind == "click" else names.get((view, click.node))
    page_x = _sum(click.x, scroll[0] if scroll is not None else None)
    page_y = _sum(click.y, scroll[1] if scroll is not None else None)
    return ClickRow(at=click.at, view=view, url=url, path=path_of(url) if url is not None else None,
                    x=click.x, y=click.y, page_x=page_x, page_y=page_y,
                    width=size[0] if size else None, height=size[1] if size else None,
                    node=click.node, kind=click.kind, name=name)


def fold(row: VisitRow | None, session: str, view: str, facts: BatchFacts, *, events: int = 0, body_bytes: int = 0,
         dropped: int = 0, new_view: bool = False, received_at: float | None = None) -> Folded:
    """The visit's row with one more batch (of page view ``view``) in it, and the rows to insert
    beside it. ``new_view``: this is the first batch stored of its page view."""
    old = row if row is not None else VisitRow(session=session)
    states = dict(old.view_states)
    state = states.get(view, ViewState())
    names_by_node = {(v, n): name for v, n, name in old.named_nodes}

    room = MAX_CLICK_ROWS - old.click_rows
    clicks: list[ClickRow] = [_click_row(click, view, state, facts, names_by_node) for click in facts.clicks[:max(0, room)]]
    for node, name in facts.named_nodes:  # most recent last: a name given again moves to the end
        names_by_node.pop((view, node), None)
        names_by_node[(view, node)] = name

    end = facts.end
    early = _early_end_scroll(facts, state)
    if early is not None:
        end = replace(end, scroll=early)
    states[view] = state.overlay(end)
    kept_views = sorted(states.items(), key=lambda item: (item[1].last_at, item[0]))[-MAX_VIEWS:]

    known_paths = set(old.paths)
    new_paths: list[str] = []
    for page in facts.pages:
        path = path_of(page.url)
        if path not in known_paths and len(known_paths) < MAX_PATHS:
            known_paths.add(path)
            new_paths.append(path)

    names = _earliest_names(old.names, facts.names)
    old_names = {name for _, name in old.names}
    new_names = [name for _, name in names if name not in old_names]
    named_nodes = [(v, n, name) for (v, n), name in names_by_node.items()][-MAX_NAMED_NODES:]

    def low(a: float | None, b: float | None) -> float | None:
        return b if a is None else a if b is None else min(a, b)

    def high(a: float | None, b: float | None) -> float | None:
        return b if a is None else a if b is None else max(a, b)

    new = VisitRow(
        session=session, start=low(old.start, facts.first_ts), end=high(old.end, facts.last_ts),
        views=old.views + (1 if new_view else 0), batches=old.batches + 1, events=old.events + events,
        bytes=old.bytes + body_bytes, dropped=old.dropped + dropped, quarantined=old.quarantined,
        page_count=old.page_count + len(facts.pages), counts=old.counts + facts.counts,
        pages=tuple(sorted([*old.pages, *facts.pages])[:MAX_PAGES]), names=names,
        stretches=merge_stretches(old.stretches, facts.stretches), paths=(*old.paths, *new_paths),
        click_rows=old.click_rows + len(clicks), view_states=tuple(kept_views), named_nodes=tuple(named_nodes),
        first_received=low(old.first_received, received_at), last_received=high(old.last_received, received_at),
    )
    return Folded(new, clicks, new_paths, new_names)


# -- the row as stored ----------------------------------------------------------------------------

def state_json(row: VisitRow) -> dict[str, Any]:
    """What folding needs beyond the row's columns, as JSON (the ``state`` column)."""
    return {
        "pages": [[p.at, p.url] for p in row.pages],
        "names": [[at, name] for at, name in row.names],
        "stretches": [[a, b] for a, b in row.stretches],
        "paths": list(row.paths),
        "views": [[view, s.url, s.doc, list(s.scroll) if s.scroll else None, list(s.size) if s.size else None, s.last_at]
                  for view, s in row.view_states],
        "named": [list(item) for item in row.named_nodes],
        "pageCount": row.page_count,
        "clickRows": row.click_rows,
    }


def row_from_state(session: str, columns: dict[str, Any], state: dict[str, Any]) -> VisitRow:
    """A row read back: its columns (by ``VisitRow`` field name, counts by ``Counts`` field name)
    and its ``state`` JSON."""
    counts = Counts(**{f.name: int(columns.get(f.name) or 0) for f in fields(Counts)})
    views = tuple(
        (str(view), ViewState(url, doc, tuple(scroll) if scroll else None, tuple(size) if size else None, float(last)))
        for view, url, doc, scroll, size, last in state.get("views", [])
    )
    return VisitRow(
        session=session, start=columns.get("start"), end=columns.get("end"), views=int(columns.get("views") or 0),
        batches=int(columns.get("batches") or 0), events=int(columns.get("events") or 0),
        bytes=int(columns.get("bytes") or 0), dropped=int(columns.get("dropped") or 0),
        quarantined=int(columns.get("quarantined") or 0), page_count=int(state.get("pageCount", 0)), counts=counts,
        pages=tuple(Page(float(at), str(url)) for at, url in state.get("pages", [])),
        names=tuple((float(at), str(name)) for at, name in state.get("names", [])),
        stretches=tuple((float(a), float(b)) for a, b in state.get("stretches", [])),
        paths=tuple(str(p) for p in state.get("paths", [])), click_rows=int(state.get("clickRows", 0)),
        view_states=views, named_nodes=tuple((str(v), int(n), str(name)) for v, n, name in state.get("named", [])),
        first_received=columns.get("first_received"), last_received=columns.get("last_received"),
    )


def summary(row: VisitRow) -> dict[str, Any]:
    """The visit as the list, search and agents show it (the session list's keys, and more)."""
    c = row.counts
    return {
        "session": row.session, "start": row.start, "end": row.end, "durationMs": row.duration_ms,
        "activeMs": row.active_ms, "views": row.views, "pages": row.page_count, "batches": row.batches,
        "events": row.events, "bytes": row.bytes, "dropped": row.dropped, "quarantined": row.quarantined,
        "errors": c.errors, "consoleErrors": c.console_errors, "failedRequests": c.failed_requests,
        "clicks": c.clicks, "inputs": c.inputs, "rage": c.rage, "dead": c.dead, "errorClicks": c.error_clicks,
        "frustrations": c.frustrations, "urls": row.urls, "targets": row.target_names,
        "lastReceived": row.last_received,
    }
