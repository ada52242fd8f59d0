"""One name per worker message, end to end: what the shim sends, the worker's dispatch table key,
the veil.bridge function and the veil.api Core method are the same word."""

import re
from pathlib import Path

from veil import bridge, contract
from veil.api import Core

ROOT = Path(__file__).resolve().parents[2]
WORKER = (ROOT / "shim" / "worker.mjs").read_text()


def handler_keys() -> set[str]:
    table = WORKER[WORKER.index("const handlers = {"):WORKER.index("\n};", WORKER.index("const handlers = {"))]
    return set(re.findall(r"^  (?:async )?(\w+)(?:\(|: )", table, re.M))


def sent_names() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "shim" / "veil").glob("*.mjs"):
        names |= set(re.findall(r'\bcall\("(\w+)"', path.read_text()))
    return names


def test_every_message_the_shim_sends_has_a_handler_and_every_handler_a_sender():
    assert sent_names() == handler_keys() == set(contract.MESSAGES)
    assert {"take_batch", "commit_standby", "configure"} <= handler_keys()


def test_each_handler_calls_the_bridge_function_and_core_method_of_its_own_name():
    start = WORKER.index("const handlers = {")
    table = WORKER[start:WORKER.index("\n};", start)]
    heads = list(re.finditer(r"^  (?:async )?(\w+)(?:\(|: )", table, re.M))
    assert len(heads) == len(handler_keys())
    for head, after in zip(heads, heads[1:] + [None], strict=True):
        name, body = head.group(1), table[head.start():after.start() if after else len(table)]
        assert callable(getattr(bridge, name)), name
        assert callable(getattr(Core, name)), name
        assert f"bridge.{name}(" in body, f"the {name} handler must call bridge.{name}"
