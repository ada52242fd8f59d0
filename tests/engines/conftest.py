"""Fixtures for the engine tests: one build, and one browser per engine for the whole session.

Every test here takes ``engine`` (parametrized over Chromium, Firefox ESR and WebKitGTK, so its
id ends in [chromium], [firefox] or [webkit]; ``-k webkit`` runs one engine) and serves its own
Site (tests/engines/site.py) on a fresh port. Under pytest-xdist, tests/conftest.py sends
Chromium's and Firefox's tests to one worker and WebKit's to another, beside the rest of the suite.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.engines.driver import ENGINES, Engine, Page, launch
from tests.helpers import load_build

# WebKitGTK boots Python about 3x slower than Chromium (6 s on a quiet machine); on a machine
# busy with other test runs, a minute has been seen.
BOOT_TIMEOUT_S = 180


@pytest.fixture(scope="session")
def dist(tmp_path_factory) -> Path:
    return load_build().build(tmp_path_factory.mktemp("relocated") / "veil-dist")


_engines: dict[str, Engine] = {}


@pytest.fixture(scope="session", params=ENGINES)
def engine(request, tmp_path_factory) -> Engine:
    running = launch(request.param, tmp_path_factory.mktemp(request.param))
    _engines[request.param] = running
    yield running
    running.close()
    del _engines[request.param]


@pytest.fixture
def page(engine) -> Page:
    opened = engine.new_page()
    yield opened
    opened.close()


def wait_recording(page: Page, timeout_s: float = BOOT_TIMEOUT_S) -> None:
    page.wait_for("() => window.Veil && Veil.status === 'recording'", timeout_s=timeout_s)


def flush(page: Page) -> dict[str, Any]:
    return page.evaluate("() => Veil.flush()")


def delivered(page: Page, timeout_s: float = 30) -> None:
    """Every batch made so far has been answered by the collector."""
    flush(page)
    page.wait_for("() => Veil.stats().batchesSent >= 1 && Veil.stats().queuedBatches === 0", timeout_s=timeout_s)


def page_errors(page: Page) -> list[str]:
    """The document's uncaught errors, unhandled rejections and CSP violations (tests/engines/site.py)."""
    return page.evaluate("() => window.__pageErrors || ['no error catcher on this page']")


def inject_veil(page: Page, config: dict[str, Any]) -> dict[str, Any]:
    """Add veil.js to a page not written for it, init with ``config`` and start; start()'s answer."""
    page.evaluate("""async (cfg) => {
        await new Promise((resolve, reject) => {
            const s = document.createElement("script");
            s.src = "/static/veil/veil.js";
            s.onload = resolve;
            s.onerror = () => reject(new Error("veil.js did not load"));
            document.head.append(s);
        });
        window.__started = null;
        Veil.init(cfg).then(() => Veil.start()).then((r) => { window.__started = r; }, (e) => { window.__started = {error: String(e)}; });
    }""", config)
    return page.wait_for("() => window.__started", timeout_s=BOOT_TIMEOUT_S)


def replay(page: Page, site_url: str, events: list[dict[str, Any]]) -> dict[str, Any]:
    """Play ``events`` to the end in rrweb's Replayer (tests/browser/assets/replay.html) on the
    same engine; returns its warnings, html and text, and the page's errors."""
    page.goto(site_url + "/test-assets/replay.html")
    result = page.evaluate("(events) => window.replayEvents(events)", json.loads(json.dumps(events)))
    result["errors"] = page_errors(page)
    return result
