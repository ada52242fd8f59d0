"""The console channel: off by default, opted in by level, messages masked like page text at the
default level by the one text masker."""

import json

import pytest

from tests.helpers import document, el, full, meta, record, sent_events as sent, text
from veil.config import normalize_config
from veil.console import mask_console
from veil.contract import CONSOLE_MESSAGE_MAX, CONSOLE_TAG
from veil.masking import mask_text

MESSAGE = "Invalid date provided: 31/02 for ada@example.com"


def config(**over):
    return normalize_config({"endpoint": "/c", **over})


def test_console_is_off_by_default():
    assert mask_console({"level": "error", "message": MESSAGE}, config()) is None


def test_only_opted_in_levels_are_recorded():
    cfg = config(console=["error"])
    assert mask_console({"level": "warn", "message": MESSAGE}, cfg) is None
    assert mask_console({"level": "error", "message": MESSAGE}, cfg) == {"level": "error", "message": mask_text(MESSAGE)}


def test_messages_follow_the_default_level_like_page_text():
    allow = mask_console({"level": "warn", "message": MESSAGE}, config(console=["warn"], defaultPrivacy="allow"))
    assert allow == {"level": "warn", "message": "Invalid date provided: 31/02 for ***************"}
    unscrubbed = config(console=["warn"], defaultPrivacy="allow", scrubPatterns=False)
    assert mask_console({"level": "warn", "message": MESSAGE}, unscrubbed)["message"] == MESSAGE


def test_messages_are_cut_to_the_contract_length():
    out = mask_console({"level": "log", "message": "x" * (3 * CONSOLE_MESSAGE_MAX)}, config(console=["log"]))
    assert out["message"] == "*" * CONSOLE_MESSAGE_MAX


@pytest.mark.parametrize("payload", [{"level": "trace", "message": "m"}, {"level": "error"}, {"level": "error", "message": 3}])
def test_malformed_payloads_are_rejected(payload):
    with pytest.raises(ValueError):
        mask_console(payload, config(console=["error"]))


def test_the_recorder_sends_masked_console_events_and_nothing_when_off():
    event = {"type": 5, "data": {"tag": CONSOLE_TAG, "payload": {"level": "error", "message": MESSAGE}}, "timestamp": 9}
    page = document(el("p", {}, text("hi")))
    on = sent(record([meta(), full(page), event], console=["error"]))
    assert [e["data"] for e in on if e["type"] == 5] == [{"tag": CONSOLE_TAG, "payload": {"level": "error", "message": mask_text(MESSAGE)}}]
    off = record([meta(), full(page), event])
    assert not [e for e in sent(off) if e["type"] == 5] and off.counters.dropped == 0
    assert "ada@example.com" not in json.dumps(on)
