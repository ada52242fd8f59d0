"""build.py: dist/ is complete, relocatable in its references, and its manifest is true."""

import base64
import hashlib
import json
import re
import importlib.util
import zipfile
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location("veil_build", Path(__file__).resolve().parents[2] / "build.py")
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)

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
    assert package["devDependencies"] == {"rrweb": "2.2.2", "rrweb-player": "2.1.6", "typescript": "7.0.2"}
    assert (ROOT / "package-lock.json").exists()


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    if not (ROOT / "node_modules" / "pyodide").exists():
        pytest.skip("run `npm ci` first")
    return build.build(tmp_path_factory.mktemp("dist") / "dist")


@needs_npm
def test_dist_holds_every_runtime_file(dist):
    for rel in ["veil.js", "veil-worker.mjs", "veil-observer.mjs", "vendor/rrweb-snapshot/rrweb-snapshot.js",
                "vendor/rrweb-snapshot/LICENSE", "pyodide/pyodide.mjs", "pyodide/pyodide.asm.wasm",
                "pyodide/python_stdlib.zip", f"python/{build.MICROPIP_WHEEL}", "python/veil-0.1.0-py3-none-any.whl"]:
        assert (dist / rel).is_file(), rel


@needs_npm
def test_manifest_lists_every_file_with_size_and_sha384(dist):
    manifest = json.loads((dist / "manifest.json").read_text())
    on_disk = {p.relative_to(dist).as_posix() for p in dist.rglob("*") if p.is_file()} - {"manifest.json"}
    assert set(manifest["files"]) == on_disk
    for rel, entry in manifest["files"].items():
        data = (dist / rel).read_bytes()
        assert entry["size"] == len(data)
        assert entry["sha384"] == "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


@needs_npm
def test_veil_wheel_holds_the_core_and_a_valid_record(dist):
    with zipfile.ZipFile(dist / "python/veil-0.1.0-py3-none-any.whl") as zf:
        names = set(zf.namelist())
        assert {"veil/__init__.py", "veil/bridge.py", "veil/recorder.py", "veil-0.1.0.dist-info/RECORD"} <= names
        record = zf.read("veil-0.1.0.dist-info/RECORD").decode()
        for line in record.splitlines():
            name, digest, _ = line.split(",")
            if digest:
                expected = base64.urlsafe_b64encode(hashlib.sha256(zf.read(name)).digest()).rstrip(b"=").decode()
                assert digest == "sha256=" + expected


@needs_npm
def test_shim_loads_only_relative_siblings(dist):
    """No absolute URL, CDN or other host appears in the scripts Veil loads."""
    for rel in ("veil.js", "veil-worker.mjs", "veil-observer.mjs"):
        source = (dist / rel).read_text()
        assert not re.search(r"https?://", source), rel
    worker = (dist / "veil-worker.mjs").read_text()
    assert "__VEIL_WHEEL__" not in worker and "veil-0.1.0-py3-none-any.whl" in worker


def test_micropip_hash_mismatch_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(build, "ROOT", tmp_path)
    wheel_dir = tmp_path / ".cache" / "wheels"
    wheel_dir.mkdir(parents=True)
    (wheel_dir / build.MICROPIP_WHEEL).write_bytes(b"tampered")
    with pytest.raises(build.BuildError, match="sha256"):
        build.fetch_micropip()
    assert not (wheel_dir / build.MICROPIP_WHEEL).exists()


@needs_npm
def test_readme_snippet_carries_the_manifest_integrity_of_veil_js(dist):
    manifest = json.loads((dist / "manifest.json").read_text())
    readme = (ROOT / "README.md").read_text()
    found = re.findall(r'integrity="(sha384-[^"]+)"', readme)
    assert found == [manifest["files"]["veil.js"]["sha384"]], "update the README snippet's integrity from dist/manifest.json"


@needs_npm
def test_dist_carries_the_module_entry_and_types(dist):
    assert (dist / "veil.mjs").is_file() and (dist / "veil.d.ts").is_file()
