"""Build dist/: a self-contained, relocatable Veil (every file it loads sits under veil.js's directory).

Rules: reads shim/, sdk/, node_modules/ (run `npm ci` first) and stdlib-modules.txt; downloads
nothing; writes dist/ from scratch:

  veil.js, veil.mjs, veil.d.ts, manifest.json   entry files: fixed names, revalidated (no-cache);
                      veil.js is shim/veil.js and its modules (shim/veil/) bundled by esbuild
  veil-loader.js      the loader snippet (shim/loader.js) minified, with this build's integrity of
                      veil.js filled in: for pages to inline (it is not loaded by a script tag)
  pyodide-<hash12>/   Pyodide's loader and wasm, and a slim python_stdlib.zip (only the modules
                      listed in stdlib-modules.txt)
  runtime-<hash12>/   veil-worker.mjs and veil-snapshot-worker.mjs (shim/worker.mjs,
                      shim/snapshot-worker.mjs and their modules under shim/worker/, bundled by
                      esbuild), veil-observer.mjs (shim/observer.mjs and its modules, bundled),
                      veil-preview.mjs (shim/preview.mjs and its modules: Veil.preview),
                      vendor/rrweb-snapshot/, python/<veil wheel>. No memory snapshot is shipped:
                      the browser makes it locally (shim/worker/maker.mjs)

A <hash12> is the start of the SHA-256 of its directory's content, so any change gives a new name
and both directories can be cached for ever (immutable). veil.js and the worker get the names
templated in. Compressible files get precompressed .br and .gz siblings (deterministic; cached in
.cache/compressed/ by content hash, since brotli's best level takes a while on the wasm), and
manifest.json lists every served file with its size, gzip and brotli sizes and sha384 (for SRI).

Usage: python build.py [--out DIR]
       python build.py --write-contract regenerate shim/generated/contract.mjs (the shim's side of
                                        the wire contract) from sdk/veil/contract.py
       python build.py --trace-stdlib   boot Pyodide under Node with the full stdlib, drive the
                                        core, and rewrite stdlib-modules.txt with what it imported
"""

from __future__ import annotations

import argparse
import base64
import enum
import gzip
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import types
import typing
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent
PYODIDE_VERSION = "314.0.7"
# Pyodide's files the worker loads; the stdlib zip is written slim, and the lock file is not
# shipped: Veil loads no Pyodide package, so the worker hands loadPyodide a lock listing none.
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm")
STDLIB_ZIP = "python_stdlib.zip"
STDLIB_LIST = ROOT / "stdlib-modules.txt"
RRWEB_SNAPSHOT_FILE = "rrweb-snapshot.js"
ENTRY_FILES = ("veil.js", "veil.mjs", "veil.d.ts", "veil-loader.js", "manifest.json")
# shim/ entry -> the bundled worker in runtime-<hash12>/.
WORKERS = {"worker.mjs": "veil-worker.mjs", "snapshot-worker.mjs": "veil-snapshot-worker.mjs"}
# Files a browser loads that compress: they get .br and .gz siblings when that saves >= 10%.
COMPRESSIBLE = (".js", ".mjs", ".wasm", ".zip", ".json", ".whl")
SIBLINGS = {"br": ".br", "gzip": ".gz"}


class BuildError(RuntimeError):
    pass


def veil_version() -> str:
    for line in (ROOT / "sdk" / "veil" / "__init__.py").read_text().splitlines():
        if line.startswith("__version__"):
            return line.split("=", 1)[1].strip().strip("\"'")
    raise BuildError("sdk/veil/__init__.py has no __version__")


# Pure-Python packages the core imports, shipped inside the veil wheel as pip installed them
# (pyproject.toml pins them): unmodified files, the modules the core loads, and their licences.
# tinycss2 is the CSS tokenizer and parser of veil.css; webencodings is its one dependency.
VENDORED = {
    "tinycss2": ("1.5.1", ("__init__.py", "ast.py", "bytes.py", "parser.py", "serializer.py", "tokenizer.py")),
    "webencodings": ("0.6.1", ("__init__.py", "custom.py", "labels.py")),
}


