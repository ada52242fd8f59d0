"""Invariants of echo masking over generated typed values and the pages that echo them (hypothesis)."""

from __future__ import annotations

import gzip
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers import document, el, full, meta, mutation, text
from veil.config import normalize_config
from veil.contract import KEY_TAG
from veil.echo import MIN_CHARS, Echoes, fold, fragments
from veil.levels import Level
from veil.masking import mask_attribute, text_for_level
from veil.nodes import SURFACE_MAX_DEPTH
from veil.recorder import Recorder

# No "*": a masked span is made of it, and no typed value is needed to contain one to be meaningful.
chars = st.characters(blacklist_categories=("Cs",), blacklist_characters="*")
typed_values = st.text(alphabet=chars, min_size=MIN_CHARS, max_size=40).filter(lambda v: any(len(f) >= MIN_CHARS for f in fragments(v)))
surroundings = st.text(alphabet=chars, max_size=30)
CASES = [str, str.lower, str.upper]


def _same_fold(original: str, changed: str) -> bool:
    return len(original) == len(changed) and fold(original) == fold(changed)


@settings(max_examples=300)
@given(st.lists(typed_values, min_size=1, max_size=5), st.text(alphabet=chars, max_size=200))
def test_no_remembered_fragment_survives_in_any_text(values, page_text):
    memory = Echoes()
    for value in values:
        memory.remember(value)
    out = fold(memory.mask(page_text))
    for fragment in memory._fragments:
        assert fragment not in out


@settings(max_examples=300)
@given(typed_values, surroundings, surroundings, st.sampled_from(CASES), st.sampled_from([Level.ALLOW, Level.MASK_USER_INPUT]))
def test_an_echo_of_a_typed_value_in_text_or_attribute_never_survives_in_clear(value, before, after, case, level):
    echoed = case(value)
    if not _same_fold(value, echoed):
        echoed = value  # a case change that alters the length ("ß" -> "SS") is not an echo this promises
    memory = Echoes()
    memory.remember(value)
    for out in (
        text_for_level(before + echoed + after, level, "p", scrub=False, echoes=memory),
        mask_attribute("div", "aria-label", before + echoed + after, {}, level, False, scrub=False, echoes=memory),
    ):
        assert isinstance(out, str)
        for fragment in fragments(value):
            assert fragment not in fold(out)


@given(typed_values, surroundings)
def test_echo_masking_is_idempotent_and_leaves_text_without_echoes_alone(value, other):
    memory = Echoes()
    memory.remember(value)
    once = memory.mask(other + value)
    assert memory.mask(once) == once
    assert Echoes().mask(other) == other


# Typing surfaces: an editor whose typing goes to an element that does not show it (a hidden
# textarea, an EditContext element) and whose lines render it elsewhere (issue 27: Monaco).

typed_words = st.text(alphabet=st.characters(whitelist_categories=("Ll", "Lu", "Nd")), min_size=MIN_CHARS, max_size=30)


def _editor(target_tag: str, wrappers: int, siblings: int) -> tuple[dict, int, list[int]]:
    """An editor root holding the typing target (under ``wrappers`` single-child divs) beside
    ``siblings`` line containers; returns it, the target's id and the line containers' ids."""
    target = el(target_tag, {"class": "takes-typing"}, node_id=200)
    branch = target
    for depth in range(wrappers):
        branch = el("div", {}, branch, node_id=210 + depth)
    lines = [el("div", {"class": "view-line"}, node_id=300 + i) for i in range(siblings)]
    return el("div", {"class": "editor"}, branch, *lines, node_id=100), 200, [line["id"] for line in lines]


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(["textarea", "div"]),
    st.integers(min_value=0, max_value=SURFACE_MAX_DEPTH - 1),
    st.integers(min_value=1, max_value=3),
    st.data(),
    typed_words,
    st.sampled_from(["mask-user-input", "mask"]),
    st.booleans(),
)
def test_text_written_under_a_typing_surface_never_leaves_in_clear(target_tag, wrappers, siblings, data, typed, level, added_late):
    editor, target, lines = _editor(target_tag, wrappers, siblings)
    line = data.draw(st.sampled_from(lines))
    recorder = Recorder(normalize_config({"endpoint": "/c", "defaultPrivacy": level}), session="s" * 32)
    recorder.start()
    if added_late:  # the editor arrives after recording started (an AMD build loaded on demand)
        recorder.observe([meta(), full(document()), mutation(ts=3, adds=[{"parentId": 5, "nextId": None, "node": editor}])])
    else:
        recorder.observe([meta(), full(document(editor))])
    recorder.observe([
        {"type": 5, "data": {"tag": KEY_TAG, "payload": {"key": typed[0], "id": target, "hidden": True}}, "timestamp": 4},
        mutation(ts=5, adds=[{"parentId": line, "nextId": None, "node": el("span", {}, text(f"x = {typed}"))}]),
    ])
    batch = recorder.take_batch()
    written = fold("\n".join(_texts(json.loads(gzip.decompress(batch)) if batch else {})))
    assert "x = " in written or "* * " in written, "the line was recorded"
    for fragment in fragments(typed):
        assert fragment not in written


def _texts(value: object) -> list[str]:
    """Every text a batch carries (``textContent`` and a text mutation's ``value``), not its ids."""
    found: list[str] = []
    stack = [value]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            found.extend(v for k, v in current.items() if k in ("textContent", "value") and isinstance(v, str))
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)
    return found
