"""``python -m veil.preview URL [--config FILE] [--out DIR] [--expect-clear FILE]``: the privacy
team's sign-off on a page.

Rules: every input is checked before a browser starts, and a bad one is a one-line error naming it
(exit status 2): the URL (http(s), or an existing local HTML file), the config (a JSON object
that Veil's own validator accepts; ``endpoint`` and ``clientToken`` are the local collector's,
``sampleRate`` is 100 and ``recordingMode`` "always" so the page is recorded), the expected file,
the built Veil (``--dist``). The page is recorded (``record``) and the report written (``report``)
from what the collector stored. With ``--expect-clear`` it is a gate: every word in clear that the
file does not list is named on stderr and the status is 1. A preview that cannot be made is
status 3. The report is written in every case where a recording was made, also a failing one.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.parse
from pathlib import Path
from typing import Any

from ..config import ConfigError, normalize_config
from .record import CHROMIUM, PreviewError, Recording, record_page
from .report import write_report
from .strings import Found, read_expected, strings_in_clear, unexpected

# Keys the preview sets itself (and why): where batches go, and that this page view is recorded.
FORCED = {"sampleRate": 100, "recordingMode": "always"}
OWN_KEYS = ("endpoint", "clientToken")
MAX_CONFIG_BYTES = 1024 * 1024
MAX_EXPECTED_BYTES = 16 * 1024 * 1024


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m veil.preview",
        description="Record a page with Veil in Chromium and report what would leave it in clear, and why.")
    parser.add_argument("url", help="the page: an http(s) URL, or a local HTML file")
    parser.add_argument("--config", type=Path, help="Veil's config as JSON (what the page gives Veil.init); default {}")
    parser.add_argument("--out", type=Path, default=Path("veil-preview"), help="the report's directory (default: veil-preview/)")
    parser.add_argument("--expect-clear", type=Path, dest="expect_clear",
                        help="the strings allowed to leave in clear, one a line: any other is an error (exit 1)")
    parser.add_argument("--dist", type=Path, help="the built Veil (dist/); default $VEIL_DIST, ./dist, or this checkout's dist/")
    parser.add_argument("--chromium", default=CHROMIUM, help=f"the Chromium to drive (default {CHROMIUM})")
    parser.add_argument("--settle-ms", type=int, default=1000, help="how long the page runs once recording before it is read (default 1000)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds for each wait (default 120)")
    return parser


def check_url(url: str) -> str:
    """An http(s) URL with a host, or an existing local file (returned as its path)."""
    if "://" not in url:
        path = Path(url)
        if not path.is_file():
            raise PreviewError(2, f"URL: {url!r} is neither an http(s) URL nor an existing HTML file")
        return str(path)
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PreviewError(2, f"URL: {url!r} must be an http:// or https:// URL with a host, or a local HTML file")
    return url


def load_config(path: Path | None) -> dict[str, Any]:
    """The config file as Veil.init takes it, checked by Veil's own validator."""
    if path is None:
        raw: Any = {}
    else:
        try:
            data = path.read_bytes()
        except OSError as err:
            raise PreviewError(2, f"--config {path}: cannot read it ({err.strerror})") from None
        if len(data) > MAX_CONFIG_BYTES:
            raise PreviewError(2, f"--config {path}: larger than {MAX_CONFIG_BYTES} bytes")
        try:
            raw = json.loads(data)
        except (ValueError, UnicodeDecodeError) as err:
            raise PreviewError(2, f"--config {path}: not JSON ({err})") from None
        if not isinstance(raw, dict):
            raise PreviewError(2, f"--config {path}: must be a JSON object of Veil config keys")
    config = {key: value for key, value in raw.items() if key not in OWN_KEYS}
    config.update(FORCED)
    try:
        normalize_config({**config, "endpoint": "/preview", "clientToken": "preview"})
    except ConfigError as err:
        raise PreviewError(2, f"--config {path}: {err}") from None
    return config


def find_dist(given: Path | None) -> Path:
    candidates = [given] if given is not None else [
        Path(p) for p in (os.environ.get("VEIL_DIST"),) if p] + [Path("dist"), Path(__file__).resolve().parents[3] / "dist"]
    for candidate in candidates:
        if (candidate / "veil.js").is_file() and (candidate / "manifest.json").is_file():
            return candidate
    where = given if given is not None else "$VEIL_DIST, ./dist or this checkout's dist/"
    raise PreviewError(2, f"no built Veil in {where}: run `./dev build` (or `python build.py`), or pass --dist DIR")


def load_expected(path: Path | None) -> list[str] | None:
    if path is None:
        return None
    try:
        if path.stat().st_size > MAX_EXPECTED_BYTES:
            raise PreviewError(2, f"--expect-clear {path}: larger than {MAX_EXPECTED_BYTES} bytes")
        return read_expected(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise PreviewError(2, f"--expect-clear {path}: cannot read it ({err.strerror})") from None
    except UnicodeDecodeError:
        raise PreviewError(2, f"--expect-clear {path}: not UTF-8 text") from None


def _describe(found: Found, rules: dict[str, str]) -> str:
    return f"{found.text!r} ({found.source} of {found.where}; rule: {rules.get(found.text, 'no verdict')})"


def run(argv: list[str] | None = None, browser: Any = None) -> int:
    """The command; ``browser``: a Playwright Chromium to use instead of launching one."""
    args = _parser().parse_args(argv)
    try:
        url = check_url(args.url)
        config = load_config(args.config)
        expected = load_expected(args.expect_clear)
        dist = find_dist(args.dist)
        recording: Recording = record_page(url, config, dist, browser=browser, chromium=args.chromium,
                                           settle_ms=args.settle_ms, timeout_s=args.timeout)
    except PreviewError as err:
        print(f"veil.preview: {err}", file=sys.stderr)
        return err.status
    words, urls = strings_in_clear(recording.events)
    failures = unexpected(words, expected) if expected is not None else []
    report = write_report(args.out, recording, words, urls, failures, expected is not None, config)
    for note in recording.notes:
        print(f"veil.preview: {note}", file=sys.stderr)
    print(f"veil.preview: {len(words)} strings in clear, {len(urls)} URLs; report: {report}")
    if failures:
        rules = _rules(recording)
        for found in failures:
            print(f"veil.preview: left in clear, not in {args.expect_clear}: {_describe(found, rules)}", file=sys.stderr)
        return 1
    return 0


def _rules(recording: Recording) -> dict[str, str]:
    from .report import rules_by_string

    return rules_by_string(recording.verdicts)


def main() -> None:
    sys.exit(run())
