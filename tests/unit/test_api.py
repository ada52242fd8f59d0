"""The string API the worker calls: same behaviour under CPython as in Pyodide."""

import gzip
import json

from tests.helpers import document, el, full, meta, text
from veil.api import Core


def test_configure_reports_bad_keys_as_values_not_exceptions():
    core = Core()
    assert json.loads(core.configure('{"endpoint": "/c", "nope": 1}'))["key"] == "nope"
    assert json.loads(core.configure("not json"))["ok"] is False
    assert json.loads(core.configure('{"endpoint": "/c"}')) == {"ok": True, "consent": "opt-in"}


def test_gate_before_configure_declines():
    assert json.loads(Core().gate("{}"))["record"] is False


def test_round_trip_produces_gzip_batches():
    core = Core()
    core.configure('{"endpoint": "/c", "consent": "not-required"}')
    assert json.loads(core.gate('{"href": "https://x/"}', sample_draw=0))["record"] is True
    core.start("abcdef0123456789")
    result = json.loads(core.observe(json.dumps([meta(), full(document(el("p", {}, text("Ada"))))])))
    assert result["snapshots"] == 1 and result["dropped"] == 0
    batch = json.loads(gzip.decompress(core.take_batch()))
    assert batch["session"] == "abcdef0123456789"
    assert "Ada" not in json.dumps(batch)


def test_observe_with_garbage_drops_and_counts():
    core = Core()
    core.configure('{"endpoint": "/c"}')
    core.start("abcdef0123456789")
    assert json.loads(core.observe("{not json"))["dropped"] == 1
    core.stop()
    assert core.take_batch() is None
