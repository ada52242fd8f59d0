"""Error events: the message masked at the page's default level, the stack parsed, scrubbed, bounded."""

import pytest

from tests.helpers import document, el, full, meta, sent_events, record, text
from veil.contract import ERROR_TAG
from veil.errors import FRAMES_MAX, mask_error, parse_stack
from veil.levels import Level

V8_STACK = """TypeError: Invalid date provided: ada@example.com 1985-02-03
    at parseDate (https://shop.example/app.js?token=s3cr3t-t0ken:10:5)
    at HTMLButtonElement.onclick (https://shop.example/u/ada@example.com/page.js:3:1)
    at async submit (https://shop.example/app.js:20:9)
    at https://shop.example/inline.js:1:2"""

GECKO_STACK = "parseDate@https://shop.example/app.js?session=abc123:10:5\n@https://shop.example/x.js:1:1\n"


def test_the_message_is_masked_at_mask_and_the_type_and_frames_stay():
    out = mask_error({"kind": "error", "type": "TypeError", "message": "Invalid date provided: ada@example.com",
                      "stack": V8_STACK}, Level.MASK)
    assert out["type"] == "TypeError" and out["kind"] == "error"
    assert out["message"] == "******* **** ********* ***************"
    assert [f["fn"] for f in out["frames"]] == ["parseDate", "HTMLButtonElement.onclick", "submit", "?"]
    assert out["frames"][0] == {"fn": "parseDate", "file": "https://shop.example/app.js?token=***", "line": 10, "col": 5}
    wire = repr(out)
    for secret in ("ada@example.com", "s3cr3t-t0ken", "1985", "Invalid date"):
        assert secret not in wire


def test_at_allow_the_message_is_kept_with_pii_scrubbed():
    out = mask_error({"kind": "unhandledrejection", "type": "Error", "message": "no user ada@example.com"}, Level.ALLOW)
    assert out["message"].startswith("no user ") and "ada@example.com" not in out["message"]


def test_gecko_stacks_parse_and_non_identifiers_are_not_names():
    frames = parse_stack(GECKO_STACK)
    assert frames[0] == {"fn": "parseDate", "file": "https://shop.example/app.js?session=***", "line": 10, "col": 5}
    assert frames[1]["fn"] == "?"
    assert parse_stack("    at my secret words (https://x.example/a.js:1:1)")[0]["fn"] == "?"
    assert parse_stack("    at new Checkout (https://x.example/a.js:1:1)")[0]["fn"] == "Checkout"


@pytest.mark.parametrize("name, expected", [("TypeError", "TypeError"), ("DOMException", "DOMException"),
                                             ("AdaLovelace", "Error"), ("ada@example.com", "Error"), ("string", "string")])
def test_a_type_is_a_constructor_name_or_typeof(name, expected):
    assert mask_error({"kind": "error", "type": name, "message": ""}, Level.MASK)["type"] == expected


def test_everything_is_bounded():
    stack = "\n".join(f"    at f{i} (https://x.example/{'a' * (2000 if i == 0 else 100)}.js:{i}:1)" for i in range(500))
    out = mask_error({"kind": "error", "type": "Error", "message": "x" * 50_000, "stack": stack}, Level.MASK)
    assert len(out["frames"]) == FRAMES_MAX and len(out["message"]) == 1000
    assert all(len(f["file"]) <= 500 for f in out["frames"])


def test_a_script_error_without_a_stack_keeps_where_it_happened():
    out = mask_error({"kind": "error", "type": "Error", "message": "Script error.", "stack": "",
                      "file": "https://cdn.example/x.js?key=abc", "line": 3, "col": 4}, Level.MASK)
    assert out["frames"] == [{"fn": "?", "file": "https://cdn.example/x.js?key=***", "line": 3, "col": 4}]


@pytest.mark.parametrize("payload", [None, "boom", {"kind": "nope"}, {"type": "Error"}])
def test_an_unknown_payload_is_dropped_and_counted(payload):
    recorder = record([meta(), full(document(el("p", {}, text("x"))))])
    sent_events(recorder)
    recorder.observe([{"type": 5, "data": {"tag": ERROR_TAG, "payload": payload}, "timestamp": 5}])
    assert recorder.counters.dropped == 1 and sent_events(recorder) == []


def test_an_error_event_leaves_masked_through_the_recorder():
    recorder = record([meta(), full(document(el("p", {}, text("x"))))])
    sent_events(recorder)
    recorder.observe([{"type": 5, "data": {"tag": ERROR_TAG, "payload": {
        "kind": "error", "type": "RangeError", "message": "card 4111 1111 1111 1111", "stack": V8_STACK}}, "timestamp": 5}])
    (event,) = sent_events(recorder)
    assert event["data"]["tag"] == ERROR_TAG and event["data"]["payload"]["type"] == "RangeError"
    assert event["data"]["payload"]["message"] == "**** **** **** **** ****"


def test_errors_the_shim_left_out_are_reported_as_a_count_only():
    out = mask_error({"kind": "error", "type": "Error", "message": "", "suppressed": 7}, Level.MASK)
    assert out["suppressed"] == 7
    assert "suppressed" not in mask_error({"kind": "error", "type": "Error", "suppressed": "lots"}, Level.MASK)