def vendored_files() -> list[tuple[str, bytes]]:
    """(path in the wheel, bytes) of every VENDORED package's modules and its licence, from the
    installed distribution of the pinned version."""
    from importlib import metadata

    files: list[tuple[str, bytes]] = []
    for package, (version, modules) in VENDORED.items():
        try:
            dist = metadata.distribution(package)
        except metadata.PackageNotFoundError:
            raise BuildError(f"{package} is missing: pip install -e . (pyproject.toml pins it)") from None
        if dist.version != version:
            raise BuildError(f"{package} {dist.version} is installed, Veil ships {version}: pip install -e .")
        root = Path(str(dist.locate_file(package)))
        for module in modules:
            files.append((f"{package}/{module}", (root / module).read_bytes()))
        licences = [f for f in dist.files or () if f.name.upper().startswith(("LICENSE", "LICENCE", "COPYING"))]
        if not licences:
            raise BuildError(f"{package}: no licence file found in its installed distribution")
        files.append((f"{package}/LICENSE", Path(str(dist.locate_file(licences[0]))).read_bytes()))
    return files


# Modules of sdk/veil the browser never loads: the pytest plugin (it imports pytest) stays in the
# package pip installs, where the ``pytest11`` entry point finds it, and out of the browser wheel;
# so do the site-text extractor (``python -m veil.allowlist``, a build-time tool with its own
# dependencies, the ``allowlist`` extra) and the preview command (veil/preview/: Playwright, the
# collector); and so do what a site's server uses: the built bundle it serves (``bundle.py``, and
# the bundle itself, ``dist/``, inside an installed package) and the framework helpers
# (``integrations``).
NOT_IN_THE_BROWSER = frozenset({"testing.py", "allowlist", "preview", "bundle.py", "integrations", "dist"})


