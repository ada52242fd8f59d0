"""One small page driver for the three engines Veil is tested in, so one test body runs in each.

Chromium is Debian's, driven by Playwright (as in tests/browser). Firefox ESR is Debian's, driven
over WebDriver BiDi straight from its own remote agent (no geckodriver: Debian ships none).
WebKitGTK is Debian's MiniBrowser, driven over classic WebDriver by WebKitWebDriver (its 2.50
driver speaks no BiDi) on a virtual X display (Xvfb). Nothing is downloaded: Playwright is never
asked to install a browser.

Rules: every call has a timeout; a page's exception in ``evaluate`` raises ``ScriptError``; a
browser that cannot start raises ``EngineUnavailable`` naming what is missing. ``evaluate`` takes a
JavaScript function's source, calls it with one JSON argument, awaits it, and returns its value
through JSON (so ``undefined`` comes back as None). One ``Engine`` is one browser process; each
``Engine.new_page()`` is a fresh, isolated profile where the engine has one (a Playwright context,
a BiDi user context) and a fresh tab otherwise (WebKit: tests isolate by origin instead).
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from veil.preview.record import CHROMIUM, CHROMIUM_ARGS

FIREFOX = "/usr/bin/firefox-esr"
WEBKIT_DRIVER = "/usr/bin/WebKitWebDriver"
MINIBROWSER = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"
XVFB = "/usr/bin/Xvfb"
ENGINES = ("chromium", "firefox", "webkit")
START_TIMEOUT_S = 60
CALL_TIMEOUT_S = 120  # one protocol call (a navigation waits for its load event within it)
VIEWPORT = (1280, 800)

# Firefox prefs for an unattended run: no first-run pages, no updates, no telemetry, no network
# of its own (the machine has none), and no slowing of background tabs' timers.
FIREFOX_PREFS = {
    "browser.shell.checkDefaultBrowser": False,
    "browser.startup.homepage_override.mstone": "ignore",
    "browser.startup.page": 0,
    "datareporting.policy.dataSubmissionEnabled": False,
    "datareporting.healthreport.uploadEnabled": False,
    "toolkit.telemetry.reportingpolicy.firstRun": False,
    "app.update.disabledForTesting": True,
    "app.normandy.enabled": False,
    "browser.safebrowsing.malware.enabled": False,
    "browser.safebrowsing.phishing.enabled": False,
    "browser.safebrowsing.downloads.enabled": False,
    "extensions.update.enabled": False,
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "services.settings.server": "http://127.0.0.1:9/",
    "remote.prefs.recommended": True,
}

# The function under test, called with its JSON argument and awaited; its value comes back as JSON.
WRAP = "async function (argJson) { const value = await (%s)(JSON.parse(argJson)); return JSON.stringify(value === undefined ? null : value); }"
# WebDriver key codes for the keys tests press.
KEYS = {"Enter": "\ue007", "Tab": "\ue004", "ArrowLeft": "\ue012", "ArrowRight": "\ue014", "Backspace": "\ue003",
        "Escape": "\ue00c"}
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"


# What a timed-out wait reports about Veil on the page (status, stats, the shim's own marks).
VEIL_STATE = """() => window.Veil ? {
    href: location.href,
    status: Veil.status,
    stats: Veil.stats(),
    marks: performance.getEntries().filter((e) => e.name.startsWith('veil')).map((e) => [e.name, Math.round(e.startTime), Math.round(e.duration)]),
    now: Math.round(performance.now()),
} : 'no window.Veil'"""


class EngineUnavailable(RuntimeError):
    """The engine's browser or driver is not installed or did not start."""


class ScriptError(RuntimeError):
    """The page's JavaScript threw (or rejected) in ``evaluate``."""


