"""Interaction capture: key redaction, action names, pointer thinning, input coalescing."""

import json

import pytest

from tests.helpers import record, sent_events as sent, document, el, full, input_event, meta, text
from veil.config import ConfigError, normalize_config
from veil.contract import ACTION_TAG, KEY_TAG
from veil.interactions import PointerThinner, redact_key
from veil.masking import MASKED_VALUE




def key(key_value, node_id, ts=5, **mods):
    payload = {"key": key_value, "id": node_id, "code": "KeyA", "keyCode": 65, **mods}
    return {"type": 5, "data": {"tag": KEY_TAG, "payload": payload}, "timestamp": ts}


def page():
    return document(
        el("input", {"id": "q"}, node_id=10),
        el("input", {"type": "password"}, node_id=11),
        el("div", {"data-veil": "block"}, node_id=12),
        el("button", {"data-veil": "allow"}, text("Pay now"), el("span", {"data-veil": "mask"}, text("Ada"), node_id=14), node_id=13),
        el("button", {}, text("Place order"), node_id=15),
        el("div", {"contenteditable": "true"}, text("Dear Ada", node_id=17), node_id=16),
    )


@pytest.mark.parametrize("value, expected", [("a", "*"), ("Z", "*"), ("1", "*"), (" ", "*"), ("F5", "*"), ("Dead", "*"),
                                             ("Enter", "Enter"), ("Tab", "Tab"), ("ArrowLeft", "ArrowLeft"), ("PageDown", "PageDown"),
                                             ("Shift", None), ("Control", None), (7, None)])
def test_redact_key(value, expected):
    assert redact_key(value) == expected


def test_keystrokes_keep_named_keys_and_modifiers_but_never_code_or_keycode():
    events = sent(record([meta(), full(page()), key("s", 15, ctrl=True, shift=True), key("Enter", 10)]))
    assert events[2]["data"]["payload"] == {"id": 15, "key": "*", "alt": False, "ctrl": True, "meta": False, "shift": True}
    assert events[3]["data"]["payload"]["key"] == "Enter"
    assert "KeyA" not in json.dumps(events) and "65" not in json.dumps(events[2:])


def test_keystrokes_in_secret_fields_carry_no_identity_at_all():
    events = sent(record([meta(), full(page()), key("Enter", 11, shift=True)], defaultPrivacy="allow"))
    assert events[2]["data"]["payload"] == {"id": 11, "key": None}


def test_keystrokes_in_blocked_or_unknown_regions_carry_nothing():
    events = sent(record([meta(), full(page()), key("a", 12), key("Enter", 12), key("Tab", -1)]))
    assert [e["data"]["payload"] for e in events[2:]] == [{"key": None}, {"key": None}]


def keys_of(events):
    return [e["data"]["payload"] for e in events if e["type"] == 5 and e["data"]["tag"] == KEY_TAG]


@pytest.mark.parametrize("target", [10, 11, 16, 17, 12, -1], ids=["field", "secret", "editable", "in-editable", "block", "unknown"])
@pytest.mark.parametrize("level", ["mask", "mask-user-input", "allow"])
def test_the_number_of_key_events_in_a_field_does_not_depend_on_what_was_typed(target, level):
    """Typing N characters (with a Shift now and then, a Backspace run, arrows) sends the same
    events whatever N is: only the named keys, once per run."""
    def typed(n):
        keys = [key("abcdefghij"[i % 10], target, shift=i % 3 == 0) for i in range(n)]
        keys += [key("Backspace", target)] * n + [key("ArrowLeft", target)] * n + [key("Enter", target)]
        return keys_of(sent(record([meta(), full(page()), *keys], defaultPrivacy=level)))
    assert typed(3) == typed(17) and typed(3)
    assert all(k.get("key") != "*" for k in typed(5))


def test_plain_character_keys_outside_fields_are_not_recorded_but_shortcuts_are():
    events = sent(record([meta(), full(page()), key("j", 15), key("j", 15), key("c", 15, meta=True), key("c", 15, meta=True)]))
    assert keys_of(events) == [{"id": 15, "key": "*", "alt": False, "ctrl": False, "meta": True, "shift": False}]


def test_a_run_of_one_named_key_is_one_event_and_other_keys_break_it():
    keys = [key("ArrowDown", 15)] * 4 + [key("Enter", 15), key("ArrowDown", 15), key("ArrowDown", 10)]
    assert [(k["id"], k["key"]) for k in keys_of(sent(record([meta(), full(page()), *keys])))] == [
        (15, "ArrowDown"), (15, "Enter"), (15, "ArrowDown"), (10, "ArrowDown")]


def test_input_events_repeating_a_masked_value_are_not_recorded_one_per_keystroke():
    inputs = [input_event(10, "secret"[: i + 1], ts=10 + i) for i in range(6)]
    recorder = record([meta(), full(page())])
    sent_texts = []
    for event in [*inputs, input_event(10, "", ts=30), input_event(10, "x", ts=31)]:
        recorder.observe([event])  # each in its own hand-over and batch: coalescing alone would send all
        sent_texts += [e["data"]["text"] for e in sent(recorder) if e["type"] == 3]
    assert sent_texts == [MASKED_VALUE, "", MASKED_VALUE]  # what the field showed, not how often it changed


