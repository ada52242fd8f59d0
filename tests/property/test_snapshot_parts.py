"""The one node writer (veil.tree) against a plain reference masker: a subtree written whole
(mutation adds, one-piece snapshots) and a full snapshot sent in parts (the shim's time-sliced
walk), however the walk was sliced, are byte for byte what json.dumps writes of the reference's
objects; and the shortcut in ``element_level`` is the full reduce."""

from __future__ import annotations

import copy
import itertools
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from itertools import count

from tests.helpers import flat_rows
from tests.property.test_masking_properties import trees
from veil.levels import MATCH_FLAGS_KEY, Level, element_level, element_overrides, is_editable, is_forced_secret, resolve_level
from veil.masking import comment_text, mask_attributes, text_for_level
from veil.nodes import NodeInfo, NodeTable
from veil.contract import SIZE_KEY
from veil.subtree import write_tree
from veil.tree import SnapshotAssembler


def reference(node, level, parent_tag, secret, scrub=True):
    """The masked copy of a serialized node, written plainly from the rules (recursive, objects,
    no caches): rrweb's keys in rrweb's order, the id last; nothing under a block or a leaf."""
    kind = node["type"]
    if kind == 2:
        tag = node["tagName"].lower()
        attributes = node["attributes"]
        own_level = element_level(level, attributes, node.get(MATCH_FLAGS_KEY))
        own_secret = is_forced_secret(tag, attributes)
        out = {"type": 2, "tagName": tag, "attributes": mask_attributes(tag, attributes, own_level, own_secret, scrub, node.get(SIZE_KEY)),
               "childNodes": [] if own_level is Level.BLOCK else
               [reference(child, own_level, tag, own_secret, scrub) for child in node.get("childNodes") or []]}
        for flag in ("isSVG", "isCustom", "isShadowHost"):
            if node.get(flag) is True and (own_level is not Level.BLOCK or flag == "isSVG"):
                out[flag] = True
    elif kind == 0:
        out = {"type": 0, "childNodes": [reference(child, level, None, False, scrub) for child in node.get("childNodes") or []]}
        if node.get("compatMode") in ("BackCompat", "CSS1Compat"):
            out["compatMode"] = node["compatMode"]
    elif kind == 1:
        out = {"type": 1, **{key: node.get(key) if isinstance(node.get(key), str) else "" for key in ("name", "publicId", "systemId")}}
    else:
        text = node.get("textContent") if isinstance(node.get("textContent"), str) else ""
        if kind == 3:
            text = text_for_level(text, level, parent_tag, scrub, secret)
        elif kind == 5:
            text = comment_text(text, level, scrub)
        else:
            text = ""  # CDATA
        out = {"type": kind, "textContent": text}
    if type(node.get("rootId")) is int:
        out["rootId"] = node["rootId"]
    if node.get("isShadow") is True:
        out["isShadow"] = True
    out["id"] = node["id"]
    return out


def dumps(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


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
def test_the_node_writer_whole_or_in_any_slicing_writes_exactly_the_reference(tree, cuts, default):
    expected = dumps(reference(copy.deepcopy(tree), default, None, False))
    whole_table = NodeTable()
    whole = write_tree(copy.deepcopy(tree), None, default, None, whole_table)
    table = NodeTable()
    assembler = SnapshotAssembler(default, table, True)
    for part in flat_parts(tree, cuts):
        assembler.add(part)
    written = assembler.finish()
    # Byte for byte what json.dumps writes of the reference: the same keys in the same order.
    assert whole == expected
    assert written == expected
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


@settings(max_examples=150, deadline=None)
@given(snapshot_trees(), st.sampled_from(list(Level)), st.sampled_from([None, "div", "textarea", "style", "script"]), st.booleans())
def test_an_added_subtree_is_written_as_the_reference_under_its_parent(tree, level, parent_tag, parent_secret):
    # A mutation add: the subtree below the document, under a parent of any level, tag and secrecy.
    subtree = tree["childNodes"][1]
    table = NodeTable()
    table.add(1, NodeInfo(level, parent_tag, None, parent_secret))
    assert write_tree(copy.deepcopy(subtree), 1, level, parent_tag, table) == dumps(reference(subtree, level, parent_tag, parent_secret))


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