class Page:
    """What a test does with a page, the same in every engine."""

    engine: str

    def goto(self, url: str, wait: str = "load") -> None:
        """Open ``url`` and wait for its load event ("load") or DOMContentLoaded ("domcontentloaded")."""
        raise NotImplementedError

    def reload(self) -> None:
        raise NotImplementedError

    def evaluate(self, fn: str, arg: Any = None) -> Any:
        raise NotImplementedError

    def click(self, selector: str) -> None:
        """A real pointer click in the middle of the first element matching ``selector``."""
        raise NotImplementedError

    def type(self, selector: str, text: str) -> None:
        """Focus the element and type ``text`` as trusted key events, one key at a time."""
        raise NotImplementedError

    def press(self, key: str) -> None:
        """Press one key (a name from KEYS) in whatever has the focus."""
        raise NotImplementedError

    def screenshot(self, path: Path) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    @property
    def url(self) -> str:
        return self.evaluate("() => location.href")

    def wait_for(self, fn: str, arg: Any = None, timeout_s: float = 30, interval_s: float = 0.1) -> Any:
        """Poll ``fn`` until it returns something truthy; returns it, or raises TimeoutError."""
        deadline = time.monotonic() + timeout_s
        while True:
            value = self.evaluate(fn, arg)
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.engine}: {fn} stayed falsy for {timeout_s} s (last: {value!r}); {self.veil_state()}")
            time.sleep(interval_s)

    def veil_state(self) -> str:
        """Where Veil stood on this page (status, stats, its performance marks): what a timeout reports."""
        try:
            state = self.evaluate(VEIL_STATE)
        except Exception as e:  # noqa: BLE001 -- a diagnosis must not hide the timeout it explains
            return f"Veil's state unreadable: {e}"
        return f"Veil: {json.dumps(state)}"

    def wait_for_navigation(self, url_part: str, timeout_s: float = 30) -> None:
        """After a click that navigates: wait until the new document at a URL containing
        ``url_part`` has finished loading."""
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                if self.evaluate("(part) => location.href.includes(part) && document.readyState === 'complete'", url_part):
                    return
            except ScriptError:
                pass  # the old document went away mid-call
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.engine}: no loaded page at *{url_part}* within {timeout_s} s")
            time.sleep(0.1)

    @staticmethod
    def sleep(ms: float) -> None:
        time.sleep(ms / 1000)


class Engine:
    """One browser process of one engine."""

    name: str
    version: str = ""

    def new_page(self) -> Page:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


def launch(name: str, workdir: Path) -> Engine:
    """Start the engine ``name`` (one of ENGINES); its profile and logs go under ``workdir``."""
    if name == "chromium":
        return ChromiumEngine()
    if name == "firefox":
        return FirefoxEngine(workdir)
    if name == "webkit":
        return WebKitEngine(workdir)
    raise ValueError(f"unknown engine {name!r}: expected one of {', '.join(ENGINES)}")


def _require(path: str, package: str) -> None:
    if not os.access(path, os.X_OK):
        raise EngineUnavailable(f"{path} is missing: install Debian's {package} (./dev test does)")


