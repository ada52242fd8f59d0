"""One table of target names (tests/shared/target-names.json), held by the digest's rules here and
by the viewer's (names.js) in tests/js/viewer-names.test.mjs: the two implementations name every
target the same way, or one of the two tests fails."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pytest

from veil_collector.visits.names import Mirror

TABLE = json.loads((Path(__file__).resolve().parents[1] / "shared" / "target-names.json").read_text())


@pytest.mark.parametrize("case", TABLE["cases"], ids=[case["why"] for case in TABLE["cases"]])
def test_the_digest_names_each_target_as_the_table_says(case):
    mirror = Mirror()
    for event in case["events"]:
        mirror.feed(event)
    for node_id, expected in case["targets"]:
        found = mirror.target(node_id)
        assert (asdict(found) if found is not None else None) == expected, (case["why"], node_id)


def test_the_table_covers_every_rule_it_names():
    names = [t for case in TABLE["cases"] for _, t in case["targets"] if t]
    assert {t["role"] for t in names} >= {"button", "link", "heading", "textbox", "checkbox", "searchbox", "listbox",
                                          "combobox", "slider", "switch", "tab", "cell", "columnheader", "listitem", "img", ""}
    assert any(t["blocked"] for t in names) and any(t["name"] is None for t in names)
    assert any(t["name"] and t["name"].endswith("…") for t in names), "the cut at 60 characters"