def build_veil_wheel(out_dir: Path) -> Path:
    """A pure-Python wheel of sdk/veil for the browser (without ``NOT_IN_THE_BROWSER``) and the
    ``VENDORED`` packages it imports, written directly (deterministic: fixed timestamps, sorted)."""
    version = veil_version()
    name = f"veil-{version}-py3-none-any.whl"
    dist_info = f"veil-{version}.dist-info"
    files: list[tuple[str, bytes]] = []
    for path in sorted((ROOT / "sdk" / "veil").rglob("*.py")):
        if NOT_IN_THE_BROWSER.intersection(path.relative_to(ROOT / "sdk" / "veil").parts):
            continue
        files.append((path.relative_to(ROOT / "sdk").as_posix(), path.read_bytes()))
    files.extend(vendored_files())
    files.append((f"{dist_info}/METADATA", f"Metadata-Version: 2.1\nName: veil\nVersion: {version}\nLicense: MIT\n".encode()))
    files.append((f"{dist_info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: veil-build\nRoot-Is-Purelib: true\nTag: py3-none-any\n"))
    record_lines = []
    for arcname, data in files:
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record_lines.append(f"{arcname},sha256={digest},{len(data)}")
    record_lines.append(f"{dist_info}/RECORD,,")
    files.append((f"{dist_info}/RECORD", ("\n".join(record_lines) + "\n").encode()))
    out_dir.mkdir(parents=True, exist_ok=True)
    wheel = out_dir / name
    # Entries stored, not deflated (as the stdlib zip): the whole wheel then compresses smaller with
    # brotli (its .br sibling: 53 KB where per-entry deflate gave 75 KB).
    with zipfile.ZipFile(wheel, "w", compression=zipfile.ZIP_STORED) as zf:
        for arcname, data in files:
            info = zipfile.ZipInfo(arcname, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return wheel


def bundle(entry: Path, fmt: str, externals: tuple[str, ...] = ()) -> str:
    """One shim entry and every module it imports, as one file (esbuild from node_modules).

    ``fmt`` is ``iife`` for a classic script (veil.js) or ``esm`` for a module (worker, observer);
    ``externals`` are import paths left as they are (the vendored rrweb-snapshot, Pyodide), which
    dist/ ships as their own files. The output has no minification, so a stack trace stays readable.
    """
    esbuild = ROOT / "node_modules" / ".bin" / "esbuild"
    if not esbuild.exists():
        raise BuildError("node_modules/.bin/esbuild is missing: run `npm ci` first")
    command = [str(esbuild), str(entry), "--bundle", f"--format={fmt}", "--target=es2020", "--charset=utf8",
               "--legal-comments=inline", "--log-level=warning", *(f"--external:{e}" for e in externals)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise BuildError(f"esbuild failed on {entry.name}: {done.stderr.strip()}")
    return done.stdout


# --- the loader snippet ---------------------------------------------------------------------------

LOADER = ROOT / "shim" / "loader.js"
LOADER_INTEGRITY = "__VEIL_INTEGRITY__"  # in shim/loader.js: where veil.js's sha384 goes


def loader_snippet(integrity: str | None = None) -> str:
    """The loader stub as a page inlines it: shim/loader.js after its header comment, with
    ``integrity`` (veil.js's "sha384-…") in place of the placeholder when given."""
    text = LOADER.read_text()
    body = text[text.index("*/\n") + 3:].lstrip("\n")
    return body if integrity is None else body.replace(f'"{LOADER_INTEGRITY}"', json.dumps(integrity))


def sri(data: bytes) -> str:
    """A Subresource Integrity value (sha384) of ``data``."""
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def minified_loader(integrity: str) -> str:
    """loader_snippet(integrity) minified by esbuild (ES5 in, ES5 out: nothing is lowered)."""
    esbuild = ROOT / "node_modules" / ".bin" / "esbuild"
    if not esbuild.exists():
        raise BuildError("node_modules/.bin/esbuild is missing: run `npm ci` first")
    done = subprocess.run([str(esbuild), "--minify", "--loader=js", "--target=es5", "--log-level=warning"],
                          input=loader_snippet(integrity), capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise BuildError(f"esbuild failed on shim/loader.js: {done.stderr.strip()}")
    return done.stdout


# --- the wire contract's JavaScript side ---------------------------------------------------------

CONTRACT_JS = ROOT / "shim" / "generated" / "contract.mjs"


def _load_contract() -> types.ModuleType:
    sys.path.insert(0, str(ROOT / "sdk"))
    try:
        from veil import contract
    finally:
        sys.path.remove(str(ROOT / "sdk"))
    return contract


def contract_module() -> str:
    """shim/generated/contract.mjs as sdk/veil/contract.py makes it: one frozen export per fact of
    SHARED (sets as sorted arrays, rrweb's enums as objects with rrweb's TypeScript names), then a
    JSDoc typedef per type of TYPES and the message map, Messages (name -> payload -> answer)."""
    contract = _load_contract()
    lines = ["// Generated by build.py from sdk/veil/contract.py (the wire contract): do not edit.",
             "// After changing contract.py run `python build.py --write-contract` and commit this file;",
             "// the build and tests/unit/test_contract.py fail while it differs.", ""]
    for name, value in contract.SHARED.items():
        if isinstance(value, type) and issubclass(value, enum.IntEnum):
            # rrweb's names: FULL_SNAPSHOT -> FullSnapshot; CDATA stays an acronym, as in rrweb.
            members = {m.name if m.name == "CDATA" else "".join(p.capitalize() for p in m.name.split("_")): int(m)
                       for m in value}
            text = f"Object.freeze({json.dumps(members)})"
        elif isinstance(value, (tuple, frozenset)):
            items = sorted(value) if isinstance(value, frozenset) else list(value)
            text = f"Object.freeze({json.dumps(items)})"
        elif isinstance(value, dict) and all(isinstance(v, (str, int, float, type(None))) for v in value.values()):
            text = f"Object.freeze({json.dumps(value)})"
        elif isinstance(value, (str, int)) and not isinstance(value, bool):
            text = json.dumps(value)
        else:
            raise BuildError(f"contract.SHARED[{name!r}]: {type(value).__name__} has no JavaScript form")
        lines.append(f"export const {name} = {text};")
    lines.append("")
    names = {id(value): name for name, value in contract.TYPES.items()}
    for name, value in contract.TYPES.items():
        doc = getattr(value, "__doc__", None) if typing.is_typeddict(value) else None
        summary = " ".join(doc.split()) if doc else ""
        lines.append(f"/** @typedef {{{_js_type(value, names, top=True)}}} {name}{'  ' + summary if summary else ''} */")
    lines.append("")
    lines.append("/**")
    lines.append(" * The messages between the page and the worker: name -> the payload the page sends -> the answer it gets.")
    lines.append(" * @typedef {{")
    for message, (payload, answer) in contract.MESSAGES.items():
        lines.append(f" *   {message}: {{ payload: {_js_type(payload, names)}, answer: {_js_type(answer, names)} }},")
    lines.append(" * }} Messages")
    lines.append(" */")
    return "\n".join(lines) + "\n"


def _js_type(tp: object, names: dict[int, str], top: bool = False) -> str:
    """A contract type as TypeScript (for JSDoc): a type TYPES names is written by its name."""
    if not top and id(tp) in names:
        return names[id(tp)]
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    simple = {str: "string", int: "number", float: "number", bool: "boolean", bytes: "Uint8Array<ArrayBuffer>",
              type(None): "null", None: "null", typing.Any: "unknown"}
    if not origin and tp in simple:
        return simple[tp]  # type: ignore[index]
    if origin is typing.Literal:
        return " | ".join(json.dumps(a) for a in args)
    if origin in (typing.Union, types.UnionType):
        return " | ".join(_js_type(a, names) for a in args)
    if origin in (list, tuple) and (origin is list or (len(args) == 2 and args[1] is Ellipsis)):
        return f"Array<{_js_type(args[0], names)}>"
    if origin is dict:
        return f"Record<{_js_type(args[0], names)}, {_js_type(args[1], names)}>"
    if typing.is_typeddict(tp):
        fields = []
        for key, hint in typing.get_type_hints(tp, include_extras=True).items():
            optional = typing.get_origin(hint) is typing.NotRequired or key not in tp.__required_keys__  # type: ignore[attr-defined]
            if typing.get_origin(hint) in (typing.NotRequired, typing.Required):
                hint = typing.get_args(hint)[0]
            fields.append(f"{key}{'?' if optional else ''}: {_js_type(hint, names)}")
        return "{ " + ", ".join(fields) + " }"
    raise BuildError(f"contract type {tp!r} has no JavaScript form")


def write_contract() -> Path:
    """Regenerate the checked-in shim/generated/contract.mjs."""
    CONTRACT_JS.parent.mkdir(parents=True, exist_ok=True)
    CONTRACT_JS.write_text(contract_module())
    return CONTRACT_JS


def check_contract() -> None:
    """The shim is bundled from the checked-in contract.mjs: it must be what contract.py makes."""
    if not CONTRACT_JS.exists() or CONTRACT_JS.read_text() != contract_module():
        raise BuildError("shim/generated/contract.mjs differs from sdk/veil/contract.py: "
                         "run `python build.py --write-contract` and commit it")


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


def empty_lock(pyodide: Path) -> str:
    """pyodide-lock.json without its packages: all loadPyodide needs when no package is loaded."""
    info = json.loads((pyodide / "pyodide-lock.json").read_text())["info"]
    return json.dumps({"info": info, "packages": {}}, separators=(",", ":"), sort_keys=True)


# --- the slim stdlib -----------------------------------------------------------------------------

def stdlib_modules(path: Path | None = None) -> list[str]:
    """The module names in stdlib-modules.txt (one a line; # starts a comment)."""
    names = (line.split("#", 1)[0].strip() for line in (path or STDLIB_LIST).read_text().splitlines())
    return [name for name in names if name]


def slim_stdlib(full: Path, modules: list[str], out: Path, compression: int = zipfile.ZIP_STORED) -> None:
    """Write a python_stdlib.zip holding only ``modules`` (and their parent packages) from ``full``,
    as .py like Pyodide's own. Entries are stored uncompressed by default: the whole file then
    compresses (brotli, gzip) smaller than a zip of deflated entries, and zipimport reads them
    without inflating."""
    with zipfile.ZipFile(full) as src:
        names = set(src.namelist())
        keep: set[str] = set()
        for module in modules:
            parts = module.split(".")
            for i in range(1, len(parts)):
                parent = "/".join(parts[:i]) + "/__init__.py"
                if parent in names:
                    keep.add(parent)
            base = "/".join(parts)
            for candidate in (base + ".py", base + "/__init__.py"):
                if candidate in names:
                    keep.add(candidate)
                    break
            else:
                raise BuildError(f"{module} (stdlib-modules.txt) is not in Pyodide's {STDLIB_ZIP}")
        dirs = set()
        for name in keep:
            parts = name.split("/")[:-1]
            dirs.update("/".join(parts[: i + 1]) + "/" for i in range(len(parts)))
        with zipfile.ZipFile(out, "w") as dst:
            for info in src.infolist():  # Pyodide's own order, names, dates and modes
                if info.filename in keep or info.filename in dirs:
                    copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                    copy.external_attr = info.external_attr
                    copy.compress_type = zipfile.ZIP_STORED if info.is_dir() else compression
                    dst.writestr(copy, src.read(info.filename))


# Runs under Node: boots Pyodide (node_modules/pyodide, full stdlib) and runs the Python file
# argv[3] on the zip argv[4], writing argv[5]: Python 3.14's own ast does the work.
NODE_MINIFY = r"""
import { readFileSync, writeFileSync } from "node:fs";
const [indexDir, lock, script, src, dst] = process.argv.slice(1);
const { loadPyodide } = await import(indexDir + "/pyodide.mjs");
const pyodide = await loadPyodide({ indexURL: indexDir + "/", fullStdLib: false, lockFileContents: readFileSync(lock, "utf8") });
pyodide.FS.writeFile("/tmp/in.zip", readFileSync(src));
pyodide.runPython(readFileSync(script, "utf8"));
writeFileSync(dst, pyodide.FS.readFile("/tmp/out.zip"));
"""

# What `python -OO` does to the bytecode, done to the source: docstrings go (the stdlib supports
# -OO), and ast.unparse drops comments and layout. Each result must parse back to the same tree.
# Pyodide's own packages keep their source verbatim (they read docstrings).
MINIFY = r"""
import ast, zipfile

VERBATIM = ("_pyodide/", "pyodide/")

def without_docstrings(tree):
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                node.body = body[1:] or [ast.Pass()]
    return tree

with zipfile.ZipFile("/tmp/in.zip") as src, zipfile.ZipFile("/tmp/out.zip", "w") as dst:
    for info in src.infolist():
        data = src.read(info)
        if info.filename.endswith(".py") and not info.filename.startswith(VERBATIM):
            tree = without_docstrings(ast.parse(data, info.filename))
            text = ast.unparse(tree) + "\n"
            if ast.dump(ast.parse(text, info.filename)) != ast.dump(tree):
                raise RuntimeError(f"{info.filename}: the minified source does not parse to the same tree")
            data = text.encode()
        dst.writestr(info, data)
"""


def minify_stdlib(src: Path, dst: Path) -> None:
    """``src`` with its .py sources minified (see MINIFY), run by Pyodide under Node; cached in
    .cache/minified/ by the hash of the input and of the script."""
    key = hashlib.sha256(src.read_bytes() + MINIFY.encode() + NODE_MINIFY.encode()).hexdigest()
    cached = ROOT / ".cache" / "minified" / f"{key}.zip"
    if not cached.exists():
        node = shutil.which("node")
        if node is None:
            raise BuildError("node is missing (it minifies the stdlib with Pyodide's own Python)")
        cached.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            lock = Path(tmp) / "lock.json"
            lock.write_text(empty_lock(pyodide_dir()))
            script = Path(tmp) / "minify.py"
            script.write_text(MINIFY)
            out = Path(tmp) / "out.zip"
            done = subprocess.run([node, "--input-type=module", "-e", NODE_MINIFY, str(pyodide_dir().resolve()),
                                   str(lock), str(script), str(src.resolve()), str(out)], capture_output=True, text=True)
            if done.returncode != 0:
                raise BuildError(f"minifying the stdlib failed:\n{done.stdout}\n{done.stderr}")
            shutil.copyfile(out, cached)
    shutil.copyfile(cached, dst)


# --- content hashes, precompression, manifest ----------------------------------------------------

def tree_hash(directory: Path) -> str:
    """The first 12 hex digits of a SHA-256 over every file's relative path and content."""
    digest = hashlib.sha256()
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        data = path.read_bytes()
        digest.update(f"{path.relative_to(directory).as_posix()}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()[:12]


def compressed(data: bytes) -> dict[str, bytes]:
    """{"br": ..., "gzip": ...} of ``data`` at the best levels (deterministic), cached in
    .cache/compressed/ by content hash: brotli's best level takes a while on the wasm."""
    try:
        import brotli
    except ImportError as err:
        raise BuildError("brotli is missing: pip install -e '.[build]'") from err
    cache = ROOT / ".cache" / "compressed"
    key = hashlib.sha256(data).hexdigest()
    out = {}
    for encoding, suffix in SIBLINGS.items():
        cached = cache / f"{key}{suffix}"
        if cached.exists():
            out[encoding] = cached.read_bytes()
            continue
        if encoding == "br":
            packed = brotli.compress(data, quality=11, lgwin=24)
        else:
            packed = gzip.compress(data, compresslevel=9, mtime=0)
        cache.mkdir(parents=True, exist_ok=True)
        tmp = cache / f"{key}{suffix}.{id(data)}.tmp"
        tmp.write_bytes(packed)
        tmp.replace(cached)
        out[encoding] = packed
    return out


def precompress_and_manifest(out: Path, directories: dict[str, str]) -> None:
    """Write .br/.gz siblings where they pay, then manifest.json: every served file (siblings are
    not listed; "encodings" says which exist) with its size, gzip and brotli sizes, and sha384."""
    files = {}
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        rel = path.relative_to(out).as_posix()
        if rel == "manifest.json":
            continue
        data = path.read_bytes()
        packed = compressed(data)
        entry = {"size": len(data), "gzip": len(packed["gzip"]), "br": len(packed["br"]),
                 "sha384": "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode(), "encodings": []}
        if path.suffix in COMPRESSIBLE and len(data) >= 1024:
            for encoding, suffix in SIBLINGS.items():
                if len(packed[encoding]) <= 0.9 * len(data):
                    path.with_name(path.name + suffix).write_bytes(packed[encoding])
                    entry["encodings"].append(encoding)
        files[rel] = entry
    manifest = {"name": "veil", "version": veil_version(), "pyodide": PYODIDE_VERSION,
                "directories": directories, "files": files}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")


# --- the build -----------------------------------------------------------------------------------

def build(out: Path, stdlib: list[str] | None = None) -> Path:
    """Write a fresh dist/ into ``out`` and return it. ``stdlib``: the slim zip's modules (default:
    stdlib-modules.txt)."""
    pyodide = pyodide_dir()
    rrweb_snapshot = check_vendored_rrweb_snapshot()
    check_contract()
    modules = stdlib_modules() if stdlib is None else stdlib
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)

    staging = out / "pyodide-staging"
    staging.mkdir()
    for name in PYODIDE_FILES:
        shutil.copy2(pyodide / name, staging / name)
    slim_stdlib(pyodide / STDLIB_ZIP, modules, out / "stdlib-unminified.zip")
    minify_stdlib(out / "stdlib-unminified.zip", staging / STDLIB_ZIP)
    (out / "stdlib-unminified.zip").unlink()
    pyodide_name = f"pyodide-{tree_hash(staging)}"
    staging.rename(out / pyodide_name)

    staging = out / "runtime-staging"
    (staging / "vendor" / "rrweb-snapshot").mkdir(parents=True)
    veil_wheel = build_veil_wheel(staging / "python")
    shutil.copy2(rrweb_snapshot, staging / "vendor" / "rrweb-snapshot" / RRWEB_SNAPSHOT_FILE)
    shutil.copy2(ROOT / "shim" / "vendor" / "rrweb-snapshot" / "LICENSE", staging / "vendor" / "rrweb-snapshot" / "LICENSE")
    # The observer's modules (shim/observer/, the generated contract) as one file; the vendored
    # rrweb-snapshot stays its own file beside it (only the entry shim/observer.mjs imports it).
    (staging / "veil-observer.mjs").write_text(bundle(ROOT / "shim" / "observer.mjs", "esm", ("./vendor/*",)))
    # The privacy preview (Veil.preview: shim/preview.mjs and shim/preview/), loaded only when asked.
    (staging / "veil-preview.mjs").write_text(bundle(ROOT / "shim" / "preview.mjs", "esm"))
    # The two workers (shim/worker.mjs, the page's; shim/snapshot-worker.mjs, which makes the
    # runtime's memory snapshot) and their modules (shim/worker/), each bundled into one file, with
    # the Pyodide directory, the wheel's name and the lock templated in (shim/worker/runtime.mjs).
    for entry, name in WORKERS.items():
        worker = bundle(ROOT / "shim" / entry, "esm")
        worker = (worker.replace("__VEIL_PYODIDE__", pyodide_name).replace("__VEIL_WHEEL__", veil_wheel.name)
                  .replace('"__VEIL_LOCK__"', json.dumps(empty_lock(pyodide))))
        (staging / name).write_text(worker)
    runtime_name = f"runtime-{tree_hash(staging)}"
    staging.rename(out / runtime_name)

    # veil.js: shim/veil.js and its modules under shim/veil/, bundled into one classic script.
    (out / "veil.js").write_text(bundle(ROOT / "shim" / "veil.js", "iife").replace("__VEIL_RUNTIME__", runtime_name))
    shutil.copy2(ROOT / "shim" / "veil.mjs", out / "veil.mjs")
    shutil.copy2(ROOT / "shim" / "veil.d.ts", out / "veil.d.ts")
    (out / "veil-loader.js").write_text(minified_loader(sri((out / "veil.js").read_bytes())))
    for rel in ("veil.js", *(f"{runtime_name}/{name}" for name in WORKERS.values())):
        if "__VEIL_" in (out / rel).read_text():
            raise BuildError(f"{rel} still holds a __VEIL_…__ placeholder")
    precompress_and_manifest(out, {"pyodide": pyodide_name, "runtime": runtime_name})
    return out


# --- which stdlib modules the runtime imports ----------------------------------------------------

# Runs under Node: boots Pyodide from argv[1] (a directory with pyodide.mjs and a stdlib zip) the
# way veil-worker.mjs does, installs the wheel argv[2], and runs the Python file argv[4].
NODE_DRIVER = r"""
import { readFileSync } from "node:fs";
const [indexDir, wheel, lock, exercise] = process.argv.slice(1);
const { loadPyodide } = await import(indexDir + "/pyodide.mjs");
const pyodide = await loadPyodide({ indexURL: indexDir + "/", fullStdLib: false, lockFileContents: readFileSync(lock, "utf8") });
await pyodide.loadPackage(wheel, { messageCallback: () => {} });
console.log(pyodide.runPython(readFileSync(exercise, "utf8")));
"""

# Drives the core through veil.bridge over every kind of event and call the worker relays, then
# answers the stdlib modules loaded from the zip, as JSON.
EXERCISE = ROOT / "tests" / "pyodide_exercise.py"


def run_core_in_node(index_dir: Path, wheel: Path) -> list[str]:
    """Boot Pyodide under Node from ``index_dir`` (as the worker does), install ``wheel``, drive the
    core through veil.bridge, and return the stdlib modules it loaded from the stdlib zip."""
    node = shutil.which("node")
    if node is None:
        raise BuildError("node is missing")
    with tempfile.TemporaryDirectory() as tmp:
        lock = Path(tmp) / "lock.json"
        lock.write_text(empty_lock(pyodide_dir()))
        exercise = EXERCISE
        done = subprocess.run([node, "--input-type=module", "-e", NODE_DRIVER, str(index_dir.resolve()),
                               str(wheel.resolve()), str(lock), str(exercise)], capture_output=True, text=True)
    if done.returncode != 0:
        raise BuildError(f"Pyodide under Node failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def trace_stdlib() -> list[str]:
    """Rewrite stdlib-modules.txt with what booting, installing the wheel and driving the core imports."""
    with tempfile.TemporaryDirectory() as tmp:
        wheel = build_veil_wheel(Path(tmp))
        modules = run_core_in_node(pyodide_dir(), wheel)
    lines = ["# The stdlib modules in dist/'s slim python_stdlib.zip: what Pyodide's boot, installing the",
             "# veil wheel (pyodide.loadPackage) and driving the core through veil.bridge import.",
             "# Written by `python build.py --trace-stdlib` (boots Pyodide under Node with the full stdlib);",
             "# tests/unit/test_stdlib.py fails when veil imports a module missing here.",
             *modules]
    STDLIB_LIST.write_text("\n".join(lines) + "\n")
    return modules


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="output directory (default: dist/)")
    parser.add_argument("--trace-stdlib", action="store_true", help="rewrite stdlib-modules.txt (needs node)")
    parser.add_argument("--write-contract", action="store_true",
                        help="regenerate shim/generated/contract.mjs from sdk/veil/contract.py")
    args = parser.parse_args(argv)
    try:
        if args.write_contract:
            print(f"wrote {write_contract().relative_to(ROOT)}")
            return 0
        if args.trace_stdlib:
            modules = trace_stdlib()
            print(f"wrote {STDLIB_LIST.name}: {len(modules)} modules")
            return 0
        out = build(args.out)
    except BuildError as err:
        print(f"build.py: {err}", file=sys.stderr)
        return 1
    files = json.loads((out / "manifest.json").read_text())["files"]
    raw = sum(f["size"] for f in files.values())
    br = sum(f["br"] for f in files.values())
    integrity = files["veil.js"]["sha384"]
    print(f"built {out} ({raw / 1e6:.1f} MB raw, {br / 1e6:.1f} MB brotli); veil.js integrity {integrity} (the README snippet carries it)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
