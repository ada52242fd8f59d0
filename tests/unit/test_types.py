"""dist/veil.d.ts must describe the code: every config key the core accepts, every API member."""

import re
from pathlib import Path

from veil.config import CONFIG_KEYS

ROOT = Path(__file__).resolve().parents[2]
DTS = (ROOT / "shim" / "veil.d.ts").read_text()
# window.Veil is defined in shim/veil/api.mjs; its counters are kept by their owners and gathered
# by shim/veil/lifecycle.mjs's stats().
JS = (ROOT / "shim" / "veil" / "api.mjs").read_text()


def interface(name: str) -> set[str]:
    body = re.search(r"export interface " + name + r" \{(.*?)\n\}", DTS, re.S).group(1)
    return set(re.findall(r"^\s+(?:readonly\s+)?(\w+)\??[(:]", body, re.M))


def test_config_type_lists_exactly_the_keys_the_core_accepts():
    assert interface("VeilConfig") == set(CONFIG_KEYS)


def test_api_type_lists_exactly_the_members_of_window_veil():
    block = JS[JS.index("const Veil = {"):JS.index("Object.defineProperty(window, \"Veil\"")]
    members = set(re.findall(r"^    (\w+): function", block, re.M)) | set(re.findall(r"^    get (\w+)\(\)", block, re.M))
    assert interface("VeilApi") == members


def test_stats_type_lists_the_counters():
    """The keys Veil.stats() answers with (each owner's counters, gathered by lifecycle.mjs), asked
    of the code itself under Node, are the ones veil.d.ts's VeilStats lists."""
    import json
    import shutil
    import subprocess

    import pytest

    if shutil.which("node") is None:
        pytest.skip("needs node")
    script = (f"import {json.dumps((ROOT / 'tests' / 'js' / 'setup.mjs').as_uri())};"
              f"const m = await import({json.dumps((ROOT / 'shim' / 'veil' / 'lifecycle.mjs').as_uri())});"
              "console.log(JSON.stringify(Object.keys(m.stats())));")
    done = subprocess.run(["node", "--input-type=module", "-e", script], capture_output=True, text=True, check=True, timeout=60)
    assert interface("VeilStats") == set(json.loads(done.stdout))


def test_a_typescript_project_type_checks_against_veil_d_ts():
    import shutil
    import subprocess

    import pytest

    tsc = ROOT / "node_modules" / ".bin" / "tsc"
    if not tsc.exists() or shutil.which("node") is None:
        pytest.skip("run `npm ci` first")
    result = subprocess.run([str(tsc), "-p", str(ROOT / "examples" / "typescript" / "tsconfig.json")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_window_veil_version_is_the_python_package_version():
    import veil

    # One source: version.mjs re-exports the generated contract's VERSION (kept equal to contract.py's
    # by tests/unit/test_contract.py), which is veil.__version__.
    source = (ROOT / "shim" / "veil" / "version.mjs").read_text()
    assert 'export { VERSION } from "../generated/contract.mjs";' in source
    generated = (ROOT / "shim" / "generated" / "contract.mjs").read_text()
    assert re.findall(r'export const VERSION = "([^"]+)"', generated) == [veil.__version__]


def test_flush_reasons_are_the_ones_the_shim_answers_with():
    """veil.d.ts's FlushReason lists exactly the reasons shim/veil/delivery.mjs types Veil.flush()'s answer with."""
    declared = set(re.findall(r'"([a-z-]+)"', re.search(r"export type FlushReason = (.*?);", DTS, re.S).group(1)))
    delivery = (ROOT / "shim" / "veil" / "delivery.mjs").read_text()
    answered = set(re.findall(r'"([a-z-]+)"', re.search(r"@typedef \{(.*?)\} NotSentReason", delivery).group(1)))
    assert declared == answered and "buffered" in declared
