"""The early gate (shim/veil/early.mjs: may the observer start before the runtime is up?) is held
equal to the Python gate's rules (veil.gate.may_observe_early) by one table of cases,
tests/shared/early-gate.json, which tests/js/early.test.mjs runs against the JavaScript side.

A case whose config Veil.init refuses cannot record anything: the early buffer is discarded unsent
when init fails, so the Python side only checks that the config is refused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from veil.config import ConfigError, normalize_config
from veil.gate import may_observe_early

TABLE = Path(__file__).resolve().parents[1] / "shared" / "early-gate.json"
CASES: list[dict[str, Any]] = json.loads(TABLE.read_text())["cases"]


def facts(signals: dict[str, Any]) -> dict[str, Any]:
    return {"doNotTrack": signals.get("doNotTrack"), "globalPrivacyControl": signals.get("globalPrivacyControl", False),
            "storedConsent": signals.get("storedConsent")}


def test_the_table_covers_both_answers_every_trigger_and_every_consent_mode():
    assert {c["early"] for c in CASES} == {True, False}
    assert {c["trigger"] for c in CASES} == {"init", "start"}
    modes = {(c["config"] or {}).get("consent", "opt-in") for c in CASES}
    assert {"opt-in", "not-required", "tcf"} <= modes


@pytest.mark.parametrize("case", CASES, ids=[c["why"] for c in CASES])
def test_the_python_gate_says_what_the_table_says(case):
    raw = case["config"]
    try:
        config = normalize_config({"endpoint": "/v1/batches", **raw} if isinstance(raw, dict) else raw)
    except ConfigError:
        return  # Veil.init refuses it: whatever was observed early is discarded unsent
    assert may_observe_early(config, facts(case["signals"]), case["trigger"] == "start") is case["early"]
