"""A full snapshot sent in parts (the shim's time-sliced walk) is masked exactly as if it had come
whole, however the walk was sliced; and the shortcut in ``element_level`` is the full reduce."""

from __future__ import annotations

import copy

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers import flat_nodes
from tests.property.test_masking_properties import trees
from veil.levels import Level, element_level, element_overrides, is_editable, resolve_level
from veil.nodes import NodeTable
from veil.tree import SnapshotAssembler, mask_tree


def flat_parts(tree, cuts):
    """The tree as the shim walks it, cut into parts at ``cuts`` (taken modulo its size)."""
    nodes = flat_nodes(tree)
    bounds = sorted({0, len(nodes), *(c % (len(nodes) + 1) for c in cuts)})
    return [nodes[a:b] for a, b in zip(bounds, bounds[1:])]


@settings(max_examples=200, deadline=None)
@given(trees(), st.lists(st.integers(0, 1000), max_size=6), st.sampled_from(list(Level)[:3]))
def test_a_snapshot_in_any_slicing_masks_exactly_like_the_whole_snapshot(tree, cuts, default):
    whole_table = NodeTable()
    whole = mask_tree(copy.deepcopy(tree), None, default, None, whole_table)
    table = NodeTable()
    assembler = SnapshotAssembler(default, table, True)
    for part in flat_parts(tree, cuts):
        assembler.add(part)
    assert assembler.root == whole
    for node_id in range(0, 200):
        a, b = whole_table.get(node_id), table.get(node_id)
        assert (a is None) == (b is None)
        if a is not None:
            assert (a.level, a.tag, a.parent, a.secret) == (b.level, b.tag, b.parent, b.secret)


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
