"""Serving the bundle's files as docs/loader.md ("Serving `dist/`") prescribes, for any framework.

Rules: only a file the manifest lists (or the manifest itself) is ever served: any other name,
``..`` included, is not found, so no path can reach outside the bundle. The content-hashed
directories (``pyodide-<hash12>/``, ``runtime-<hash12>/``) are cached for ever (``immutable``); the
entry files (veil.js, veil.mjs, the manifest…) are revalidated (``no-cache`` and a strong ETag, the
file's sha384, answered 304 when it matches). A precompressed sibling (``.br``, else ``.gz``) is
chosen when the manifest says it exists and the request's Accept-Encoding allows it; it is sent
with ``Content-Encoding``, the original's ``Content-Type`` and ``Vary: Accept-Encoding``. Types are
fixed here (application/wasm for WebAssembly streaming, text/javascript for modules): a system's
mime table is never asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..bundle import MANIFEST, SIBLINGS, Bundle

CACHE_IMMUTABLE = "public, max-age=31536000, immutable"
CACHE_REVALIDATE = "no-cache"
CONTENT_TYPES = {".wasm": "application/wasm", ".mjs": "text/javascript; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                 ".json": "application/json", ".zip": "application/zip", ".whl": "application/zip",
                 ".ts": "text/plain; charset=utf-8"}
PREFERRED = ("br", "gzip")  # the smaller first


@dataclass(frozen=True)
class Served:
    """What to answer for one request of a bundle file: ``status`` 200 (send ``path``'s bytes) or
    304 (no body), with ``headers``."""

    status: int
    path: Path
    headers: dict[str, str]


def accepted_encodings(header: str) -> set[str]:
    """The content codings an Accept-Encoding header allows (``q=0`` refuses one; ``*`` allows any)."""
    accepted: set[str] = set()
    refused: set[str] = set()
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        name = name.strip().lower()
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if name:
            (accepted if q > 0 else refused).add(name)
    if "*" in accepted:
        accepted |= set(PREFERRED) - refused
    return accepted - refused


def content_type(name: str) -> str:
    suffix = name[name.rfind("."):] if "." in name.rsplit("/", 1)[-1] else ""
    return CONTENT_TYPES.get(suffix, "application/octet-stream")


def cache_control(bundle: Bundle, name: str) -> str:
    top = name.split("/", 1)[0]
    return CACHE_IMMUTABLE if "/" in name and top in bundle.immutable_directories else CACHE_REVALIDATE


def _etag(sha384: str, coding: str | None) -> str:
    # The SRI digest is base64: '+' and '/' are allowed in an entity tag, '=' padding dropped for brevity.
    digest = sha384.removeprefix("sha384-").rstrip("=")
    return f'"{digest}-{coding}"' if coding else f'"{digest}"'


def _matches(if_none_match: str, etag: str) -> bool:
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return etag in tags


def resolve(bundle: Bundle, name: str, accept_encoding: str = "", if_none_match: str = "") -> Served | None:
    """The answer for a request of ``name`` (a path relative to the bundle, as the URL gives it,
    already percent-decoded), or None when the bundle has no such file (answer 404)."""
    name = name.lstrip("/")
    if name == MANIFEST:
        path = bundle.directory / MANIFEST
        entry = None
    else:
        entry = bundle.files.get(name)
        if entry is None:
            return None
        path = bundle.directory / name
    headers = {"Content-Type": content_type(name), "Cache-Control": cache_control(bundle, name),
               "X-Content-Type-Options": "nosniff"}
    coding = None
    if entry is not None:
        encodings = [str(e) for e in entry.get("encodings", ())]
        if encodings:
            headers["Vary"] = "Accept-Encoding"
            allowed = accepted_encodings(accept_encoding)
            coding = next((c for c in PREFERRED if c in encodings and c in allowed), None)
            if coding is not None:
                path = path.with_name(path.name + SIBLINGS[coding])
                headers["Content-Encoding"] = coding
        headers["ETag"] = _etag(str(entry["sha384"]), coding)
    if not path.is_file():
        return None  # a manifest listing a file that was not deployed: not found, never a 500
    if entry is not None and _matches(if_none_match, headers["ETag"]):
        return Served(304, path, {k: v for k, v in headers.items() if k in ("Cache-Control", "ETag", "Vary")})
    return Served(200, path, headers)  # the framework's file response adds Content-Length and Last-Modified
