"""The session index kept at ingest equals the index of the whole visit.

Invariants: folding a page view's batches one at a time gives the same row and the same click rows
as folding all of its events as one batch, however the events are cut into batches; and the
visit's counts, start, end, pages, paths, clicked names and active time do not depend on the
order in which its batches arrive.
"""

from __future__ import annotations

import random
from dataclasses import replace

from hypothesis import example, given, settings
from hypothesis import strategies as st

from veil_collector.visits.index import batch_facts, fold
import itertools

S, VIEWS = "s" * 16, ("a" * 16, "b" * 16)
NAMES = ("Pay", "Checkout", "**** **", "Add to cart", "")


def _unit(kind: str, at: float, node: int, value: int, name: str) -> list[dict]:
    """A few events that belong together (a click and its action name come from one listener)."""
    if kind == "meta":
        return [{"type": 4, "data": {"href": f"https://shop.example/p{value % 5}", "width": 800 + value, "height": 600}, "timestamp": at},
                {"type": 2, "data": {"node": {"type": 0, "id": 1 + value % 2, "childNodes": []}, "initialOffset": {"top": value, "left": 0}},
                 "timestamp": at + 1}]
    if kind == "nav":
        return [{"type": 5, "data": {"tag": "veil:navigation", "payload": {"href": f"https://shop.example/n{value % 4}"}}, "timestamp": at}]
    if kind == "click":
        out = [{"type": 3, "data": {"source": 2, "type": 2, "id": node, "x": value, "y": value * 2}, "timestamp": at}]
        if name != "-":
            out.append({"type": 5, "data": {"tag": "veil:action", "payload": {"id": node + 100, "name": name}}, "timestamp": at + 5})
        return out
    if kind == "scroll":
        return [{"type": 3, "data": {"source": 3, "id": 1 + value % 2 + (value % 7 == 0), "x": 0, "y": value * 10}, "timestamp": at}]
    if kind == "input":
        return [{"type": 3, "data": {"source": 5, "id": node, "text": "***"}, "timestamp": at}]
    if kind == "resize":
        return [{"type": 3, "data": {"source": 4, "width": 300 + value, "height": 500}, "timestamp": at}]
    if kind == "frustration":
        return [{"type": 5, "data": {"tag": "veil:frustration", "payload": {"kind": ("rage", "dead", "error")[value % 3], "id": node,
                                                                             "x": 1, "y": 2}}, "timestamp": at}]
    if kind == "error":
        return [{"type": 5, "data": {"tag": "veil:error", "payload": {"kind": "error", "message": "***"}}, "timestamp": at}]
    return [{"type": 5, "data": {"tag": "veil:network", "payload": {"status": (200, 404, 0)[value % 3]}}, "timestamp": at}]


units = st.lists(
    st.tuples(st.sampled_from(("meta", "nav", "click", "scroll", "input", "resize", "frustration", "error", "network")),
              st.integers(1, 9000), st.integers(1, 6), st.integers(0, 50), st.sampled_from((*NAMES, "-"))),
    min_size=1, max_size=40,
)


def _stream(spec: list[tuple]) -> list[list[dict]]:
    at, out = 1_000_000.0, []
    for kind, gap, node, value, name in spec:
        at += gap
        out.append(_unit(kind, at, node, value, name))
    return out


def _cut(parts: list[list[dict]], cuts: list[int]) -> list[list[dict]]:
    """The units cut into consecutive batches at the given unit boundaries."""
    edges = sorted({c % (len(parts) + 1) for c in cuts} | {0, len(parts)})
    return [[e for part in parts[a:b] for e in part] for a, b in itertools.pairwise(edges) if b > a]


def _fold_all(batches: list[tuple[str, list[dict]]]):
    row, clicks, paths, names, seen = None, [], [], [], set()
    for view, events in batches:
        done = fold(row, S, view, batch_facts(events), events=len(events), new_view=view not in seen, received_at=5.0)
        seen.add(view)
        row, clicks, paths, names = done.row, clicks + done.clicks, paths + done.paths, names + done.names
    return row, clicks, paths, names


@settings(max_examples=300, deadline=None)
@given(units, st.lists(st.integers(0, 60), max_size=12))
@example([("meta", 1, 1, 0, "-"), ("scroll", 1, 1, 2, "-"), ("click", 1, 1, 2, "-")], [1])  # a scroll before a click, in the next batch
def test_folding_batch_by_batch_equals_folding_the_whole_page_view(spec, cuts):
    parts = _stream(spec)
    batches = _cut(parts, cuts)
    whole = _fold_all([(VIEWS[0], [e for part in parts for e in part])])
    pieces = _fold_all([(VIEWS[0], b) for b in batches])
    assert replace(pieces[0], batches=1) == whole[0]
    assert pieces[0].batches == len(batches)
    assert pieces[1:] == whole[1:], "the same click rows, paths and names to insert"


@settings(max_examples=200, deadline=None)
@given(units, units, st.lists(st.integers(0, 60), max_size=8), st.randoms(use_true_random=False))
def test_what_a_visit_counts_does_not_depend_on_the_order_its_batches_arrive(one, two, cuts, rnd: random.Random):
    batches = [(VIEWS[0], b) for b in _cut(_stream(one), cuts)] + [(VIEWS[1], b) for b in _cut(_stream(two), cuts)]
    in_order = _fold_all(batches)
    shuffled = list(batches)
    rnd.shuffle(shuffled)
    other = _fold_all(shuffled)
    a, b = in_order[0], other[0]
    for name in ("start", "end", "views", "batches", "events", "counts", "pages", "names", "stretches", "page_count"):
        assert getattr(a, name) == getattr(b, name), name
    assert set(a.paths) == set(b.paths) and len(in_order[1]) == len(other[1])
    assert a.active_ms == b.active_ms
