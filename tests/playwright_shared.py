"""One Playwright driver per test process.

Playwright's sync API refuses a second instance while one is running in the same thread, and
pytest-xdist may give one worker the browser tests, the artifact tests and the engine tests'
Chromium together: each takes this process's driver, launches its own browser from it, and closes
only that browser. The driver stops when the session ends (tests/conftest.py).
"""

from __future__ import annotations

from typing import Any

_driver: Any = None


def playwright() -> Any:
    """This process's Playwright (sync API), started on first use."""
    global _driver
    if _driver is None:
        from playwright.sync_api import sync_playwright

        _driver = sync_playwright().start()
    return _driver


def stop() -> None:
    global _driver
    if _driver is not None:
        driver, _driver = _driver, None
        driver.stop()
