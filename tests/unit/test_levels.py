import pytest

from veil.levels import Level, element_overrides, is_forced_secret, most_restrictive, resolve_level


def test_node_without_override_inherits_parent_level():
    assert resolve_level(Level.MASK, []) is Level.MASK
    assert resolve_level(Level.ALLOW, []) is Level.ALLOW


def test_own_override_replaces_parent_level_in_both_directions():
    assert resolve_level(Level.MASK, [Level.ALLOW]) is Level.ALLOW
    assert resolve_level(Level.ALLOW, [Level.MASK]) is Level.MASK


@pytest.mark.parametrize("override", list(Level))
def test_block_is_never_lowered_by_a_descendant(override):
    assert resolve_level(Level.BLOCK, [override]) is Level.BLOCK


def test_most_restrictive_override_wins():
    assert resolve_level(Level.MASK, [Level.ALLOW, Level.BLOCK, Level.MASK]) is Level.BLOCK
    assert most_restrictive([Level.ALLOW, Level.MASK_USER_INPUT]) is Level.MASK_USER_INPUT


def test_overrides_come_from_attribute_classes_and_selector_flags():
    attrs = {"data-veil": "allow", "class": "card veil-block"}
    assert element_overrides(attrs, ["mask"]) == [Level.ALLOW, Level.BLOCK, Level.MASK]


def test_unknown_override_value_fails_closed_to_mask():
    assert element_overrides({"data-veil": "public"}) == [Level.MASK]
    assert element_overrides({}, ["bogus"]) == [Level.MASK]


@pytest.mark.parametrize(
    "tag, attrs",
    [
        ("input", {"type": "password"}),
        ("input", {"type": "PASSWORD"}),
        ("input", {"type": "hidden"}),
        ("input", {"autocomplete": "cc-number"}),
        ("input", {"autocomplete": "billing cc-csc"}),
        ("input", {"autocomplete": "one-time-code"}),
        ("input", {"autocomplete": "new-password"}),
        ("input", {"autocomplete": "current-password"}),
        ("select", {"autocomplete": "cc-exp-month"}),
    ],
)
def test_forced_secrets(tag, attrs):
    assert is_forced_secret(tag, attrs)


@pytest.mark.parametrize("tag, attrs", [("input", {"type": "email"}), ("input", {"autocomplete": "name"}), ("div", {"type": "password"})])
def test_ordinary_fields_are_not_secrets(tag, attrs):
    assert not is_forced_secret(tag, attrs)


def test_explain_names_each_override_and_forced_secrets_without_content():
    from veil.levels import explain_chain

    chain = [
        {"tag": "section", "attributes": {"data-veil": "allow", "class": "profile"}, "veilMatch": []},
        {"tag": "form", "attributes": {}, "veilMatch": ["mask"]},
        {"tag": "input", "attributes": {"type": "password"}, "veilMatch": []},
    ]
    out = explain_chain(Level.MASK, chain)
    assert out["level"] == "mask" and out["secret"] is True
    assert out["reasons"][0] == "default level mask"
    assert "<section> override allow -> allow" in out["reasons"]
    assert "<form> override mask -> mask" in out["reasons"]
    assert "profile" not in str(out)


def test_explain_inside_block():
    from veil.levels import explain_chain

    out = explain_chain(Level.MASK, [{"tag": "div", "attributes": {"class": "veil-block"}}, {"tag": "p", "attributes": {"data-veil": "allow"}}])
    assert out["level"] == "block"
    assert "<p> inside a blocked element stays block" in out["reasons"]
