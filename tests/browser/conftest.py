"""Shared fixtures for browser tests: one build, one pair of servers, one Chromium for the session.

The build goes into a temporary directory and is served under /static/veil/, so every test also
proves dist/ is relocatable. Each test gets a fresh browser context.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import load_build
from veil.preview.record import CHROMIUM, CHROMIUM_ARGS  # Chromium as the preview command drives it: one list of flags
from veil.testing import VeilCapture

ROOT = Path(__file__).resolve().parents[2]
PEER_FIXTURES = ROOT.parent / "shared" / "peer-fixtures" / "rrweb"
BOOT_TIMEOUT_MS = 60_000
OPERATOR_TOKEN = "operator-test-token"
ARTIFACTS = ROOT / "test-artifacts"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def dist(tmp_path_factory) -> Path:
    return load_build().build(tmp_path_factory.mktemp("relocated") / "veil-dist")


@pytest.fixture(scope="session")
def servers(dist, tmp_path_factory):
    from examples.demo.servers import start_servers

    assets = tmp_path_factory.mktemp("assets")
    for asset in (Path(__file__).parent / "assets").iterdir():
        shutil.copy2(asset, assets / asset.name)
    shutil.copy2(ROOT / "node_modules" / "rrweb" / "dist" / "rrweb.umd.cjs", assets / "rrweb.umd.js")
    write_site_text_lists(assets)
    shutil.copy2(ROOT / "sdk" / "veil_collector" / "viewer" / "canvas-replay.js", assets / "canvas-replay.js")
    extra = {"/test-assets": assets}
    extra["/monaco"] = ROOT / "node_modules" / "monaco-editor" / "min"  # its AMD build, for assets/monaco.html
    if PEER_FIXTURES.exists():
        extra["/peer"] = PEER_FIXTURES
    running = start_servers(dist, tmp_path_factory.mktemp("db") / "collector.sqlite3", extra_dirs=extra,
                            operator_token=OPERATOR_TOKEN)
    yield running
    running.stop()


def write_site_text_lists(assets: Path) -> None:
    """The site-text lists of test_site_text.py: the page's own, built by `python -m veil.allowlist`
    from the page and its script, and one larger than the worker reads."""
    from veil import sitetext
    from veil.allowlist.__main__ import main as allowlist

    assert allowlist([str(assets / "sitetext.html"), str(assets / "sitetext-app.js"), "--out", str(assets / "sitetext-list.json"),
                      "--quiet"]) == 0
    filler = [f"Filler string number {i} of a list that is far too large" for i in range(sitetext.MAX_LIST_BYTES // 40)]
    (assets / "sitetext-huge.json").write_text(json.dumps(sitetext.document(filler, [])))


@pytest.fixture(scope="session")
def browser():
    from tests.playwright_shared import playwright

    chromium = playwright().chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


class Capture(VeilCapture):
    """What the page sent to the collector (veil.testing's capture), plus every URL the context
    requested and the page's own errors."""

    def __init__(self, context: Any, endpoint: str) -> None:
        super().__init__(endpoint_contains=endpoint, context=context)
        self.endpoint = endpoint
        self.requests: list[str] = []
        self.page_errors: list[str] = []
        context.on("request", lambda request: self.requests.append(request.url))

    def wire_text(self) -> str:
        """Every byte that left, decompressed, as one string to search for secrets."""
        return self.sent_text()


@pytest.fixture
def context(browser):
    ctx = browser.new_context()
    yield ctx
    ctx.close()


@pytest.fixture
def capture(context, servers) -> Capture:
    return Capture(context, servers.endpoint)


@pytest.fixture
def page(context, capture):
    pg = context.new_page()
    pg.on("pageerror", lambda err: capture.page_errors.append(str(err)))
    return pg


def wait_recording(page) -> None:
    page.wait_for_function("window.Veil && Veil.status === 'recording'", timeout=BOOT_TIMEOUT_MS)


def inject_veil(page, servers, config: dict[str, Any] | None = None) -> dict[str, Any]:
    """Add Veil to a page that was not written for it, init and start it; returns start()'s result."""
    page.add_script_tag(url=servers.site_url + "/static/veil/veil.js")
    cfg = {"endpoint": servers.endpoint, "clientToken": "demo-client-token", **(config or {})}
    page.evaluate("cfg => Veil.init(cfg)", cfg)
    return page.evaluate("() => Veil.start()")


def replay(context, servers, events: list[dict[str, Any]]) -> dict[str, Any]:
    """Play events to the end in rrweb's Replayer, in a fresh page; returns warnings, html, text."""
    viewer = context.new_page()
    errors: list[str] = []
    viewer.on("pageerror", lambda err: errors.append(str(err)))
    viewer.goto(servers.site_url + "/test-assets/replay.html")
    result = viewer.evaluate("events => window.replayEvents(events)", events)
    result["errors"] = errors
    viewer.close()
    return result


def stored_text(servers, session: str) -> str:
    """Every event the collector stored for ``session``, read back through the operator API, as
    compact JSON text (to search for what must not be there and for the masked forms)."""
    import json
    import urllib.request

    request = urllib.request.Request(f"{servers.collector_url}/v1/sessions/{session}/events",
                                     headers={"Authorization": f"Bearer {OPERATOR_TOKEN}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.dumps(json.loads(response.read()), separators=(",", ":"))
