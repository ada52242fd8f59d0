"""build.py: dist/ is complete, relocatable in its references, and its manifest is true."""

import base64
import gzip
import hashlib
import importlib
import json
import re
import shutil
import tomllib
import zipfile

import brotli
from pathlib import Path

import pytest

from tests.helpers import dist_directories, load_build

build = load_build()

ROOT = Path(build.__file__).resolve().parent
needs_npm = pytest.mark.skipif(not (ROOT / "node_modules" / "pyodide").exists(), reason="run `npm ci` first")


def test_vendored_rrweb_snapshot_is_unmodified():
    installed = ROOT / "node_modules" / "rrweb-snapshot" / "dist" / "rrweb-snapshot.js"
    if not installed.exists():
        pytest.skip("run `npm ci` first")
    assert (ROOT / "shim/vendor/rrweb-snapshot/rrweb-snapshot.js").read_bytes() == installed.read_bytes()
    assert json.loads((ROOT / "node_modules/rrweb-snapshot/package.json").read_text())["version"] == "2.2.2"
    assert "MIT License" in (ROOT / "shim/vendor/rrweb-snapshot/LICENSE").read_text()


def test_package_json_pins_exact_versions():
    package = json.loads((ROOT / "package.json").read_text())
    assert package["dependencies"] == {"pyodide": "314.0.7", "rrweb-snapshot": "2.2.2"}
    assert package["devDependencies"] == {"esbuild": "0.28.2", "rrweb": "2.2.2", "rrweb-player": "2.1.6", "typescript": "7.0.2",
                                          # the fidelity benchmark's pages (benchmarks/fidelity)
                                          "@emotion/css": "11.13.5", "@shoelace-style/shoelace": "2.20.1", "flatpickr": "4.6.13",
                                          "quill": "2.0.3", "tabulator-tables": "6.5.3", "chart.js": "4.6.1",
                                          "monaco-editor": "0.58.0",  # a real code editor typed into (tests/browser/test_echo.py)
                                          # the readable benchmark's app (benchmarks/readable)
                                          "react": "19.3.1", "react-dom": "19.3.1",
                                          # the speed benchmark's styled page (benchmarks/speed.py), with the three above
                                          "ag-grid-community": "36.2.0", "bootstrap": "5.3.8", "choices.js": "11.2.4",
                                          "handsontable": "18.1.1", "intl-tel-input": "29.5.1", "tinymce": "8.9.2",
                                          "tom-select": "2.6.2"}
    assert (ROOT / "package-lock.json").exists()


@needs_npm
def test_dist_holds_every_runtime_file(dist):
    pyodide, runtime = dist_directories(dist)["pyodide"], dist_directories(dist)["runtime"]
    assert re.fullmatch(r"pyodide-[0-9a-f]{12}", pyodide) and re.fullmatch(r"runtime-[0-9a-f]{12}", runtime)
    top = {p.name for p in dist.iterdir()}
    assert top == {"veil.js", "veil.js.br", "veil.js.gz", "veil.mjs", "veil.d.ts", "manifest.json", pyodide, runtime,
                   "veil-loader.js", "veil-loader.js.br", "veil-loader.js.gz"}  # the loader snippet, minified
    for rel in ["veil.js", f"{runtime}/veil-worker.mjs", f"{runtime}/veil-snapshot-worker.mjs", f"{runtime}/veil-observer.mjs",
                f"{runtime}/veil-preview.mjs", f"{runtime}/vendor/rrweb-snapshot/rrweb-snapshot.js", f"{runtime}/vendor/rrweb-snapshot/LICENSE",
                f"{pyodide}/pyodide.mjs", f"{pyodide}/pyodide.asm.mjs", f"{pyodide}/pyodide.asm.wasm",
                f"{pyodide}/python_stdlib.zip", f"{runtime}/python/veil-0.1.0-py3-none-any.whl"]:
        assert (dist / rel).is_file(), rel
    # Veil loads no Pyodide package: neither micropip nor the full lock file ships.
    assert not list(dist.rglob("micropip*")) and not list(dist.rglob("pyodide-lock.json"))


@needs_npm
def test_hashed_directory_names_are_their_content_hash(dist):
    for name in dist_directories(dist).values():
        prefix, digest = name.rsplit("-", 1)
        staging = dist.parent / f"rehash-{prefix}"
        shutil.copytree(dist / name, staging, ignore=shutil.ignore_patterns("*.br", "*.gz"))
        assert build.tree_hash(staging) == digest
        shutil.rmtree(staging)


@needs_npm
def test_entry_and_worker_name_the_hashed_directories(dist):
    pyodide, runtime = dist_directories(dist)["pyodide"], dist_directories(dist)["runtime"]
    veil_js = (dist / "veil.js").read_text()
    assert f'"{runtime}/veil-worker.mjs"' in veil_js and f'"{runtime}/veil-observer.mjs"' in veil_js
    assert f'"{runtime}/veil-preview.mjs"' in veil_js
    for name in ("veil-worker.mjs", "veil-snapshot-worker.mjs"):  # both load Pyodide from ../<pyodide>/
        worker = (dist / runtime / name).read_text()
        assert f'PYODIDE_DIR = "{pyodide}"' in worker and '"../" + PYODIDE_DIR + "/pyodide.mjs"' in worker
        assert "__VEIL_" not in veil_js + worker and "micropip" not in worker.replace("nor micropip", "")
    # Only the URL references differ from the bundled source (shim/veil.js and shim/veil/*.mjs).
    assert veil_js.replace(runtime, "__VEIL_RUNTIME__") == build.bundle(ROOT / "shim" / "veil.js", "iife")


