"""The wire contract: the shim and the core read every shared fact from sdk/veil/contract.py.

The JavaScript side is generated (shim/generated/contract.mjs): these tests fail when it has
drifted from contract.py, when it does not evaluate to the same values, or when a core module or
the observer holds its own copy of a fact again.
"""

import json
import re
import shutil
import subprocess

import pytest

import veil
from veil import contract, events, interactions, levels, masking, mutations, writer
from veil.rrweb import EventType, NodeType, Source

from tests.helpers import ROOT, dist_directories, load_build

build = load_build()


def test_checked_in_js_contract_is_what_contract_py_generates():
    assert build.CONTRACT_JS.read_text() == build.contract_module(), \
        "shim/generated/contract.mjs is stale: run `python build.py --write-contract` and commit it"


def test_build_refuses_a_stale_js_contract(monkeypatch, tmp_path):
    stale = tmp_path / "contract.mjs"
    stale.write_text(build.contract_module().replace('"veil:key"', '"veil:keydown"'))
    monkeypatch.setattr(build, "CONTRACT_JS", stale)
    with pytest.raises(build.BuildError, match="--write-contract"):
        build.check_contract()


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
def test_js_contract_evaluates_to_the_python_values():
    script = f"import * as c from {json.dumps(build.CONTRACT_JS.as_uri())}; console.log(JSON.stringify(c));"
    done = subprocess.run(["node", "--input-type=module", "-e", script], capture_output=True, text=True, check=True)
    js = json.loads(done.stdout)
    assert js["VERSION"] == veil.__version__
    assert js["LEVEL_ATTRIBUTES"] == list(contract.LEVEL_ATTRIBUTES)  # order: explain() lists them so
    assert set(js["MEDIA_TAGS"]) == contract.MEDIA_TAGS and set(js["FORM_FIELD_TAGS"]) == contract.FORM_FIELD_TAGS
    assert js["RARE_KEYS"] == list(contract.RARE_KEYS)
    for name in ("MATCH_FLAGS_KEY", "SIZE_KEY", "KEY_TAG", "ACTION_TAG", "NAVIGATION_TAG", "ACTION_NAME_MAX"):
        assert js[name] == getattr(contract, name), name
    assert js["EventType"]["FullSnapshot"] == EventType.FULL_SNAPSHOT and js["EventType"]["Custom"] == EventType.CUSTOM
    assert js["Source"]["ViewportResize"] == Source.VIEWPORT_RESIZE and js["Source"]["TouchMove"] == Source.TOUCH_MOVE
    assert js["NodeType"] == {"Document": 0, "DocumentType": 1, "Element": 2, "Text": 3, "CDATA": 4, "Comment": 5}
    assert sorted(js["NodeType"].values()) == sorted(int(t) for t in NodeType)


def test_core_modules_take_the_shared_facts_from_the_contract():
    assert mutations._LEVEL_ATTRIBUTES == frozenset(contract.LEVEL_ATTRIBUTES)
    assert events.NAVIGATION_TAG is contract.NAVIGATION_TAG
    assert masking.MEDIA_TAGS is contract.MEDIA_TAGS and masking._FORM_FIELDS is contract.FORM_FIELD_TAGS
    assert levels.MATCH_FLAGS_KEY is contract.MATCH_FLAGS_KEY and writer.SIZE_KEY is contract.SIZE_KEY
    assert (events.KEY_TAG, events.ACTION_TAG, interactions.ACTION_NAME_MAX) == \
        (contract.KEY_TAG, contract.ACTION_TAG, contract.ACTION_NAME_MAX)


def test_version_has_one_source():
    assert contract.VERSION == veil.__version__ == build.veil_version()
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert 'version = { attr = "veil.__version__" }' in pyproject and re.search(r'^version\s*=\s*"', pyproject, re.M) is None


