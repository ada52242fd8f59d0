"""The snapshot worker's warm-up recording (sdk/veil/warmup.py): it records its made-up page,
leaves the bridge's Core and the CSS masker's drop count as they were, and never raises."""

import json

import pytest

from veil import bridge, css, warmup
from veil.api import Core


def test_the_warm_up_records_its_made_up_page_each_round():
    assert warmup.warm_up(rounds=2) == 2


def test_the_warm_up_leaves_the_bridge_core_unconfigured_and_no_css_drop_counted():
    css.take_failures()
    warmup.warm_up(rounds=1)
    assert bridge._core.config is None and bridge._core.recorder is None and bridge._core.session is None
    assert css.take_failures() == 0


def test_the_warm_up_masks_what_a_page_view_would_and_sees_no_page():
    core = Core()
    core.configure(json.dumps(warmup._CONFIG))
    assert json.loads(core.gate(json.dumps(warmup._FACTS)))["record"] is True
    core.start()
    assert json.loads(core.observe(json.dumps(warmup._events())))["snapshots"] == 1
    assert core.take_batch(0) is not None
    assert warmup._CONFIG["endpoint"].startswith("https://warm-up.invalid/")  # a reserved name: no host


def test_a_failing_warm_up_returns_instead_of_raising(monkeypatch: pytest.MonkeyPatch):
    def broken(self, events_json):
        raise RuntimeError("boom")

    monkeypatch.setattr(Core, "observe", broken)
    assert warmup.warm_up(rounds=2) == 0
