"""A small bundle shaped as build.py writes dist/ (manifest, loader, hashed directories, siblings),
for the unit tests of veil.bundle and veil.integrations: no build needed."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from pathlib import Path

import brotli

from veil import __version__
from veil.bundle import Bundle

PYODIDE = "pyodide-0123456789ab"
RUNTIME = "runtime-ba9876543210"
LOADER = ('(function(o,f,s,l){var e=f.createElement("script");e.src=s,e.integrity=l,f.head.appendChild(e)})'
          '(window,document,"/static/veil/veil.js","__INTEGRITY__");')
# name -> (content, which siblings exist)
FILES = {
    "veil.js": (b"/* veil.js */ window.Veil = {};" * 50, ("br", "gzip")),
    "veil.mjs": (b"export default window.Veil;", ()),
    "veil.d.ts": (b"export interface VeilApi {}", ()),
    f"{PYODIDE}/pyodide.asm.wasm": (b"\0asm" + b"\1" * 4000, ("br", "gzip")),
    f"{PYODIDE}/python_stdlib.zip": (b"PK" + b"\0" * 3000, ("gzip",)),
    f"{RUNTIME}/veil-worker.mjs": (b"// worker\n" * 300, ("br", "gzip")),
    f"{RUNTIME}/python/veil-0.1.0-py3-none-any.whl": (b"PK wheel", ()),
}


def sri(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def make_bundle(directory: Path) -> Bundle:
    """Write the bundle into ``directory`` and load it (siblings really compressed: a client decodes them)."""
    files = {}
    for name, (data, encodings) in FILES.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        if "br" in encodings:
            path.with_name(path.name + ".br").write_bytes(brotli.compress(data))
        if "gzip" in encodings:
            path.with_name(path.name + ".gz").write_bytes(gzip.compress(data, mtime=0))
        files[name] = {"size": len(data), "sha384": sri(data), "gzip": 0, "br": 0, "encodings": list(encodings)}
    loader = LOADER.replace("__INTEGRITY__", files["veil.js"]["sha384"]).encode()
    (directory / "veil-loader.js").write_bytes(loader)
    files["veil-loader.js"] = {"size": len(loader), "sha384": sri(loader), "gzip": 0, "br": 0, "encodings": []}
    manifest = {"name": "veil", "version": __version__, "pyodide": "314.0.7",
                "directories": {"pyodide": PYODIDE, "runtime": RUNTIME}, "files": files}
    (directory / "manifest.json").write_text(json.dumps(manifest))
    return Bundle.load(directory)
