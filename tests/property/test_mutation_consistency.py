"""Stateful property: the masked view a replay builds from snapshot + mutations always equals
masking the page's current tree from scratch, whatever sequence of mutations the page makes."""

from __future__ import annotations

import copy
import gzip
import json
from itertools import count
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from veil.config import normalize_config
from veil.levels import Level
from veil.nodes import NodeTable
from veil.recorder import Recorder
from veil.subtree import mask_tree

TAGS = ["div", "p", "span", "section", "input", "textarea", "button"]
OVERRIDES = [None, "allow", "mask", "mask-user-input", "block"]
words = st.text(alphabet="abcXYZ019 @.", min_size=1, max_size=10)


class Replay:
    """Applies masked rrweb events the way rrweb's Replayer does, on plain dicts."""

    def __init__(self, root: dict[str, Any]) -> None:
        self.root = copy.deepcopy(root)
        self.index: dict[int, dict[str, Any]] = {}
        self.parent: dict[int, int] = {}
        self._index(self.root, None)

    def _index(self, node: dict[str, Any], parent: int | None) -> None:
        self.index[node["id"]] = node
        if parent is not None:
            self.parent[node["id"]] = parent
        for child in node.get("childNodes", []):
            self._index(child, node["id"])

    def _forget(self, node: dict[str, Any]) -> None:
        self.index.pop(node["id"], None)
        self.parent.pop(node["id"], None)
        for child in node.get("childNodes", []):
            self._forget(child)

    def apply(self, data: dict[str, Any]) -> None:
        for rm in data["removes"]:
            parent = self.index[rm["parentId"]]
            node = self.index[rm["id"]]
            parent["childNodes"].remove(node)
            self._forget(node)
        for add in data["adds"]:
            parent = self.index[add["parentId"]]
            node = copy.deepcopy(add["node"])
            siblings = parent["childNodes"]
            if add["nextId"] is None:
                siblings.append(node)
            else:
                siblings.insert(siblings.index(self.index[add["nextId"]]), node)
            self._index(node, add["parentId"])
        for change in data["texts"]:
            self.index[change["id"]]["textContent"] = change["value"]
        for change in data["attributes"]:
            attrs = self.index[change["id"]]["attributes"]
            for name, value in change["attributes"].items():
                if value is None:
                    attrs.pop(name, None)
                else:
                    attrs[name] = value


class MutatingPage(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.ids = count(10)
        body = {"type": 2, "id": 3, "tagName": "body", "attributes": {}, "childNodes": []}
        self.raw = {"type": 0, "id": 1, "childNodes": [body]}
        self.replay: Replay | None = None

    @initialize(default=st.sampled_from([Level.MASK, Level.MASK_USER_INPUT, Level.ALLOW]))
    def start_recording(self, default):
        self.default = default
        self.recorder = Recorder(normalize_config({"endpoint": "/c", "defaultPrivacy": default.value}), session="s" * 32)
        self.recorder.start()
        self._snapshot()

    # --- plumbing -----------------------------------------------------------------------
    def _nodes(self, node=None, parent=None):
        node = node or self.raw
        yield node, parent
        for child in node.get("childNodes", []):
            yield from self._nodes(child, node)

    def _elements(self):
        return [(n, p) for n, p in self._nodes() if n["type"] == 2]

    def _send(self, events: list[dict[str, Any]]) -> None:
        result = self.recorder.observe(events)
        self._drain()
        if "snapshot" in result["actions"]:
            self._snapshot()

    def _snapshot(self) -> None:
        self.recorder.observe([
            {"type": 4, "data": {"href": "/", "width": 1, "height": 1}, "timestamp": 1},
            {"type": 2, "data": {"node": copy.deepcopy(self.raw), "initialOffset": {"top": 0, "left": 0}}, "timestamp": 1},
        ])
        self._drain()

    def _drain(self) -> None:
        batch = self.recorder.take_batch()
        if batch is None:
            return
        for event in json.loads(gzip.decompress(batch))["events"]:
            if event["type"] == 2:
                self.replay = Replay(event["data"]["node"])
            elif event["type"] == 3 and event["data"]["source"] == 0:
                self.replay.apply(event["data"])

    @staticmethod
    def _mutation(**data: Any) -> dict[str, Any]:
        body = {"source": 0, "texts": [], "attributes": [], "removes": [], "adds": []}
        body.update(data)
        return {"type": 3, "data": body, "timestamp": 2}

    # --- what a page can do -------------------------------------------------------------
    @rule(data=st.data(), tag=st.sampled_from(TAGS), override=st.sampled_from(OVERRIDES), title=words,
          contents=st.lists(words, min_size=1, max_size=3))
    def add_element(self, data, tag, override, title, contents):
        parent, _ = data.draw(st.sampled_from(self._elements()))
        attrs = {"title": title}
        if override:
            attrs["data-veil"] = override
        children = [
            {"type": 3, "id": next(self.ids), "textContent": c} if i % 2 == 0 else
            {"type": 2, "id": next(self.ids), "tagName": "b", "attributes": {}, "childNodes": [
                {"type": 3, "id": next(self.ids), "textContent": c}]}
            for i, c in enumerate(contents)
        ]
        node = {"type": 2, "id": next(self.ids), "tagName": tag, "attributes": attrs, "childNodes": children}
        position = data.draw(st.integers(0, len(parent["childNodes"])))
        parent["childNodes"].insert(position, node)
        following = parent["childNodes"][position + 1]["id"] if position + 1 < len(parent["childNodes"]) else None
        self._send([self._mutation(adds=[{"parentId": parent["id"], "nextId": following, "node": copy.deepcopy(node)}])])

    @rule(data=st.data())
    def remove_node(self, data):
        candidates = [(n, p) for n, p in self._nodes() if p is not None and n["id"] != 3]
        if not candidates:
            return
        node, parent = data.draw(st.sampled_from(candidates))
        parent["childNodes"].remove(node)
        self._send([self._mutation(removes=[{"parentId": parent["id"], "id": node["id"]}])])

    @rule(data=st.data(), value=words)
    def change_text(self, data, value):
        texts = [n for n, _ in self._nodes() if n["type"] == 3]
        if not texts:
            return
        node = data.draw(st.sampled_from(texts))
        node["textContent"] = value
        self._send([self._mutation(texts=[{"id": node["id"], "value": value}])])

    @rule(data=st.data(), name=st.sampled_from(["title", "data-user", "data-veil", "class"]),
          value=st.one_of(st.none(), words, st.sampled_from(OVERRIDES[1:] + ["veil-block", "veil-allow x"])))
    def change_attribute(self, data, name, value):
        node, _ = data.draw(st.sampled_from(self._elements()))
        if value is None:
            node["attributes"].pop(name, None)
        else:
            node["attributes"][name] = value
        current = {k: node["attributes"].get(k) for k in ("data-veil", "class", "type", "autocomplete")}
        self._send([self._mutation(attributes=[{"id": node["id"], "attributes": {name: value}, "current": current, "veilMatch": []}])])

    # --- the property -------------------------------------------------------------------
    @invariant()
    @precondition(lambda self: self.replay is not None)
    def replay_equals_masking_the_current_page(self):
        expected = mask_tree(self.raw, None, self.default, None, NodeTable())
        assert json.dumps(self.replay.root, sort_keys=True) == json.dumps(expected, sort_keys=True)


TestMutatingPage = MutatingPage.TestCase
TestMutatingPage.settings = settings(max_examples=150, stateful_step_count=25, deadline=None)
