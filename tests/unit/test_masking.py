import pytest

from veil.levels import Level
from veil.masking import MASKED_VALUE, Rule, attribute_rule, input_value_for_level, mask_attributes, mask_text, text_for_level


def test_mask_text_keeps_whitespace_and_length():
    assert mask_text("Ada  Lovelace\n\t42") == "***  ********\n\t**"


def test_text_is_masked_under_mask_and_kept_under_lower_levels():
    assert text_for_level("Hi Ada", Level.MASK, "p") == "** ***"
    assert text_for_level("Hi Ada", Level.MASK_USER_INPUT, "p") == "Hi Ada"
    assert text_for_level("Hi Ada", Level.ALLOW, "p") == "Hi Ada"


def test_script_text_is_never_recorded_and_block_text_is_empty():
    assert text_for_level("var token = 'x'", Level.ALLOW, "script") == ""
    assert text_for_level("secret", Level.BLOCK, "p") == ""


def test_style_text_is_kept_for_replay():
    assert text_for_level("p { color: red }", Level.MASK, "style") == "p { color: red }"


@pytest.mark.parametrize("level", [Level.MASK, Level.MASK_USER_INPUT])
def test_typed_values_become_a_fixed_length_mask(level):
    assert input_value_for_level("a", level, secret=False) == MASKED_VALUE
    assert input_value_for_level("a much longer value", level, secret=False) == MASKED_VALUE
    assert input_value_for_level("", level, secret=False) == ""


def test_secrets_stay_masked_even_under_allow():
    assert input_value_for_level("hunter2", Level.ALLOW, secret=True) == MASKED_VALUE
    assert input_value_for_level("public", Level.ALLOW, secret=False) == "public"


@pytest.mark.parametrize("name", ["title", "alt", "placeholder", "aria-label", "aria-description", "aria-valuetext", "label", "data-user", "srcdoc", "x-unknown"])
def test_content_attributes_are_masked_under_mask(name):
    out = mask_attributes("div", {name: "Ada Lovelace"}, Level.MASK, secret=False)
    assert out == {name: "*** ********"}


def test_content_attributes_are_kept_under_mask_user_input():
    assert mask_attributes("img", {"alt": "Ada"}, Level.MASK_USER_INPUT, False) == {"alt": "Ada"}


def test_value_checked_and_selected_are_user_input():
    attrs = {"type": "checkbox", "value": "yes", "checked": True}
    assert mask_attributes("input", attrs, Level.MASK_USER_INPUT, False) == {"type": "checkbox", "value": MASKED_VALUE}
    assert mask_attributes("option", {"selected": True, "value": "x"}, Level.MASK, False) == {"value": "*"}


def test_structural_attributes_are_kept():
    attrs = {"class": "btn primary", "id": "pay", "style": "color: red", "type": "submit", "role": "button"}
    assert mask_attributes("button", attrs, Level.MASK, False) == attrs


def test_event_handlers_and_nonces_never_leave():
    out = mask_attributes("div", {"onclick": "steal()", "nonce": "abc", "ONLOAD": "x"}, Level.ALLOW, False)
    assert out == {}


def test_urls_are_scrubbed_at_every_level():
    for level in (Level.MASK, Level.MASK_USER_INPUT, Level.ALLOW):
        assert mask_attributes("a", {"href": "/r?t=1"}, level, False) == {"href": "/r?t=***"}


def test_block_keeps_only_the_placeholder_size():
    attrs = {"class": "secret-widget", "id": "ssn", "rr_width": "10px", "rr_height": "20px", "title": "x"}
    assert mask_attributes("div", attrs, Level.BLOCK, False) == {"class": "veil-placeholder", "rr_width": "10px", "rr_height": "20px"}


def test_meta_content_is_content_except_viewport():
    assert attribute_rule("meta", "content", {"name": "viewport"}) is Rule.KEEP
    assert attribute_rule("meta", "content", {"name": "user-email"}) is Rule.CONTENT
