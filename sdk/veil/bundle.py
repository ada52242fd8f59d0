"""The built browser bundle (build.py's dist/) that the pip package carries, for a site to serve.

Rules: read-only, and never part of the wheel the browser loads (build.py's NOT_IN_THE_BROWSER).
The bundle is found, in this order: the directory a caller names; the package's own data,
``veil/dist/`` (an installed wheel or sdist, written by ``./dev release``); a source checkout's
``dist/`` beside ``sdk/`` (an editable install, after ``./dev build``). None of them: BundleNotFound,
naming where it looked. ``manifest.json`` (written by build.py) is the one list of what a site may
serve: every file with its size, sha384 (its SRI) and precompressed ``encodings``; a name it does
not list is not part of the bundle.

    from veil import bundle
    bundle.directory()            # Path of the built dist/
    bundle.manifest()["files"]    # {"veil.js": {"sha384": "sha384-…", "size": …, "encodings": ["br", "gzip"]}, …}
    bundle.integrity("veil.js")   # "sha384-…"
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from . import __version__

PACKAGE_DIST = Path(__file__).resolve().parent / "dist"
# A source checkout keeps the package in sdk/veil and builds dist/ beside sdk/.
CHECKOUT_DIST = Path(__file__).resolve().parents[2] / "dist" if Path(__file__).resolve().parents[1].name == "sdk" else None
MANIFEST = "manifest.json"
# The loader snippet as build.py writes it (dist/veil-loader.js) asks for veil.js here; a site
# serving the bundle elsewhere gets its own path put in its place (Bundle.loader_script).
LOADER = "veil-loader.js"
LOADER_DEFAULT_SRC = "/static/veil/veil.js"
# Precompressed siblings as the manifest names them ("encodings"), with their file suffixes.
SIBLINGS = {"br": ".br", "gzip": ".gz"}


class BundleNotFound(RuntimeError):
    """No built bundle where Veil looked (or one without a readable manifest)."""


@dataclass(frozen=True)
class Bundle:
    """One built dist/: its directory and its manifest (``manifest.json``, read once)."""

    directory: Path
    manifest: Mapping[str, Any] = field(repr=False)

    @classmethod
    def load(cls, directory: str | Path | None = None) -> Bundle:
        """The bundle in ``directory``, else the package's own, else a source checkout's."""
        candidates = [Path(directory)] if directory is not None else [d for d in (PACKAGE_DIST, CHECKOUT_DIST) if d]
        for candidate in candidates:
            path = candidate / MANIFEST
            if not path.is_file():
                continue
            try:
                manifest = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as err:
                raise BundleNotFound(f"{path}: not a readable manifest ({err})") from err
            if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict) or "veil.js" not in manifest["files"]:
                raise BundleNotFound(f"{path}: not Veil's manifest (no files, or no veil.js among them)")
            return cls(candidate.resolve(), manifest)
        looked = ", ".join(str(c) for c in candidates)
        raise BundleNotFound(f"no built Veil bundle (dist/ with manifest.json) in {looked}: install Veil's wheel "
                             "(pip install veil), or in a source checkout run ./dev build")

    @property
    def version(self) -> str:
        return str(self.manifest.get("version", ""))

    @property
    def files(self) -> Mapping[str, Mapping[str, Any]]:
        """Every file a site serves, by its path relative to the bundle (siblings not listed)."""
        files: Mapping[str, Mapping[str, Any]] = self.manifest["files"]
        return files

    @property
    def immutable_directories(self) -> tuple[str, ...]:
        """The content-hashed directories (pyodide-<hash12>/, runtime-<hash12>/): cached for ever."""
        return tuple(str(name) for name in self.manifest.get("directories", {}).values())

    def integrity(self, name: str = "veil.js") -> str:
        """The SRI value ("sha384-…") of one of the bundle's files."""
        try:
            return str(self.files[name]["sha384"])
        except KeyError:
            raise KeyError(f"{name!r} is not a file of the Veil bundle in {self.directory}") from None

    def loader_script(self, src: str = LOADER_DEFAULT_SRC) -> str:
        """The loader snippet's JavaScript (minified, this build's integrity of veil.js in it) asking
        for veil.js at ``src``, the URL the site serves it under. JSON-escaped for an inline script."""
        text = (self.directory / LOADER).read_text(encoding="utf-8").strip()
        default = json.dumps(LOADER_DEFAULT_SRC)
        if text.count(default) != 1:
            raise BundleNotFound(f"{self.directory / LOADER}: not the loader snippet (veil.js's path {default} not found once)")
        return text.replace(default, script_json(src))


def script_json(value: Any) -> str:
    """``value`` as JSON that is safe inside an HTML <script> element: ``<``, ``>`` and ``&`` (which
    could close the element or open a comment) and U+2028/U+2029 written as escapes."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return text


@cache
def default() -> Bundle:
    """The bundle of this installation (read once per process)."""
    bundle = Bundle.load()
    if bundle.version and bundle.version != __version__:
        raise BundleNotFound(f"the Veil bundle in {bundle.directory} is version {bundle.version}, this package "
                             f"{__version__}: rebuild it (./dev build) or reinstall Veil")
    return bundle


def directory() -> Path:
    """The directory of the built browser bundle (dist/) this installation carries."""
    return default().directory


def manifest() -> Mapping[str, Any]:
    """The bundle's manifest: every file with its size, gzip/brotli sizes, ``sha384`` (SRI) and
    precompressed ``encodings``, and the content-hashed ``directories``."""
    return default().manifest


def integrity(name: str = "veil.js") -> str:
    """The SRI value of one file of this installation's bundle (default: veil.js)."""
    return default().integrity(name)