def _stop(process: subprocess.Popen[Any] | None) -> None:
    """End a process this module started (its own process group: a browser's helpers go too)."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=5)


# --- Chromium: Playwright --------------------------------------------------------------------


class ChromiumEngine(Engine):
    name = "chromium"

    def __init__(self) -> None:
        _require(CHROMIUM, "chromium")
        from tests.playwright_shared import playwright

        # The process's one driver: the browser tests may hold it already in this xdist worker.
        self._browser = playwright().chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        self.version = self._browser.version

    def new_page(self) -> Page:
        return ChromiumPage(self._browser.new_context(viewport={"width": VIEWPORT[0], "height": VIEWPORT[1]}))

    def close(self) -> None:
        self._browser.close()


class ChromiumPage(Page):
    engine = "chromium"

    def __init__(self, context: Any) -> None:
        from playwright.sync_api import Error

        self._error = Error
        self._context = context
        self._page = context.new_page()
        self._page.set_default_timeout(CALL_TIMEOUT_S * 1000)

    def goto(self, url: str, wait: str = "load") -> None:
        self._page.goto(url, wait_until=wait)

    def reload(self) -> None:
        self._page.reload()

    def evaluate(self, fn: str, arg: Any = None) -> Any:
        try:
            return json.loads(self._page.evaluate(WRAP % fn, json.dumps(arg)))
        except self._error as e:
            if "Execution context was destroyed" in str(e):
                raise ScriptError(str(e)) from e
            raise ScriptError(str(e)) from e

    def click(self, selector: str) -> None:
        self._page.click(selector)

    def type(self, selector: str, text: str) -> None:
        self._page.focus(selector)
        self._page.keyboard.type(text)

    def press(self, key: str) -> None:
        self._page.keyboard.press(key)

    def screenshot(self, path: Path) -> None:
        self._page.screenshot(path=str(path), full_page=True)

    def close(self) -> None:
        self._context.close()


# --- Firefox: WebDriver BiDi ----------------------------------------------------------------


class BiDi:
    """A WebDriver BiDi connection: commands answered by id, events dropped (none subscribed)."""

    def __init__(self, url: str) -> None:
        from websockets.sync.client import connect

        self._connection = connect(url, max_size=None, open_timeout=START_TIMEOUT_S)
        self._ws = self._connection.__enter__()
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def call(self, method: str, timeout_s: float = CALL_TIMEOUT_S, **params: Any) -> dict[str, Any]:
        with self._lock:
            command = next(self._ids)
            self._ws.send(json.dumps({"id": command, "method": method, "params": params}))
            deadline = time.monotonic() + timeout_s
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"firefox: {method} unanswered after {timeout_s} s")
                message = json.loads(self._ws.recv(timeout=left))
                if message.get("id") != command:
                    continue  # an event
                if message.get("type") == "error":
                    raise RuntimeError(f"firefox: {method}: {message.get('error')}: {message.get('message')}")
                return message["result"]

    def close(self) -> None:
        self._connection.__exit__(None, None, None)


class FirefoxEngine(Engine):
    name = "firefox"

    def __init__(self, workdir: Path) -> None:
        _require(FIREFOX, "firefox-esr")
        self._profile = Path(tempfile.mkdtemp(prefix="firefox-profile-", dir=workdir))
        (self._profile / "user.js").write_text("".join(f"user_pref({json.dumps(k)}, {json.dumps(v)});\n" for k, v in FIREFOX_PREFS.items()))
        self._log = open(workdir / "firefox.log", "w+b")  # noqa: SIM115 - kept open for the browser's life, closed in close()
        self._process = subprocess.Popen(
            [FIREFOX, "--headless", "--no-remote", "--profile", str(self._profile), "--remote-debugging-port", "0", "about:blank"],
            stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, "MOZ_CRASHREPORTER_DISABLE": "1", "MOZ_HEADLESS_WIDTH": str(VIEWPORT[0]),
                 "MOZ_HEADLESS_HEIGHT": str(VIEWPORT[1])})
        try:
            self._bidi = BiDi(self._listening_url() + "/session")
            session = self._bidi.call("session.new", capabilities={"alwaysMatch": {"unhandledPromptBehavior": {"default": "dismiss"}}})
            self.version = session["capabilities"]["browserVersion"]
            self._blank = self._bidi.call("browsingContext.getTree")["contexts"][0]["context"]
        except BaseException:
            self.close()
            raise

    def _listening_url(self) -> str:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            self._log.seek(0)
            found = re.search(rb"WebDriver BiDi listening on (ws://[0-9.:]+)", self._log.read())
            if found:
                return found.group(1).decode()
            if self._process.poll() is not None:
                break
            time.sleep(0.1)
        self._log.seek(0)
        raise EngineUnavailable(f"firefox-esr did not start its WebDriver BiDi agent: {self._log.read()[-2000:].decode(errors='replace')}")

    def new_page(self) -> Page:
        user_context = self._bidi.call("browser.createUserContext")["userContext"]
        tab = self._bidi.call("browsingContext.create", type="tab", userContext=user_context)["context"]
        self._bidi.call("browsingContext.setViewport", context=tab, viewport={"width": VIEWPORT[0], "height": VIEWPORT[1]})
        return FirefoxPage(self._bidi, tab, user_context)

    def close(self) -> None:
        bidi = getattr(self, "_bidi", None)
        if bidi is not None:
            try:
                bidi.call("browser.close", timeout_s=10)
            except Exception:  # noqa: BLE001 (closing: the process is ended below either way)
                pass
            bidi.close()
        _stop(self._process)
        self._log.close()
        shutil.rmtree(self._profile, ignore_errors=True)


class FirefoxPage(Page):
    engine = "firefox"

    def __init__(self, bidi: BiDi, context: str, user_context: str) -> None:
        self._bidi = bidi
        self._context = context
        self._user_context = user_context

    def goto(self, url: str, wait: str = "load") -> None:
        self._bidi.call("browsingContext.navigate", context=self._context, url=url,
                        wait="interactive" if wait == "domcontentloaded" else "complete")

    def reload(self) -> None:
        self._bidi.call("browsingContext.reload", context=self._context, wait="complete")

    def _call(self, declaration: str, *arguments: dict[str, Any], own: bool = False) -> dict[str, Any]:
        result = self._bidi.call("script.callFunction", functionDeclaration=declaration, awaitPromise=True,
                                 target={"context": self._context}, arguments=list(arguments),
                                 resultOwnership="root" if own else "none")
        if result["type"] == "exception":
            details = result["exceptionDetails"]
            raise ScriptError(f"firefox: {details.get('text')}")
        return result["result"]

    def evaluate(self, fn: str, arg: Any = None) -> Any:
        value = self._call(WRAP % fn, {"type": "string", "value": json.dumps(arg)})
        return json.loads(value["value"])

    def _center(self, selector: str) -> tuple[int, int]:
        box = self.evaluate("""(selector) => {
            const el = document.querySelector(selector);
            if (!el) return null;
            el.scrollIntoView({block: "center", inline: "center"});
            const r = el.getBoundingClientRect();
            return [Math.floor(r.left + r.width / 2), Math.floor(r.top + r.height / 2)];
        }""", selector)
        if box is None:
            raise ScriptError(f"firefox: no element matches {selector}")
        return box[0], box[1]

    def click(self, selector: str) -> None:
        x, y = self._center(selector)
        self._bidi.call("input.performActions", context=self._context, actions=[{
            "type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"}, "actions": [
                {"type": "pointerMove", "x": x, "y": y, "origin": "viewport"},
                {"type": "pointerDown", "button": 0}, {"type": "pointerUp", "button": 0}]}])

    def _keys(self, keys: str) -> None:
        actions = [{"type": kind, "value": key} for key in keys for kind in ("keyDown", "keyUp")]
        self._bidi.call("input.performActions", context=self._context,
                        actions=[{"type": "key", "id": "keyboard", "actions": actions}])

    def type(self, selector: str, text: str) -> None:
        if not self.evaluate("(s) => { const el = document.querySelector(s); if (el) el.focus(); return !!el; }", selector):
            raise ScriptError(f"firefox: no element matches {selector}")
        self._keys(text)

    def press(self, key: str) -> None:
        self._keys(KEYS[key])

    def screenshot(self, path: Path) -> None:
        data = self._bidi.call("browsingContext.captureScreenshot", context=self._context, origin="document")["data"]
        path.write_bytes(base64.b64decode(data))

    def close(self) -> None:
        self._bidi.call("browsingContext.close", context=self._context)
        self._bidi.call("browser.removeUserContext", userContext=self._user_context)


# --- WebKitGTK: classic WebDriver (WebKitWebDriver + MiniBrowser under Xvfb) ------------------


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class WebKitEngine(Engine):
    name = "webkit"

    def __init__(self, workdir: Path) -> None:
        for path, package in ((WEBKIT_DRIVER, "webkit2gtk-driver"), (MINIBROWSER, "libwebkit2gtk-4.1-0"), (XVFB, "xvfb")):
            _require(path, package)
        self._xvfb: subprocess.Popen[Any] | None = None
        self._driver: subprocess.Popen[Any] | None = None
        self._log = open(workdir / "webkit.log", "w+b")  # noqa: SIM115 - kept open for the driver's life, closed in close()
        self.session = ""
        try:
            display = self._start_xvfb()
            port = _free_port()
            self._driver = subprocess.Popen([WEBKIT_DRIVER, f"--port={port}"], stdout=self._log, stderr=subprocess.STDOUT,
                                            start_new_session=True, env={**os.environ, "DISPLAY": display})
            self._base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + START_TIMEOUT_S
            while True:
                try:
                    self.request("GET", "/status", timeout_s=2)
                    break
                except (OSError, urllib.error.URLError) as e:
                    if time.monotonic() > deadline or self._driver.poll() is not None:
                        raise EngineUnavailable(f"WebKitWebDriver did not start: {e}") from e
                    time.sleep(0.1)
            # "normal": a navigation answers after the load event. ("eager" left the driver's next
            # script waiting forever, now and then, on pages with a srcdoc iframe.)
            session = self.request("POST", "/session", {"capabilities": {"alwaysMatch": {
                "pageLoadStrategy": "normal",
                "webkitgtk:browserOptions": {"binary": MINIBROWSER, "args": ["--automation"]}}}})
            self.session = session["sessionId"]
            self.version = session["capabilities"].get("browserVersion", "")
            self.request("POST", f"/session/{self.session}/timeouts", {"script": CALL_TIMEOUT_S * 1000, "pageLoad": CALL_TIMEOUT_S * 1000})
            self.request("POST", f"/session/{self.session}/window/rect", {"width": VIEWPORT[0], "height": VIEWPORT[1] + 80})
        except BaseException:
            self.close()
            raise

    def _start_xvfb(self) -> str:
        read, write = os.pipe()
        self._xvfb = subprocess.Popen([XVFB, "-displayfd", str(write), "-screen", "0", "1440x1000x24", "-nolisten", "tcp"],
                                      pass_fds=(write,), stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        os.close(write)
        number = b""
        deadline = time.monotonic() + START_TIMEOUT_S
        while not number.endswith(b"\n") and time.monotonic() < deadline:
            chunk = os.read(read, 16)
            if not chunk:
                break
            number += chunk
        os.close(read)
        if not number.strip().isdigit():
            raise EngineUnavailable("Xvfb did not report a display")
        return ":" + number.strip().decode()

    def request(self, method: str, path: str, body: Any = None, timeout_s: float = CALL_TIMEOUT_S + 10) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self._base + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout_s) as response:
                return json.loads(response.read())["value"]
        except urllib.error.HTTPError as e:
            value = json.loads(e.read() or b"{}").get("value", {})
            if value.get("error") in ("javascript error", "script timeout"):
                raise ScriptError(f"webkit: {value.get('message')}") from None
            raise RuntimeError(f"webkit: {method} {path}: {value.get('error')}: {value.get('message')}") from None

    def new_page(self) -> Page:
        return WebKitPage(self)

    def close(self) -> None:
        if self.session:
            try:
                self.request("DELETE", f"/session/{self.session}", timeout_s=10)
            except Exception:  # noqa: BLE001 (closing: the processes are ended below either way)
                pass
            self.session = ""
        _stop(self._driver)
        _stop(self._xvfb)
        self._log.close()


class WebKitPage(Page):
    """The session's one window: a test's page is isolated by its own origin (every test serves its
    own site on a fresh port), and left on about:blank when it closes. Navigations wait for the
    load event (DOMContentLoaded alone cannot be waited for: see goto)."""

    engine = "webkit"

    def __init__(self, engine: WebKitEngine) -> None:
        self._engine = engine
        self._session = f"/session/{engine.session}"

    def _do(self, method: str, path: str, body: Any = None) -> Any:
        return self._engine.request(method, self._session + path, body)

    def goto(self, url: str, wait: str = "load") -> None:
        # Answers after the load event whatever ``wait`` asks (the session's page load strategy):
        # a test's page loads within milliseconds of its DOMContentLoaded, long before Veil's
        # runtime (started after the load event) is up.
        self._do("POST", "/url", {"url": url})

    def reload(self) -> None:
        self._do("POST", "/refresh", {})

    def evaluate(self, fn: str, arg: Any = None) -> Any:
        script = ("const done = arguments[arguments.length - 1];"
                  f"({WRAP % fn})(arguments[0]).then((v) => done({{ok: v}}), (e) => done({{error: String(e && e.stack || e)}}));")
        answer = self._do("POST", "/execute/async", {"script": script, "args": [json.dumps(arg)]})
        if answer is None or "error" in answer:
            raise ScriptError(f"webkit: {answer and answer['error']}")
        return json.loads(answer["ok"])

    def _element(self, selector: str) -> str:
        try:
            return self._do("POST", "/element", {"using": "css selector", "value": selector})[ELEMENT]
        except RuntimeError as e:
            raise ScriptError(f"webkit: no element matches {selector}") from e

    def click(self, selector: str) -> None:
        self._do("POST", f"/element/{self._element(selector)}/click", {})

    def type(self, selector: str, text: str) -> None:
        self._do("POST", f"/element/{self._element(selector)}/value", {"text": text})

    def press(self, key: str) -> None:
        code = KEYS[key]
        self._do("POST", "/actions", {"actions": [{"type": "key", "id": "keyboard", "actions": [
            {"type": "keyDown", "value": code}, {"type": "keyUp", "value": code}]}]})

    def screenshot(self, path: Path) -> None:
        path.write_bytes(base64.b64decode(self._do("GET", "/screenshot")))

    def close(self) -> None:
        try:
            self._do("POST", "/url", {"url": "about:blank"})
        except RuntimeError:
            pass


Factory = Callable[[], Page]
