"""The digest of a visit: a short text timeline a person or an agent can read.

Rules: a pure function of the visit's stored events (already masked in the visitor's browser):
the same events give the same text, byte for byte (times are offsets from the visit's first
event, the start is printed in UTC; no clock, locale or randomness). It says what happened in
words: pages opened, in-page navigations, clicks on targets named as the viewer names them
(``names``), "typed into textbox 'Email' (masked)" (a run of inputs into one field is one line),
errors with their masked message, console errors, failed requests, rage, dead and error clicks.
Every recorded string (URL, name, message, value) is quoted by ``names.quote``: recorded text is
data inside quotes, never words of the digest, and cannot start a line of its own. A digest holds
at most ``MAX_LINES`` lines of timeline; the rest is counted, not dropped silently.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from veil.contract import ACTION_TAG, CONSOLE_TAG, ERROR_TAG, FRUSTRATION_TAG, NAVIGATION_TAG, NETWORK_TAG
from veil.rrweb import EventType, Source

from .index import MALFORMED, FactsReader, clear_name
from .names import Mirror, Target, masked, quote

MAX_LINES = 400
TEXT_MAX = 200  # a recorded message or value is cut to this many characters
_CLICK, _DBLCLICK = 2, 4
FRUSTRATION_WORDS = {"rage": "rage click", "dead": "dead click", "error": "error click"}


@dataclass(frozen=True)
class Line:
    at_ms: float  # offset from the visit's first event
    kind: str  # page, navigation, click, input, error, console, request, rage, dead, error-click
    text: str

    def render(self) -> str:
        return f"{clock(self.at_ms)}  {self.text}"


@dataclass(frozen=True)
class Digest:
    session: str
    header: str
    lines: tuple[Line, ...]
    left_out: int  # timeline lines past MAX_LINES

    @property
    def text(self) -> str:
        body = [self.header, *(line.render() for line in self.lines)]
        if self.left_out:
            body.append(f"… {self.left_out} more lines left out")
        return "\n".join(body) + "\n"

    def as_json(self) -> dict[str, Any]:
        return {"session": self.session, "header": self.header, "leftOut": self.left_out, "text": self.text,
                "lines": [{"atMs": line.at_ms, "clock": clock(line.at_ms), "kind": line.kind, "text": line.text}
                          for line in self.lines]}


def started(ms: float | None) -> str:
    """The visit's start in words: a UTC date-time, or "at an unknown time" for none, or for a time
    ``datetime`` cannot print (the collector stores any timestamp below 2^53 ms, years past 9999 too)."""
    if not ms:
        return "at an unknown time"
    try:
        return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    except (ValueError, OverflowError, OSError):
        return "at an unknown time"


def clock(ms: float) -> str:
    """mm:ss.t (hours when needed), from a non-negative offset in ms."""
    tenths = int(max(0.0, ms) // 100)
    seconds, tenth = divmod(tenths, 10)
    minutes, second = divmod(seconds, 60)
    hours, minute = divmod(minutes, 60)
    return (f"{hours}:{minute:02d}" if hours else f"{minute:02d}") + f":{second:02d}.{tenth}"


def span(ms: float) -> str:
    seconds = round(max(0.0, ms) / 1000)
    minutes, second = divmod(seconds, 60)
    hours, minute = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minute} min"
    return f"{minute} min {second} s" if minute else f"{second} s"


def _recorded(value: Any) -> str:
    text = " ".join(str(value).split()) if value is not None else ""
    return quote(text if len(text) <= TEXT_MAX else text[:TEXT_MAX - 1] + "…")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


class _Writer:
    """The timeline, written as the events come (times absolute until the visit's start is known)."""

    def __init__(self) -> None:
        self.mirror = Mirror()
        self.lines: list[Line] = []
        self.left_out = 0
        self.typing: tuple[int, int] | None = None  # (node, index of its line) of the run of inputs going on
        self.last_click: tuple[float, int, str, Target | None] | None = None

    def add(self, at: float, kind: str, text: str) -> None:
        if kind != "input":
            self.typing = None
        if len(self.lines) >= MAX_LINES:
            self.left_out += 1
            return
        self.lines.append(Line(at, kind, text))

    def event(self, event: Any) -> None:
        if not isinstance(event, dict) or not isinstance(event.get("timestamp"), (int, float)):
            return
        at = float(event["timestamp"])
        data = event.get("data")
        kind = event.get("type")
        if not isinstance(data, dict):
            return
        if kind == EventType.META and isinstance(data.get("href"), str):
            size = f" ({data['width']}×{data['height']})" if isinstance(data.get("width"), int) and isinstance(data.get("height"), int) else ""
            self.add(at, "page", f"opened page {_recorded(data['href'])}{size}")
        elif kind == EventType.FULL_SNAPSHOT:
            self.mirror.feed(event)
        elif kind == EventType.INCREMENTAL_SNAPSHOT:
            self._incremental(at, data, event)
        elif kind == EventType.CUSTOM:
            self._custom(at, data)

    def _incremental(self, at: float, data: dict[str, Any], event: dict[str, Any]) -> None:
        source = data.get("source")
        if source == Source.MUTATION:
            self.mirror.feed(event)
        elif source == Source.MOUSE_INTERACTION and data.get("type") in (_CLICK, _DBLCLICK):
            verb = "clicked" if data.get("type") == _CLICK else "double-clicked"
            target = self.mirror.target(data.get("id"))
            self.add(at, "click", f"{verb} {target.describe() if target else 'an element not in the replay'}")
            self.last_click = (at, len(self.lines) - 1, verb, target)
        elif source == Source.INPUT:
            self._input(at, data)

    def _input(self, at: float, data: dict[str, Any]) -> None:
        node = data.get("id")
        target = self.mirror.describe(node)
        checked = data.get("isChecked")
        target_info = self.mirror.target(node)
        if target_info is not None and target_info.role in ("checkbox", "radio", "switch") and isinstance(checked, bool):
            self.add(at, "input", f"{'checked' if checked else 'unchecked'} {target}")
            return
        value = data.get("text")
        said = " (masked)" if masked(value) else f": {_recorded(value)}"
        text = f"typed into {target}{said}"
        if self.typing is not None and self.typing[0] == node and self.typing[1] == len(self.lines) - 1:
            # One line for a run of inputs into one field: the last value is what it held.
            previous = self.lines[-1]
            self.lines[-1] = Line(previous.at_ms, "input", text)
            return
        self.add(at, "input", text)
        if isinstance(node, int) and self.lines and self.lines[-1].kind == "input":
            self.typing = (node, len(self.lines) - 1)

    def _custom(self, at: float, data: dict[str, Any]) -> None:
        tag = data.get("tag")
        found = data.get("payload")
        p: dict[str, Any] = found if isinstance(found, dict) else {}
        if tag == NAVIGATION_TAG and isinstance(p.get("href"), str):
            self.add(at, "navigation", f"went to {_recorded(p['href'])} (in-page navigation)")
        elif tag == ACTION_TAG:
            self._action(at, p)
        elif tag == ERROR_TAG:
            if p.get("kind") == "capture":
                self.add(at, "error", f"Veil.capture: {_recorded(p.get('message'))}")
            else:
                what = "unhandled rejection" if p.get("kind") == "unhandledrejection" else "error"
                self.add(at, "error", f"{what} {_recorded(p.get('type') or 'Error')}: {_recorded(p.get('message'))}")
        elif tag == CONSOLE_TAG and p.get("level") == "error":
            self.add(at, "console", f"console error: {_recorded(p.get('message'))}")
        elif tag == NETWORK_TAG:
            status = p.get("status")
            if not isinstance(status, int) or isinstance(status, bool) or status == 0 or status >= 400:
                answer = str(status) if isinstance(status, int) and not isinstance(status, bool) and status else "no answer"
                self.add(at, "request", f"request failed: {_recorded(p.get('method') or 'GET')} {_recorded(p.get('url'))} → {answer}")
        elif tag == FRUSTRATION_TAG and isinstance(p.get("kind"), str) and p["kind"] in FRUSTRATION_WORDS:
            times = f" ×{p['clicks']}" if isinstance(p.get("clicks"), int) and not isinstance(p.get("clicks"), bool) else ""
            kind = "error-click" if p["kind"] == "error" else str(p["kind"])
            self.add(at, kind, f"{FRUSTRATION_WORDS[p['kind']]}{times} on {self.mirror.describe(p.get('id'))}")

    def _action(self, at: float, payload: dict[str, Any]) -> None:
        """A click's recorded action name, when the replay's nodes gave it no name of their own."""
        name = clear_name(payload.get("name"))
        last = self.last_click
        if name is None or last is None or not 0 <= at - last[0] <= 100 or last[1] >= len(self.lines):
            return
        _clicked_at, index, verb, target = last
        if target is None or (target.name is None and not target.blocked):
            named = Target(target.role if target else "", target.tag if target else "element", name, False)
            self.lines[index] = Line(self.lines[index].at_ms, "click", f"{verb} {named.describe()}")


def digest(session: str, events: Iterable[Any]) -> Digest:
    """The digest of one visit from its stored events, in the order the collector serves them (read
    once, as they come: memory is the timeline's, not the visit's)."""
    reader = FactsReader()
    writer = _Writer()
    for event in events:
        reader.read(event)
        try:
            writer.event(event)
        except MALFORMED:
            pass  # a stored event of a shape no rule foresaw says nothing; the digest still answers
    facts = reader.facts()
    start = facts.first_ts or 0.0
    c = facts.counts
    when = started(facts.first_ts)
    duration = (facts.last_ts or start) - start
    active = sum(b - a for a, b in facts.stretches)
    pages = len(facts.pages)
    header = (f"Visit {session}: started {when}, lasted {span(duration)} (active {span(active)}); "
              f"{_plural(pages, 'page')}, {_plural(c.clicks, 'click')}, {_plural(c.errors, 'error')}, "
              f"{_plural(c.failed_requests, 'failed request')}, {_plural(c.frustrations, 'frustration signal')}. "
              "Quoted text is what the visitor's browser recorded, masked ('*' hides what was not shown in clear).")
    lines = tuple(Line(line.at_ms - start, line.kind, line.text) for line in writer.lines)
    return Digest(session, header, lines, writer.left_out)
