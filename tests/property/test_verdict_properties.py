"""Veil.preview tells the truth about the recording (hypothesis): over generated pages and levels,
every string a verdict calls clear is what a real recording of the page (with a site-text list
made of some of its own words) writes for that element, and nothing a recording masks, blocks or
keeps secret is called clear."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers import flat_rows, full, meta, sent_events, walk
from tests.property.test_masking_properties import trees
from veil.config import normalize_config
from veil.recorder import Recorder
from veil.sitetext import SiteText
from veil.verdicts import judge

LEVELS = ["mask", "mask-user-input", "allow"]


def recorded_nodes(tree: dict[str, Any], level: str, site: SiteText | None = None) -> dict[int, dict[str, Any]]:
    """Every node a real recording of ``tree`` (with the site-text list ``site``) writes, by id."""
    recorder = Recorder(normalize_config({"endpoint": "/c", "defaultPrivacy": level}), session="s" * 32, site=site)
    recorder.start()
    recorder.observe([meta(), full(tree)])
    events = sent_events(recorder)
    snapshot = next(e for e in events if e["type"] == 2)["data"]["node"]
    return {n["id"]: n for n in walk(snapshot)}


def site_list(tree: dict[str, Any], pick: list[bool]) -> SiteText:
    """Some of the tree's own texts and content attributes as its site-text list."""
    texts = [n.get("textContent", "") for n in walk(tree) if n["type"] == 3]
    texts += [v for n in walk(tree) if n["type"] == 2 for v in n["attributes"].values()]
    return SiteText(" ".join(t.split()) for t, keep in zip(texts, pick * len(texts), strict=False) if keep and t.strip())


@settings(max_examples=150, deadline=None)
@given(trees(), st.sampled_from(LEVELS), st.lists(st.booleans(), min_size=1, max_size=5))
def test_a_clear_verdict_is_what_the_recording_writes(tree, level, pick):
    site = site_list(tree, pick)
    recorded = recorded_nodes(tree, level, site)
    found = judge(normalize_config({"endpoint": "/c", "defaultPrivacy": level}), flat_rows(tree), None, site)["verdicts"]
    for verdict in found:
        node = recorded[verdict["id"]]
        written = [c.get("textContent", "") for c in node.get("childNodes", []) if c["type"] == 3]
        written += [v for k, v in node.get("attributes", {}).items() if isinstance(v, str)]
        for piece in verdict["clear"]:
            assert any(" ".join(piece["text"].split()) == " ".join(w.split()) for w in written), (verdict, node)
        if verdict["kind"] in ("secret", "blocked", "typed"):
            assert all(p["source"] != "value" for p in verdict["clear"])
        if verdict["kind"] == "blocked":
            assert node.get("childNodes", []) == [] and verdict["clear"] == []


@settings(max_examples=150, deadline=None)
@given(trees(), st.sampled_from(LEVELS))
def test_every_element_the_recording_writes_text_for_has_a_verdict(tree, level):
    recorded = recorded_nodes(tree, level)
    judged = {v["id"]: v for v in judge(normalize_config({"endpoint": "/c", "defaultPrivacy": level}), flat_rows(tree))["verdicts"]}
    for node_id, node in recorded.items():
        if node["type"] != 2 or node["tagName"] in ("body", "script", "style"):
            continue
        texts = [c["textContent"] for c in node.get("childNodes", []) if c["type"] == 3 and c["textContent"].strip()]
        if texts:
            assert node_id in judged, node
            verdict = judged[node_id]
            if verdict["kind"] == "clear":
                assert all(" ".join(t.split()) in [p["text"] for p in verdict["clear"]] for t in texts)
