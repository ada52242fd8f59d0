"""dist/veil.d.ts must describe the code: every config key the core accepts, every API member."""

import re
from pathlib import Path

from veil.config import CONFIG_KEYS

ROOT = Path(__file__).resolve().parents[2]
DTS = (ROOT / "shim" / "veil.d.ts").read_text()
# window.Veil is defined in shim/veil/api.mjs, its counters in shim/veil/state.mjs.
JS = (ROOT / "shim" / "veil" / "api.mjs").read_text() + (ROOT / "shim" / "veil" / "state.mjs").read_text()


def interface(name: str) -> set[str]:
    body = re.search(r"export interface " + name + r" \{(.*?)\n\}", DTS, re.S).group(1)
    return set(re.findall(r"^\s+(?:readonly\s+)?(\w+)\??[(:]", body, re.M))


def test_config_type_lists_exactly_the_keys_the_core_accepts():
    assert interface("VeilConfig") == set(CONFIG_KEYS)


def test_api_type_lists_exactly_the_members_of_window_veil():
    block = JS[JS.index("var Veil = {"):JS.index("Object.defineProperty(window, \"Veil\"")]
    members = set(re.findall(r"^    (\w+): function", block, re.M)) | set(re.findall(r"^    get (\w+)\(\)", block, re.M))
    assert interface("VeilApi") == members


def test_stats_type_lists_the_counters():
    start = JS.index("counters: {")
    counters = set(re.findall(r"(\w+): 0", JS[start:JS.index("}", start)]))
    boot = set(re.findall(r"(\w+): (?:0|null)", JS[JS.index("  boot: {"):JS.index("  boot: {") + 300]))
    assert interface("VeilStats") == counters | {"queuedBatches", "queueDropped"} | boot


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
