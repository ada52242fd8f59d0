"""``python -m veil.allowlist``: the site-text allow-list, built from what the site ships.

Rules:
- Reads the site's own sources and build output, files or directories (walked in name order,
  skipping ``node_modules``, hidden folders and any ``--exclude`` pattern): HTML and server
  templates (``markup``), JavaScript and TypeScript (``javascript``), and i18n message files
  (``messages``). Everything else is skipped and said so, and so is JSON that is not a message
  file: the extractor never reads data. Run it over sources and build output, never over pages
  rendered for a visitor: such a page holds that visitor's data, and the list would show it.
- Writes the list ``veil.sitetext`` loads (versioned JSON, entries sorted: the same site gives the
  same bytes), and prints its SRI hash for ``allowTextIntegrity``. A list larger than the worker
  reads (``sitetext.MAX_LIST_BYTES``) is an error, not a file.
- A build-time tool: its parsers (tree-sitter and its grammars, the ``allowlist`` extra) are never
  part of the browser wheel.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from .. import __version__
from ..sitetext import MAX_LIST_BYTES
from .collect import Collected
from .javascript import extract_script
from .markup import extract_fragment, extract_markup
from .messages import extract_messages, is_message_path, messages_of

MARKUP_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".jinja", ".jinja2", ".j2", ".djhtml", ".njk", ".liquid", ".hbs",
                             ".handlebars", ".mustache", ".vue", ".tmpl", ".tpl"})
SCRIPT_SUFFIXES = {".js": "js", ".mjs": "js", ".cjs": "js", ".jsx": "js", ".ts": "ts", ".mts": "ts", ".cts": "ts", ".tsx": "tsx"}
SKIPPED_FOLDERS = frozenset({"node_modules", "__pycache__", "bower_components"})
MAX_FILE_BYTES = 64 * 1024 * 1024
GENERATOR = f"veil.allowlist {__version__}"


class AllowlistError(Exception):
    """A path or file the command cannot use; the message says which and why."""


def files_under(paths: Iterable[Path], exclude: tuple[str, ...] = ()) -> Iterator[Path]:
    """The files named, and the files under the folders named, in name order."""
    for path in paths:
        if not path.exists():
            raise AllowlistError(f"no such file or directory: {path}")
        if path.is_file():
            yield path
            continue
        if not path.is_dir():
            raise AllowlistError(f"not a file or a directory: {path}")
        for found in sorted(path.rglob("*")):
            relative = found.relative_to(path)
            if any(part in SKIPPED_FOLDERS or part.startswith(".") for part in relative.parts[:-1]):
                continue
            if found.name.startswith(".") or not found.is_file():
                continue
            if any(fnmatch.fnmatch(relative.as_posix(), pattern) or fnmatch.fnmatch(found.name, pattern) for pattern in exclude):
                continue
            yield found


def kind_of(path: Path) -> str | None:
    """"markup", "script", "json" or None (not read)."""
    name = path.name.lower()
    if name.endswith((".min.js.map", ".js.map", ".map", ".d.ts")):
        return None
    suffix = path.suffix.lower()
    if suffix in MARKUP_SUFFIXES:
        return "markup"
    if suffix in SCRIPT_SUFFIXES:
        return "script"
    if suffix == ".json":
        return "json"
    return None


def extract_file(path: Path, collected: Collected, named: bool = False) -> None:
    """Read one file into ``collected``. ``named``: the user named this file (not found in a
    folder), so a file the command cannot read is an error rather than a skip."""
    kind = kind_of(path)
    if kind is None:
        if named:
            raise AllowlistError(f"{path}: not HTML, a server template, a script or a message file")
        collected.skipped.append((str(path), "not HTML, a template, a script or a message file"))
        return
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise AllowlistError(f"{path}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
        source = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        if named:
            raise AllowlistError(f"{path}: not UTF-8 text") from None
        collected.skipped.append((str(path), "not UTF-8 text"))
        return
    except OSError as err:
        raise AllowlistError(f"{path}: cannot be read ({err.strerror or err})") from None
    if kind == "markup":
        extract_markup(source, collected)
        collected.files["markup"] += 1
    elif kind == "script":
        extract_script(source, collected, SCRIPT_SUFFIXES[path.suffix.lower()], markup=extract_fragment)
        collected.files["script"] += 1
    else:
        _extract_json(path, source, collected, named)


def _extract_json(path: Path, source: str, collected: Collected, named: bool) -> None:
    messages = None
    if is_message_path(path):
        try:
            messages = messages_of(json.loads(source))
        except ValueError:
            if named:
                raise AllowlistError(f"{path}: not valid JSON") from None
    if messages is None:
        why = "JSON that is not a message file (data is never read)"
        if named:
            raise AllowlistError(f"{path}: {why}: name message files for their locale (en.json) or keep them in a locales/ folder")
        collected.skipped.append((str(path), why))
        return
    failures = extract_messages(messages, collected)
    if failures:
        collected.warnings.append(f"{path}: {failures} message(s) are not valid ICU MessageFormat; their text was not read")
    collected.files["messages"] += 1


def build(paths: Iterable[Path], exclude: tuple[str, ...] = ()) -> tuple[bytes, Collected]:
    """The list's bytes for the given paths, and what was read."""
    collected = Collected()
    paths = list(paths)
    named = {p for p in paths if p.is_file()}
    for path in files_under(paths, exclude):
        extract_file(path, collected, named=path in named)
    data = (json.dumps(collected.document(GENERATOR), ensure_ascii=False, indent=0, separators=(",", ":")) + "\n").encode("utf-8")
    if len(data) > MAX_LIST_BYTES:
        raise AllowlistError(f"the list would be {len(data)} bytes, more than the {MAX_LIST_BYTES} the worker reads: "
                             "name your app's own sources and bundles, not vendored libraries (or --exclude them)")
    return data, collected
