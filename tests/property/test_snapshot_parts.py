"""A full snapshot sent in parts (the shim's time-sliced walk) is masked exactly as if it had come
whole, however the walk was sliced; and the shortcut in ``element_level`` is the full reduce."""

from __future__ import annotations

import copy
import itertools
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from itertools import count

from tests.helpers import flat_rows
from tests.property.test_masking_properties import trees
from veil.levels import Level, element_level, element_overrides, is_editable, resolve_level
from veil.nodes import NodeTable
from veil.tree import SnapshotAssembler, mask_tree


def flat_parts(tree, cuts):
    """The tree as the shim walks it, cut into parts at ``cuts`` (taken modulo its size)."""
    nodes = flat_rows(tree)
    bounds = sorted({0, len(nodes), *(c % (len(nodes) + 1) for c in cuts)})
    return [nodes[a:b] for a, b in itertools.pairwise(bounds)]


ATTRIBUTE_NAMES = ["class", "data-veil", "title", "value", "href", "src", "srcset", "type", "autocomplete", "onclick",
                   "style", "rr_width", "contenteditable", "checked", "name", "content", "nonce"]
attribute_values = st.one_of(
    st.text(max_size=6),
    st.sampled_from(["veil-mask", "veil-block rr-x", "allow", "block", "password", "cc-number", "https://a.example/p?q=1", "true"]),
    st.booleans(),
    st.integers(-3, 3),
)
rare_fields = st.fixed_dictionaries(
    {},
    optional={
        "isSVG": st.booleans(),
        "isCustom": st.booleans(),
        "isShadowHost": st.booleans(),
        "isShadow": st.booleans(),
        "rootId": st.one_of(st.integers(1, 9), st.text(max_size=2)),
        "veilMatch": st.lists(st.sampled_from(["allow", "mask", "block", "odd"]), max_size=2),
        "veilSize": st.sampled_from([[10, 20], [1.5, 0], "x", [1]]),
    },
)


@st.composite
def snapshot_trees(draw):
    """Every row kind the walk sends, with rare keys, odd values and any text (escapes included)."""
    ids = count(2)

    def leaf():
        kind = draw(st.sampled_from([3, 3, 3, 5, 4]))
        node = {"type": kind, "id": next(ids), "textContent": draw(st.one_of(st.text(max_size=8), st.none()))}
        return {**node, **draw(rare_fields)}

    def element(depth):
        attrs = {name: draw(attribute_values) for name in draw(st.lists(st.sampled_from(ATTRIBUTE_NAMES), max_size=3, unique=True))}
        tag = draw(st.sampled_from(["div", "P", "span", "input", "textarea", "script", "style", "img", "svg", "meta", "a", "x-y"]))
        node = {"type": 2, "id": next(ids), "tagName": tag, "attributes": attrs, **draw(rare_fields)}
        node["childNodes"] = [leaf() if depth == 0 or draw(st.booleans()) else element(depth - 1)
                              for _ in range(draw(st.integers(0, 3)))]
        return node

    doctype = {"type": 1, "id": next(ids), "name": "html", "publicId": draw(st.sampled_from(["", "-//W3C", 3])), "systemId": ""}
    document = {"type": 0, "id": 1, "childNodes": [doctype, element(3)], **draw(rare_fields.map(lambda r: {k: v for k, v in r.items() if k in ("rootId", "isShadow")}))}
    compat = draw(st.sampled_from([None, "CSS1Compat", "BackCompat", "Quirks"]))
    if compat is not None:
        document["compatMode"] = compat
    return document


@settings(max_examples=300, deadline=None)
@given(st.one_of(trees(), snapshot_trees()), st.lists(st.integers(0, 1000), max_size=6), st.sampled_from(list(Level)[:3]))
def test_a_snapshot_in_any_slicing_masks_exactly_like_the_whole_snapshot(tree, cuts, default):
    whole_table = NodeTable()
    whole = mask_tree(copy.deepcopy(tree), None, default, None, whole_table)
    table = NodeTable()
    assembler = SnapshotAssembler(default, table, True)
    for part in flat_parts(tree, cuts):
        assembler.add(part)
    written = assembler.finish()
    assert json.loads(written) == whole
    # Byte for byte what json.dumps writes of the whole snapshot: the same keys in the same order.
    assert written == json.dumps(whole, separators=(",", ":"), ensure_ascii=False)
    for node_id in range(0, 200):
        a, b = whole_table.get(node_id), table.get(node_id)
        assert (a is None) == (b is None)
        if a is not None:
            assert (a.level, a.tag, a.parent, a.secret) == (b.level, b.tag, b.parent, b.secret)
    # Removing a node forgets its whole subtree, in either table alike (children are linked late).
    removed = sorted(whole_table.ids())[len(whole_table) // 2]
    whole_table.remove(removed)
    table.remove(removed)
    assert set(table.ids()) == set(whole_table.ids())
    for node_id in table.ids():
        assert whole_table.subtree_level(node_id) is table.subtree_level(node_id)


class_tokens = st.sampled_from(["veil-allow", "veil-mask", "veil-block", "veil-mask-user-input", "rr-mask", "rr-block",
                                "veil-other", "rr-x", "card", "VEIL-MASK", "x"])
attributes = st.fixed_dictionaries(
    {},
    optional={
        "class": st.lists(class_tokens, max_size=3).map(" ".join),
        "data-veil": st.sampled_from(["allow", "mask", "block", "mask-user-input", " Block ", "weird", ""]),
        "contenteditable": st.sampled_from(["", "true", "false", "plaintext-only", "FALSE "]),
        "title": st.text(max_size=4),
    },
)


@given(st.sampled_from(list(Level)), attributes, st.lists(st.sampled_from(["allow", "mask", "block", "odd"]), max_size=2))
def test_element_level_is_the_one_reduce(parent, attrs, flags):
    expected = resolve_level(parent, element_overrides(attrs, flags), is_editable(attrs))
    assert element_level(parent, attrs, flags) is expected