def test_modifier_only_keystrokes_are_skipped_without_counting_as_faults():
    recorder = record([meta(), full(page()), key("Shift", 10)])
    assert len(sent(recorder)) == 2 and recorder.counters.dropped == 0


def action(node_id, name):
    return {"type": 5, "data": {"tag": ACTION_TAG, "payload": {"id": node_id, "name": name}}, "timestamp": 6}


def test_action_names_are_masked_by_default():
    assert sent(record([meta(), full(page()), action(15, "Place order")]))[2]["data"]["payload"] == {"id": 15, "name": "***** *****"}


def test_action_names_follow_the_most_restrictive_level_inside_the_target():
    events = sent(record([meta(), full(page()), action(13, "Pay now Ada")], defaultPrivacy="allow"))
    assert events[2]["data"]["payload"]["name"] == "*** *** ***"


def test_action_names_in_allowed_targets_are_kept_with_pii_scrubbed():
    events = sent(record([meta(), full(page()), action(15, "Email ada@example.com")], defaultPrivacy="allow"))
    assert events[2]["data"]["payload"]["name"] == "Email ***************"


def test_action_names_of_blocked_or_unknown_targets():
    events = sent(record([meta(), full(page()), action(12, "secret"), action(99, "secret")]))
    assert [e["data"]["payload"] for e in events[2:]] == [{"id": 12, "name": ""}]


def test_pointer_thinning_keeps_gesture_start_end_and_samples():
    thinner = PointerThinner(interval_ms=200)
    positions = [{"x": i, "y": i, "id": 1, "timeOffset": i * 50 - 1000} for i in range(21)]
    kept = thinner.thin(positions, event_time=10_000)
    assert kept[0]["x"] == 0 and kept[-1]["x"] == 20
    assert [p["x"] for p in kept] == [0, 4, 8, 12, 16, 20]


def test_pointer_thinning_with_zero_interval_keeps_only_gesture_ends():
    thinner = PointerThinner(interval_ms=0)
    first = [{"x": i, "y": 0, "id": 1, "timeOffset": i * 50} for i in range(10)]
    second = [{"x": 100 + i, "y": 0, "id": 1, "timeOffset": 2000 + i * 50} for i in range(10)]
    assert [p["x"] for p in thinner.thin(first + second, 0)] == [0, 9, 100, 109]


def test_mouse_move_sample_is_configurable_and_validated():
    assert normalize_config({"endpoint": "/c", "mouseMoveSampleMs": 0}).mouse_move_sample_ms == 0
    with pytest.raises(ConfigError) as err:
        normalize_config({"endpoint": "/c", "mouseMoveSampleMs": -1})
    assert err.value.key == "mouseMoveSampleMs"


def test_typed_word_is_coalesced_into_its_final_value():
    events = [meta(), full(page())] + [input_event(10, "abc"[: i + 1], ts=10 + i) for i in range(3)] + [key("a", 10), input_event(10, "abcd", ts=20)]
    sent_events = sent(record(events, defaultPrivacy="allow"))
    inputs = [e for e in sent_events if e["type"] == 3]
    assert [i["data"]["text"] for i in inputs] == ["abcd"]


def test_coalescing_keeps_a_standby_batch_consistent():
    recorder = record([meta(), full(page()), input_event(10, "a")], defaultPrivacy="allow")
    seq, count, _ = recorder.standby_chunks(1 << 30)[0]
    recorder.observe([input_event(10, "ab")])
    assert recorder.commit_standby(seq, count)
    assert [e["data"]["text"] for e in sent(recorder)] == ["ab"]


def test_contenteditable_text_is_user_input_under_mask_user_input():
    events = sent(record([meta(), full(page())], defaultPrivacy="mask-user-input"))
    assert "Dear Ada" not in json.dumps(events)
    assert "Place order" in json.dumps(events)


def test_interactions_on_unknown_nodes_keep_only_position():
    click = {"type": 3, "data": {"source": 2, "type": 2, "id": 999, "x": 5, "y": 6}, "timestamp": 7}
    scroll = {"type": 3, "data": {"source": 3, "id": 999, "x": 0, "y": 10}, "timestamp": 8}
    events = sent(record([meta(), full(page()), click, scroll]))
    assert events[2]["data"] == {"source": 2, "type": 2, "id": -1, "x": 5, "y": 6}
    assert len(events) == 3


def test_secret_input_values_stay_fixed_length():
    events = sent(record([meta(), full(page()), input_event(11, "correct horse battery staple")], defaultPrivacy="allow"))
    assert events[2]["data"]["text"] == MASKED_VALUE


def test_action_names_of_form_fields_are_user_input():
    field = document(el("textarea", {}, text("Dear Ada"), node_id=20), el("input", {"type": "checkbox"}, node_id=21))
    events = sent(record([meta(), full(field), action(20, "Dear Ada"), action(21, "I agree")], defaultPrivacy="mask-user-input"))
    assert [e["data"]["payload"]["name"] for e in events[2:]] == [MASKED_VALUE, MASKED_VALUE]
