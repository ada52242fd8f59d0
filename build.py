"""Build dist/: a self-contained, relocatable Veil (every file it loads sits beside veil.js).

Rules: reads shim/, sdk/ and node_modules/ (run `npm ci` first), downloads only the pinned micropip
wheel from PyPI (sha256-checked, cached in .cache/), and writes dist/ from scratch with a
manifest.json listing every file with its size and sha384 (for Subresource Integrity).
Usage: python build.py [--out DIR]
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent
MICROPIP_VERSION = "0.11.1"
MICROPIP_WHEEL = f"micropip-{MICROPIP_VERSION}-py3-none-any.whl"
MICROPIP_SHA256 = "768de165adb8e66906039d8fec4127a57f522dfdf8e6fbff877a4616941ecfd3"
PYODIDE_VERSION = "314.0.7"
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")
RRWEB_SNAPSHOT_FILE = "rrweb-snapshot.js"


class BuildError(RuntimeError):
    pass


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def veil_version() -> str:
    for line in (ROOT / "sdk" / "veil" / "__init__.py").read_text().splitlines():
        if line.startswith("__version__"):
            return line.split("=", 1)[1].strip().strip("\"'")
    raise BuildError("sdk/veil/__init__.py has no __version__")


def fetch_micropip() -> Path:
    """The pinned micropip wheel, downloaded once into .cache/ and checked against its sha256."""
    cache = ROOT / ".cache" / "wheels"
    wheel = cache / MICROPIP_WHEEL
    if not wheel.exists():
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
             "--python-version", "3.14", f"micropip=={MICROPIP_VERSION}", "-d", str(cache)],
            check=True,
        )
    digest = sha256(wheel)
    if digest != MICROPIP_SHA256:
        wheel.unlink()
        raise BuildError(f"{MICROPIP_WHEEL}: sha256 {digest} is not the pinned {MICROPIP_SHA256}")
    return wheel


def build_veil_wheel(out_dir: Path) -> Path:
    """A pure-Python wheel of sdk/veil, written directly (deterministic: fixed timestamps, sorted)."""
    version = veil_version()
    name = f"veil-{version}-py3-none-any.whl"
    dist_info = f"veil-{version}.dist-info"
    files: list[tuple[str, bytes]] = []
    for path in sorted((ROOT / "sdk" / "veil").rglob("*.py")):
        files.append((path.relative_to(ROOT / "sdk").as_posix(), path.read_bytes()))
    files.append((f"{dist_info}/METADATA", f"Metadata-Version: 2.1\nName: veil\nVersion: {version}\nLicense: MIT\n".encode()))
    files.append((f"{dist_info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: veil-build\nRoot-Is-Purelib: true\nTag: py3-none-any\n"))
    record_lines = []
    for arcname, data in files:
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record_lines.append(f"{arcname},sha256={digest},{len(data)}")
    record_lines.append(f"{dist_info}/RECORD,,")
    files.append((f"{dist_info}/RECORD", ("\n".join(record_lines) + "\n").encode()))
    wheel = out_dir / name
    with zipfile.ZipFile(wheel, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for arcname, data in files:
            info = zipfile.ZipInfo(arcname, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return wheel


def check_vendored_rrweb_snapshot() -> Path:
    """shim/vendor must hold rrweb-snapshot byte for byte as npm ships it."""
    vendored = ROOT / "shim" / "vendor" / "rrweb-snapshot" / RRWEB_SNAPSHOT_FILE
    installed = ROOT / "node_modules" / "rrweb-snapshot" / "dist" / RRWEB_SNAPSHOT_FILE
    if installed.exists() and installed.read_bytes() != vendored.read_bytes():
        raise BuildError("shim/vendor/rrweb-snapshot differs from node_modules/rrweb-snapshot: vendored code is never edited")
    return vendored


def pyodide_dir() -> Path:
    src = ROOT / "node_modules" / "pyodide"
    if not src.exists():
        raise BuildError("node_modules/pyodide is missing: run `npm ci` first")
    version = json.loads((src / "package.json").read_text())["version"]
    if version != PYODIDE_VERSION:
        raise BuildError(f"node_modules/pyodide is {version}, Veil pins {PYODIDE_VERSION}: run `npm ci`")
    return src


def write_manifest(out: Path) -> None:
    files = {}
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        rel = path.relative_to(out).as_posix()
        data = path.read_bytes()
        files[rel] = {"size": len(data), "sha384": "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()}
    manifest = {"name": "veil", "version": veil_version(), "pyodide": PYODIDE_VERSION, "files": files}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")


def build(out: Path) -> Path:
    """Write a fresh dist/ into ``out`` and return it."""
    pyodide = pyodide_dir()
    micropip = fetch_micropip()
    rrweb_snapshot = check_vendored_rrweb_snapshot()
    if out.exists():
        shutil.rmtree(out)
    (out / "pyodide").mkdir(parents=True)
    (out / "python").mkdir()
    (out / "vendor" / "rrweb-snapshot").mkdir(parents=True)
    for name in PYODIDE_FILES:
        shutil.copy2(pyodide / name, out / "pyodide" / name)
    shutil.copy2(micropip, out / "python" / MICROPIP_WHEEL)
    veil_wheel = build_veil_wheel(out / "python")
    shutil.copy2(rrweb_snapshot, out / "vendor" / "rrweb-snapshot" / RRWEB_SNAPSHOT_FILE)
    shutil.copy2(ROOT / "shim" / "vendor" / "rrweb-snapshot" / "LICENSE", out / "vendor" / "rrweb-snapshot" / "LICENSE")
    shutil.copy2(ROOT / "shim" / "veil.js", out / "veil.js")
    shutil.copy2(ROOT / "shim" / "veil.mjs", out / "veil.mjs")
    shutil.copy2(ROOT / "shim" / "veil.d.ts", out / "veil.d.ts")
    shutil.copy2(ROOT / "shim" / "observer.mjs", out / "veil-observer.mjs")
    worker = (ROOT / "shim" / "worker.mjs").read_text()
    worker = worker.replace("__MICROPIP_WHEEL__", MICROPIP_WHEEL).replace("__VEIL_WHEEL__", veil_wheel.name)
    (out / "veil-worker.mjs").write_text(worker)
    write_manifest(out)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="output directory (default: dist/)")
    args = parser.parse_args(argv)
    try:
        out = build(args.out)
    except BuildError as err:
        print(f"build.py: {err}", file=sys.stderr)
        return 1
    total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    integrity = json.loads((out / "manifest.json").read_text())["files"]["veil.js"]["sha384"]
    print(f"built {out} ({total / 1e6:.1f} MB); veil.js integrity {integrity} (the README snippet carries it)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
