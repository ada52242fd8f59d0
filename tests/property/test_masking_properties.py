"""Invariants of the masking core over generated text, DOM trees and levels (hypothesis)."""

from __future__ import annotations

import json
import re
from itertools import count

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers import walk
from veil.levels import Level
from veil.masking import MASKED_VALUE, WHITESPACE, mask_text
from veil.nodes import NodeTable
from veil.subtree import mask_tree

TAGS = ["div", "p", "span", "input", "textarea", "option", "button", "label", "a", "img", "section"]
OVERRIDES = [None, "allow", "mask", "mask-user-input", "block", "weird"]
CONTENT_ATTRS = ["title", "alt", "placeholder", "aria-label", "data-user", "value"]


@given(st.text())
def test_no_non_whitespace_character_of_a_masked_text_survives(value):
    masked = mask_text(value)
    assert len(masked) == len(value)
    for original, out in zip(value, masked, strict=True):
        assert out == original if original in WHITESPACE else out == "*"


@given(st.one_of(st.text(), st.text(alphabet=st.characters(max_codepoint=127))))
def test_the_ascii_fast_path_masks_exactly_like_the_rule(value):
    assert mask_text(value) == re.sub("[^" + WHITESPACE + "]", "*", value)


@given(st.text())
def test_mask_text_is_idempotent(value):
    assert mask_text(mask_text(value)) == mask_text(value)


secret_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12).filter(lambda s: s.strip())


@st.composite
def trees(draw, depth=3):
    ids = count(10)

    def node(level_depth):
        if level_depth == 0 or draw(st.booleans()):
            return {"type": 3, "id": next(ids), "textContent": draw(secret_text)}
        attrs = {name: draw(secret_text) for name in draw(st.lists(st.sampled_from(CONTENT_ATTRS), max_size=2, unique=True))}
        override = draw(st.sampled_from(OVERRIDES))
        if override:
            attrs["data-veil"] = override
        children = [node(level_depth - 1) for _ in range(draw(st.integers(0, 3)))]
        return {"type": 2, "id": next(ids), "tagName": draw(st.sampled_from(TAGS)), "attributes": attrs, "childNodes": children}

    body = {"type": 2, "id": 3, "tagName": "body", "attributes": {}, "childNodes": [node(depth) for _ in range(draw(st.integers(1, 3)))]}
    return {"type": 0, "id": 1, "childNodes": [body]}


def levels_of(tree, default):
    """Reference model: the level of every element id, computed top-down independently of tree.py."""
    rank = {"allow": 0, "mask-user-input": 1, "mask": 2, "block": 3}
    out = {}

    def visit(n, parent):
        level = parent
        if n["type"] == 2:
            override = n["attributes"].get("data-veil")
            if parent != "block" and override is not None:
                level = override if override in rank else "mask"
        out[n["id"]] = level
        for c in n.get("childNodes", []):
            visit(c, level)

    visit(tree, default)
    return out


@settings(max_examples=200, deadline=None)
@given(trees(), st.sampled_from([Level.MASK, Level.MASK_USER_INPUT, Level.ALLOW]))
def test_nothing_under_block_is_emitted(tree, default):
    masked = mask_tree(tree, None, default, None, NodeTable())
    model = levels_of(tree, default.value)
    for n in walk(masked):
        if n["type"] == 2 and model[n["id"]] == "block":
            assert n["childNodes"] == []
            assert set(n["attributes"]) <= {"rr_width", "rr_height", "class"}
            assert n["attributes"].get("class", "veil-placeholder") == "veil-placeholder"


@settings(max_examples=200, deadline=None)
@given(trees())
def test_under_default_mask_no_secret_text_or_value_survives(tree):
    masked = mask_tree(tree, None, Level.MASK, None, NodeTable())
    model = levels_of(tree, "mask")
    originals = {n["id"]: n for n in walk(tree)}
    for n in walk(masked):
        parent_level = model[n["id"]]
        if n["type"] == 3 and parent_level == "mask":
            assert all(c == "*" or c in WHITESPACE for c in n["textContent"])
        if n["type"] == 2 and parent_level in ("mask", "mask-user-input") and n["tagName"] in ("input", "textarea") and "value" in n["attributes"]:
            assert n["attributes"]["value"] == MASKED_VALUE
        if n["type"] == 2 and parent_level == "mask":
            for name in ("title", "alt", "placeholder", "aria-label", "data-user"):
                if name in n["attributes"]:
                    assert n["attributes"][name] == mask_text(originals[n["id"]]["attributes"][name])


@settings(max_examples=200, deadline=None)
@given(trees(), st.sampled_from(list(Level)[:3]))
def test_masking_is_idempotent(tree, default):
    once = mask_tree(tree, None, default, None, NodeTable())
    twice = mask_tree(once, None, default, None, NodeTable())
    assert json.dumps(once, sort_keys=True) == json.dumps(twice, sort_keys=True)


@settings(max_examples=100, deadline=None)
@given(trees())
def test_allow_only_trees_keep_their_text(tree):
    for n in walk(tree):
        if n["type"] == 2:
            n["attributes"].pop("data-veil", None)
    masked = mask_tree(tree, None, Level.ALLOW, None, NodeTable())
    original_text = [n["textContent"] for n in walk(tree) if n["type"] == 3]
    assert [n["textContent"] for n in walk(masked) if n["type"] == 3] == original_text


from veil.pii import luhn_ok, scrub_pii  # noqa: E402

emails = st.from_regex(r"[a-z][a-z0-9._]{0,10}@[a-z]{2,10}\.(com|org|example)", fullmatch=True)
filler = st.text(alphabet="abc XYZ,;!", max_size=12)


@given(filler, emails, filler)
def test_no_email_survives_the_scrubber(before, email, after):
    text = f"{before} {email} {after}"
    scrubbed = scrub_pii(text)
    assert email not in scrubbed
    assert len(scrubbed) == len(text)  # masked in place, not cut out


@st.composite
def card_numbers(draw):
    body = draw(st.lists(st.integers(0, 9), min_size=15, max_size=15))
    digits = "".join(map(str, body))
    check = next(d for d in "0123456789" if luhn_ok(digits + d))
    number = digits + check
    sep = draw(st.sampled_from(["", " ", "-"]))
    return sep.join(number[i:i + 4] for i in range(0, 16, 4))


@given(filler, card_numbers(), filler)
def test_no_luhn_valid_card_number_survives_the_scrubber(before, card, after):
    out = scrub_pii(f"{before} {card} {after}")
    assert card not in out
    assert len(out) == len(f"{before} {card} {after}")


@given(st.text())
def test_scrubbing_keeps_length_and_is_idempotent(value):
    once = scrub_pii(value)
    assert len(once) == len(value)
    assert scrub_pii(once) == once