def test_observer_holds_no_copy_of_a_contract_fact():
    """The observer's sources import the facts; they never spell them out again (as a string literal)."""
    sources = [ROOT / "shim" / "observer.mjs", *sorted((ROOT / "shim" / "observer").rglob("*.mjs"))]
    facts = [contract.KEY_TAG, contract.ACTION_TAG, contract.NAVIGATION_TAG, contract.MATCH_FLAGS_KEY,
             contract.SIZE_KEY, "contenteditable", "isShadowHost", "canvas"]
    for path in sources:
        text = path.read_text()
        for fact in facts:
            assert f'"{fact}"' not in text and f"'{fact}'" not in text, f"{path.relative_to(ROOT)} spells out {fact!r}: import it from shim/generated/contract.mjs"


def test_built_scripts_carry_the_contract(dist):
    """dist's veil-observer.mjs is the bundle: its one import is the vendored rrweb-snapshot beside
    it, and it holds the generated contract; veil.js reports the contract's version."""
    runtime = dist_directories(dist)["runtime"]
    observer = (dist / runtime / "veil-observer.mjs").read_text()
    imports = re.findall(r'^\s*(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"', observer, re.M)
    assert imports == ["./vendor/rrweb-snapshot/rrweb-snapshot.js"]
    assert (dist / runtime / imports[0]).is_file()
    assert f"ACTION_NAME_MAX = {contract.ACTION_NAME_MAX}" in observer and json.dumps(contract.KEY_TAG) in observer
    assert "export {" in observer and "createObserver" in observer and "describeForExplain" in observer
    assert json.dumps(contract.VERSION) in (dist / "veil.js").read_text()


MESSAGE_MISUSES = {
    "a payload the message does not take": 'call("gate", { fact: {} });',
    "an answer field the message does not have": 'call("take_batch", { dropped: 0, close: false }).then((a) => a.batches);',
    "a message the worker does not know": 'call("take_batches", null);',
    "an action word the contract does not have": 'call("observe", { events: "[]" }).then((a) => a.actions.includes("snapshots"));',
}


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
@pytest.mark.parametrize("misuse", MESSAGE_MISUSES, ids=list(MESSAGE_MISUSES))
def test_tsc_refuses_a_message_used_against_the_contract(tmp_path, misuse):
    """The message map is a type tsc checks: payloads, answers, names and words all come from
    contract.py, so using one the contract does not have fails the shim's type check."""
    tsc = ROOT / "node_modules" / ".bin" / "tsc"
    if not tsc.exists():
        pytest.skip("run `npm ci` first")
    rpc = str(ROOT / "shim" / "veil" / "rpc.mjs")
    fine = tmp_path / "fine.mjs"
    fine.write_text(f'import {{ call }} from {json.dumps(rpc)};\ncall("take_batch", {{ dropped: 0, close: true }}).then((a) => a.batch && a.buffered);\n')
    wrong = tmp_path / "wrong.mjs"
    wrong.write_text(f"import {{ call }} from {json.dumps(rpc)};\n{MESSAGE_MISUSES[misuse]}\n")
    base = ["--allowJs", "--checkJs", "--noEmit", "--strict", "--target", "es2022", "--module", "esnext",
            "--moduleResolution", "bundler", "--lib", "es2022,dom,dom.iterable", "--types", ""]
    assert subprocess.run([str(tsc), *base, str(fine)], capture_output=True, text=True, timeout=120).returncode == 0
    done = subprocess.run([str(tsc), *base, str(wrong)], capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "wrong.mjs" in done.stdout, done.stdout


def test_the_js_contract_types_every_message_and_the_boot_stats():
    generated = build.CONTRACT_JS.read_text()
    for name in contract.MESSAGES:
        assert re.search(rf"^ \*   {name}: {{ payload: \S", generated, re.M), name
    assert "@typedef {{ bootKind:" in generated and "BOOT_STATS_EMPTY" in generated
    assert set(contract.BOOT_STATS_EMPTY) == set(contract.BootStats.__annotations__)
    worker = (ROOT / "shim" / "worker.mjs").read_text()
    rpc = (ROOT / "shim" / "veil" / "rpc.mjs").read_text()
    assert "BOOT_STATS_EMPTY" in worker and "BOOT_STATS_EMPTY" in rpc, "the boot stats shape is the contract's, written once"
    assert not re.search(r"snapshotStoreFailures:\s*(0|number)", worker + rpc), "no second copy of the shape"
