"""The slim python_stdlib.zip: it holds every stdlib module the core imports, and the core runs on it.

stdlib-modules.txt is written by `python build.py --trace-stdlib` (Pyodide under Node, full stdlib,
the core driven through veil.bridge). The first test is the cheap guard: an import added to
sdk/veil of a stdlib module missing from the list fails here, under CPython, before any browser.
"""

import ast
import shutil
import zipfile
from pathlib import Path

import pytest

from tests.helpers import ROOT, dist_directories, load_build

build = load_build()

# Never imported in the worker (nor shipped in its wheel): the pytest plugin for users' CI.
NOT_IN_THE_WORKER = build.NOT_IN_THE_BROWSER


def imported_modules(path: Path) -> set[str]:
    """Every absolute module an import statement in ``path`` names, at any depth (lazy imports too),
    with its parents (``urllib.parse`` -> ``urllib``, ``urllib.parse``)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found = [node.module]
        else:
            continue
        for name in found:
            parts = name.split(".")
            names.update(".".join(parts[: i + 1]) for i in range(len(parts)))
    return names


def test_every_stdlib_module_the_core_imports_is_in_the_slim_zip():
    full_zip = ROOT / "node_modules" / "pyodide" / "python_stdlib.zip"
    if not full_zip.exists():
        pytest.skip("run `npm ci` first")
    with zipfile.ZipFile(full_zip) as zf:  # what Pyodide has as source (math, _json... are built in)
        in_zip = {n[: -len(".py")].removesuffix("/__init__").replace("/", ".") for n in zf.namelist() if n.endswith(".py")}
    listed = set(build.stdlib_modules())
    missing = {}
    for path in sorted((ROOT / "sdk" / "veil").glob("*.py")):
        if path.name in NOT_IN_THE_WORKER:
            continue
        for module in imported_modules(path):
            if module in in_zip and module not in listed:
                missing.setdefault(path.name, []).append(module)
    assert not missing, f"add to stdlib-modules.txt (or run `python build.py --trace-stdlib`): {missing}"


def test_the_list_names_no_module_twice_and_keeps_pyodides_own_bootstrap():
    listed = build.stdlib_modules()
    assert len(listed) == len(set(listed))
    assert {"_pyodide", "pyodide", "pyodide.ffi", "pyodide._package_loader", "json", "gzip", "re"} <= set(listed)


def test_slim_zip_holds_the_listed_modules_as_source_and_nothing_else(dist):
    directories = dist_directories(dist)
    with zipfile.ZipFile(dist / directories["pyodide"] / "python_stdlib.zip") as zf:
        names = [n for n in zf.namelist() if not n.endswith("/")]
        assert all(info.compress_type == zipfile.ZIP_STORED for info in zf.infolist())
        # Pyodide's own packages are byte for byte what Pyodide ships.
        with zipfile.ZipFile(ROOT / "node_modules" / "pyodide" / "python_stdlib.zip") as full:
            assert zf.read("_pyodide/_base.py") == full.read("_pyodide/_base.py")
            assert len(zf.read("typing.py")) < len(full.read("typing.py"))  # minified: no docstrings, no comments
    modules = {n[: -len(".py")].removesuffix("/__init__").replace("/", ".") for n in names}
    assert all(n.endswith(".py") for n in names)
    listed = set(build.stdlib_modules())
    parents = {".".join(m.split(".")[:i]) for m in listed for i in range(1, m.count(".") + 1)}
    assert listed <= modules <= listed | parents


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
def test_the_core_runs_on_the_slim_zip_under_pyodide(dist):
    """Boot dist/'s Pyodide under Node as the worker does, install the wheel, drive every bridge call."""
    directories = dist_directories(dist)
    wheel = next((dist / directories["runtime"] / "python").glob("veil-*.whl"))
    loaded = build.run_core_in_node(dist / directories["pyodide"], wheel)
    assert set(loaded) <= set(build.stdlib_modules())