@needs_npm
def test_manifest_lists_every_file_with_sizes_and_sha384(dist):
    manifest = json.loads((dist / "manifest.json").read_text())
    on_disk = {p.relative_to(dist).as_posix() for p in dist.rglob("*") if p.is_file()} - {"manifest.json"}
    siblings = {rel for rel in on_disk if rel.endswith((".br", ".gz"))}
    assert set(manifest["files"]) == on_disk - siblings
    for rel, entry in manifest["files"].items():
        data = (dist / rel).read_bytes()
        assert entry["size"] == len(data)
        assert entry["sha384"] == "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()
        assert 0 < entry["br"] and 0 < entry["gzip"]
        for coding, suffix in (("br", ".br"), ("gzip", ".gz")):
            sibling = dist / (rel + suffix)
            assert sibling.exists() == (coding in entry["encodings"]), rel
            if sibling.exists():
                assert sibling.stat().st_size == entry[coding]
    assert {"br", "gzip"} <= set(manifest["files"][f"{dist_directories(dist)['pyodide']}/pyodide.asm.wasm"]["encodings"])
    assert gzip.decompress((dist / "veil.js.gz").read_bytes()) == (dist / "veil.js").read_bytes()
    assert brotli.decompress((dist / "veil.js.br").read_bytes()) == (dist / "veil.js").read_bytes()


@needs_npm
def test_first_visit_is_at_most_3_5_mb_brotli(dist):
    """Everything a browser fetches to boot: the entry, the runtime directory, Pyodide (not the
    types, the module entry or the license)."""
    files = json.loads((dist / "manifest.json").read_text())["files"]
    loaded = [f for rel, f in files.items() if not rel.endswith(("veil.d.ts", "veil.mjs", "LICENSE"))]
    assert sum(f["br"] for f in loaded) <= 3_500_000


@needs_npm
def test_veil_wheel_holds_the_core_and_a_valid_record(dist):
    with zipfile.ZipFile(dist / dist_directories(dist)["runtime"] / "python/veil-0.1.0-py3-none-any.whl") as zf:
        names = set(zf.namelist())
        assert {"veil/__init__.py", "veil/bridge.py", "veil/recorder.py", "veil-0.1.0.dist-info/RECORD"} <= names
        # The CSS masker's tokenizer and parser ride along, unmodified, with their licences.
        assert {"tinycss2/__init__.py", "tinycss2/tokenizer.py", "tinycss2/LICENSE", "webencodings/__init__.py", "webencodings/LICENSE"} <= names
        import tinycss2

        assert zf.read("tinycss2/parser.py") == (Path(tinycss2.__file__).parent / "parser.py").read_bytes()
        record = zf.read("veil-0.1.0.dist-info/RECORD").decode()
        for line in record.splitlines():
            name, digest, _ = line.split(",")
            if digest:
                expected = base64.urlsafe_b64encode(hashlib.sha256(zf.read(name)).digest()).rstrip(b"=").decode()
                assert digest == "sha256=" + expected


def test_the_browser_wheel_leaves_out_the_pytest_plugin_which_pip_installs_keep(tmp_path):
    with zipfile.ZipFile(build.build_veil_wheel(tmp_path)) as zf:
        shipped = {name.removeprefix("veil/") for name in zf.namelist() if name.startswith("veil/")}
    modules = {path.name for path in (ROOT / "sdk" / "veil").glob("*.py")}
    # Nor what a site's server uses: the bundle it serves (bundle.py) and the framework helpers
    # (integrations/, like allowlist/ and preview/, a directory: none of its files is shipped).
    assert shipped == modules - {"testing.py", "bundle.py"}
    # Under CPython the plugin is still there, and pytest finds it through the entry point.
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert pyproject["project"]["entry-points"]["pytest11"] == {"veil": "veil.testing"}
    assert importlib.import_module("veil.testing").VeilCapture


@needs_npm
def test_shim_loads_only_relative_siblings(dist):
    """No absolute URL, CDN or other host appears in the scripts Veil loads."""
    runtime = dist_directories(dist)["runtime"]
    for rel in ("veil.js", f"{runtime}/veil-worker.mjs", f"{runtime}/veil-snapshot-worker.mjs", f"{runtime}/veil-observer.mjs",
                f"{runtime}/veil-preview.mjs"):
        source = (dist / rel).read_text()
        assert not re.search(r"https?://", source), rel
    worker = (dist / runtime / "veil-worker.mjs").read_text()
    assert "__VEIL_WHEEL__" not in worker and "veil-0.1.0-py3-none-any.whl" in worker


@needs_npm
def test_readme_snippet_carries_the_manifest_integrity_of_veil_js(dist):
    manifest = json.loads((dist / "manifest.json").read_text())
    readme = (ROOT / "README.md").read_text()
    found = re.findall(r'integrity="(sha384-[^"]+)"', readme)
    assert found == [manifest["files"]["veil.js"]["sha384"]], "update the README snippet's integrity from dist/manifest.json"


@needs_npm
def test_dist_carries_the_module_entry_and_types(dist):
    assert (dist / "veil.mjs").is_file() and (dist / "veil.d.ts").is_file()
