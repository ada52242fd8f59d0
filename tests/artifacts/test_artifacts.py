"""The release's artifacts as a site installs them: nothing from this checkout on the path.

Builds the wheel, sdist and npm tarball with release.py (from this tree, the bundle built
afresh), then, in a fresh virtual environment, installs the wheel with its ``collector`` extra and
the frameworks; starts the collector from its installed command, and a FastAPI site and a Django
site that use ``veil.integrations`` (each under a strict Content-Security-Policy that only the
helpers' directives open for Veil); and in a fresh npm directory installs the tarball and bundles
a small app with esbuild and the package's plugin. Each site is visited in Chromium and judged by
what the collector stored: the page's text masked, what the visitor typed absent.

Run by ``./dev test`` with the rest of the suite (``-m artifacts``: only these; ``-m "not artifacts"``:
all but these). 3.5 to 6 minutes on a busy machine (215 s at load 13, 370 s at load 30, 2 cores): a fresh dist/, pip's
install from PyPI and the built wheel, npm's from the registry and the tarball, three runtime boots.
Every step is bounded: each command by a timeout, each boot and each wait for stored events too.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import textwrap
import threading
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import pytest

from tests.helpers import ROOT, load_build
from veil.preview.record import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.artifacts

CLIENT_TOKEN = "artifact-client-token"
OPERATOR_TOKEN = "artifact-operator-token"
TYPED = "Ada Lovelace 4111"  # typed by the visitor: must never be stored
HEADING = "Checkout summary"  # the page's own text: stored masked, as "******** *******"
BOOT_TIMEOUT_MS = 120_000
STRICT_POLICY = "default-src 'self'; object-src 'none'; base-uri 'none'"


def load_release():
    import importlib.util

    spec = importlib.util.spec_from_file_location("veil_release", ROOT / "release.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pinned(name: str) -> str:
    """The requirement pyproject.toml's test extra pins for ``name`` (one place for versions)."""
    extra = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["test"]
    for requirement in extra:
        if requirement.lower().startswith(name + "=="):
            return requirement
    raise AssertionError(f"pyproject.toml's test extra pins no {name}")


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without anything that would put the checkout or its venv on a path."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME", "PYTHONSTARTUP")}
    env.update(extra)
    return env


def run(command: list[str], cwd: Path, env: dict[str, str], timeout: float = 600) -> str:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 0, f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    return done.stdout


@dataclass
class Server:
    """A process started for a test, with its output in a file, stopped at the end."""

    process: subprocess.Popen[bytes]
    log: Path
    url: str

    def wait(self, path: str = "/", timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"{self.url} exited ({self.process.returncode}):\n{self.log.read_text()[-4000:]}")
            try:
                with urllib.request.urlopen(self.url + path, timeout=5):
                    return
            except urllib.error.HTTPError:
                return  # it answers
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"{self.url} did not answer in {timeout} s:\n{self.log.read_text()[-4000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start(command: list[str], cwd: Path, env: dict[str, str], port: int, name: str) -> Server:
    log = cwd / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    return Server(process, log, f"http://127.0.0.1:{port}")


# --- fixtures: the artifacts, the environments, the collector --------------------------------------

@pytest.fixture(scope="module")
def artifacts(tmp_path_factory) -> dict[str, Path]:
    """release.py's artifacts of this tree (uncommitted changes included: a test checks the tree
    as it is; ./dev release refuses them)."""
    if not (ROOT / "node_modules" / "pyodide").exists():
        pytest.skip("run `npm ci` first (./dev test does)")
    work = tmp_path_factory.mktemp("release")
    dist = load_build().build(work / "dist")
    paths = load_release().release(work / "out", allow_dirty=True, dist=dist)
    return {p.name.split("-")[1] if p.name.startswith("veil-replay") else p.suffix: p for p in paths}


@pytest.fixture(scope="module")
def venv(artifacts, tmp_path_factory) -> Path:
    """A fresh virtual environment with the built wheel (and its collector extra) and the two
    frameworks installed by pip: no checkout on sys.path."""
    home = tmp_path_factory.mktemp("venv")
    venv = home / "venv"
    run([sys.executable, "-m", "venv", str(venv)], home, clean_env())
    wheel = artifacts[".whl"]
    run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         f"veil[collector] @ {wheel.as_uri()}", pinned("fastapi"), pinned("django")], home, clean_env(), timeout=900)
    return venv


@pytest.fixture(scope="module")
def collector(venv, tmp_path_factory) -> Iterator[Server]:
    """The collector from its installed command, every site's origin allowed."""
    home = tmp_path_factory.mktemp("collector")
    port = free_port()
    env = clean_env(VEIL_CLIENT_TOKEN=CLIENT_TOKEN, VEIL_OPERATOR_TOKEN=OPERATOR_TOKEN, VEIL_SESSION_SECRET="s" * 40)
    origins = [arg for port_ in SITE_PORTS.values() for arg in ("--origin", f"http://127.0.0.1:{port_}")]
    server = start([str(venv / "bin" / "veil-collector"), "--port", str(port), "--db", str(home / "c.sqlite3"), *origins],
                   home, env, port, "collector")
    try:
        server.wait("/healthz")
        yield server
    finally:
        server.stop()


SITE_PORTS = {"fastapi": free_port(), "django": free_port(), "npm": free_port()}


@pytest.fixture(scope="module")
def chromium():
    from tests.playwright_shared import playwright

    browser = playwright().chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


# --- visiting and judging -------------------------------------------------------------------------

def stored_sessions(collector: Server) -> list[dict[str, Any]]:
    request = urllib.request.Request(f"{collector.url}/v1/sessions", headers={"Authorization": f"Bearer {OPERATOR_TOKEN}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def stored_events(collector: Server, session: str) -> list[dict[str, Any]]:
    request = urllib.request.Request(f"{collector.url}/v1/sessions/{session}/events",
                                     headers={"Authorization": f"Bearer {OPERATOR_TOKEN}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def visit_and_read_back(chromium, collector: Server, url: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Visit ``url``, type into its field, flush; return the events the collector stored for the
    visit (found by its page URL) and what the page saw (errors, CSP violations, requests)."""
    context = chromium.new_context()
    seen: dict[str, Any] = {"errors": [], "console": [], "requests": []}
    try:
        page = context.new_page()
        page.on("pageerror", lambda err: seen["errors"].append(str(err)))
        page.on("console", lambda msg: seen["console"].append(msg.text))
        context.on("request", lambda request: seen["requests"].append(request.url))
        page.goto(url)
        page.wait_for_function("() => window.Veil && Veil.status === 'recording'", timeout=BOOT_TIMEOUT_MS)
        page.fill("#name", TYPED)
        deadline = time.monotonic() + 60
        while True:
            page.evaluate("() => Veil.flush()")
            for row in stored_sessions(collector):
                events = stored_events(collector, str(row["session"]))
                hrefs = [e["data"].get("href", "") for e in events if e.get("type") == 4]
                text = json.dumps(events)
                if any(h.startswith(url) for h in hrefs) and '"source": 5' in text:  # an input event: the typing arrived
                    return events, seen
            if time.monotonic() > deadline:
                raise AssertionError(f"nothing stored for {url} in 60 s; page saw {seen}")
            time.sleep(0.5)
    finally:
        context.close()


def assert_recorded_privately(events: list[dict[str, Any]], seen: dict[str, Any], origin: str) -> None:
    text = json.dumps(events, ensure_ascii=False)
    assert any(e.get("type") == 2 for e in events), "no full snapshot stored"
    assert TYPED not in text and "Lovelace" not in text, "what the visitor typed was stored"
    assert HEADING not in text and "******** *******" in text, "the page's text is not stored masked"
    assert not [m for m in seen["console"] if "Content Security Policy" in m], seen["console"]
    assert not seen["errors"], seen["errors"]
    foreign = [u for u in seen["requests"] if not u.startswith((origin, "http://127.0.0.1"))]
    assert not foreign, f"requests left the site's own origin and the collector: {foreign}"


PAGE = f"""<!doctype html><html><head><title>Shop</title>{{snippet}}</head>
<body><h1>{HEADING}</h1><label for="name">Name</label><input id="name" autocomplete="off"></body></html>"""


FASTAPI_SITE = '''
"""A FastAPI site using veil.integrations.starlette, as a user writes one."""
import sys

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from veil.integrations.starlette import Veil

port, collector, token, policy, page = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
veil = Veil(config={"endpoint": collector + "/v1/batches", "clientToken": token, "consent": "not-required"})
app = FastAPI()
veil.install(app, policy=policy)


@app.get("/", response_class=HTMLResponse)
def home(request: Request) -> str:
    return page.replace("{snippet}", veil.snippet(request))


uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
'''

DJANGO_SITE = '''
"""A Django site using veil.integrations.django, as a user writes one (one file, for the test)."""
import sys

from django.conf import settings

port, collector, token, policy, page = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
settings.configure(
    DEBUG=False, SECRET_KEY="artifact-test-" + "k" * 40, ALLOWED_HOSTS=["127.0.0.1"], ROOT_URLCONF=__name__,
    INSTALLED_APPS=["veil.integrations.django"],
    MIDDLEWARE=["veil.integrations.django.middleware.VeilCSPMiddleware"],
    TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}],
    VEIL={"config": {"endpoint": collector + "/v1/batches", "clientToken": token, "consent": "not-required"},
          "policy": policy},
)
import django

django.setup()
from django.http import HttpResponse
from django.template import engines
from django.urls import include, path

template = engines["django"].from_string("{% load veil %}" + page.replace("{snippet}", "{% veil_snippet %}"))


def home(request):
    return HttpResponse(template.render({}, request))


urlpatterns = [path("", home), path("assets/veil/", include("veil.integrations.django.urls"))]

from django.core.management import execute_from_command_line

execute_from_command_line(["site", "runserver", f"127.0.0.1:{port}", "--noreload"])
'''


@pytest.mark.parametrize("framework", ["fastapi", "django"])
def test_a_site_installed_from_the_wheel_records_through_the_helpers(framework, venv, collector, chromium, tmp_path):
    python = str(venv / "bin" / "python")
    where = run([python, "-c", "import veil, veil.bundle; print(veil.__file__); print(veil.bundle.directory())"], tmp_path, clean_env())
    package, bundle = where.split()
    assert package.startswith(str(venv)) and bundle.startswith(str(venv)), f"veil imported from outside the venv: {where}"
    assert not package.startswith(str(ROOT / "sdk"))

    script = tmp_path / f"{framework}_site.py"
    script.write_text(textwrap.dedent(FASTAPI_SITE if framework == "fastapi" else DJANGO_SITE))
    port = SITE_PORTS[framework]
    site = start([python, str(script), str(port), collector.url, CLIENT_TOKEN, STRICT_POLICY, PAGE], tmp_path, clean_env(), port,
                 framework)
    try:
        site.wait("/")
        with urllib.request.urlopen(site.url + "/", timeout=10) as response:
            policy = response.headers["Content-Security-Policy"]
            html = response.read().decode()
        assert "'wasm-unsafe-eval'" in policy and "worker-src 'self'" in policy and collector.url in policy, policy
        assert "object-src 'none'" in policy  # the site's own policy kept
        events, seen = visit_and_read_back(chromium, collector, site.url + "/")
        assert_recorded_privately(events, seen, site.url)
        veil_js = "/static/veil/veil.js" if framework == "fastapi" else "/assets/veil/veil.js"
        assert json.dumps(veil_js) in html
        assert site.url + veil_js in seen["requests"]
    finally:
        site.stop()


def test_the_installed_collector_command_and_a_site_helper_work_from_a_clean_install(venv, tmp_path):
    python = str(venv / "bin" / "python")
    out = run([str(venv / "bin" / "veil-collector"), "--help"], tmp_path, clean_env())
    assert "--port" in out
    probe = ("from veil.integrations.starlette import Veil; from veil import bundle; v = Veil(config={'endpoint': '/c'}); "
             "print(bundle.integrity() in v.snippet(nonce='n0nce'), sorted(bundle.manifest()['directories']))")
    assert run([python, "-c", probe], tmp_path, clean_env()).split() == ["True", "['pyodide',", "'runtime']"]


# --- the npm package ------------------------------------------------------------------------------

NPM_APP = """
import { load, VERSION } from "veil-replay";

const Veil = load({ base: "/veil/" });
Veil.init({ endpoint: "__ENDPOINT__", clientToken: "__TOKEN__", consent: "not-required" });
window.veilReplayVersion = VERSION;
"""

NPM_BUILD = """
import * as esbuild from "esbuild";
import { veil } from "veil-replay/esbuild";

await esbuild.build({ entryPoints: ["app.js"], bundle: true, format: "esm", outdir: "out", plugins: [veil()], logLevel: "warning" });
"""

NPM_TYPES = """
import { load, INTEGRITY, type VeilConfig } from "veil-replay";

const config: VeilConfig = { endpoint: "/collect", consent: "not-required" };
const Veil = load({ base: "/veil/" });
void Veil.init(config).then(() => Veil.start());
const integrity: string = INTEGRITY;
// @ts-expect-error load needs the base URL the runtime files are served from
load({});
export { integrity };
"""


class _Files(http.server.SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm",
                                                ".json": "application/json", ".zip": "application/zip", ".whl": "application/zip", "": "application/octet-stream"}

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def npm_site(artifacts, tmp_path_factory, collector) -> Path:
    """A fresh npm directory: the tarball and esbuild installed, the app bundled by the plugin."""
    site = tmp_path_factory.mktemp("npm-site")
    esbuild = json.loads((ROOT / "package.json").read_text())["devDependencies"]["esbuild"]
    (site / "package.json").write_text(json.dumps({"name": "site", "private": True, "type": "module"}))
    npm = shutil.which("npm")
    assert npm, "npm is missing"
    run([npm, "install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", str(artifacts["replay"]),
         f"esbuild@{esbuild}"], site, clean_env(), timeout=600)
    (site / "app.js").write_text(NPM_APP.replace("__ENDPOINT__", collector.url + "/v1/batches").replace("__TOKEN__", CLIENT_TOKEN))
    (site / "build.mjs").write_text(NPM_BUILD)
    run(["node", "build.mjs"], site, clean_env())
    (site / "out" / "index.html").write_text(PAGE.replace("{snippet}", '<script type="module" src="/app.js"></script>'))
    return site


def test_a_bundled_app_installed_from_the_npm_tarball_records(npm_site, collector, chromium, artifacts):
    out = npm_site / "out"
    manifest = json.loads((out / "veil" / "manifest.json").read_text())
    assert all((out / "veil" / name).is_file() for name in manifest["files"]), "the plugin did not copy every runtime file"
    bundled = (out / "app.js").read_text()
    assert manifest["files"]["veil.js"]["sha384"] in bundled  # the entry checks veil.js's integrity
    assert "pyodide" not in bundled.lower()  # the runtime is loaded from the base URL, never bundled

    port = SITE_PORTS["npm"]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(_Files, directory=str(out)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{port}/"
        events, seen = visit_and_read_back(chromium, collector, url)
        assert_recorded_privately(events, seen, url)
        assert f"{url}veil/veil.js" in seen["requests"]
    finally:
        server.shutdown()
        server.server_close()


def test_the_npm_package_copy_command_and_types(npm_site):
    copied = npm_site / "copied"
    done = run([str(npm_site / "node_modules" / ".bin" / "veil-replay"), "copy", str(copied)], npm_site, clean_env())
    manifest = json.loads((copied / "manifest.json").read_text())
    assert manifest["files"]["veil.js"]["sha384"] in done
    for name, entry in manifest["files"].items():
        assert (copied / name).is_file(), name
        for encoding in entry["encodings"]:
            assert (copied / (name + {"br": ".br", "gzip": ".gz"}[encoding])).is_file(), (name, encoding)

    tsc = ROOT / "node_modules" / ".bin" / "tsc"
    if not tsc.exists():
        pytest.skip("run `npm ci` first (TypeScript checks the package's types)")
    (npm_site / "usage.ts").write_text(NPM_TYPES)
    run([str(tsc), "--noEmit", "--strict", "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022",
         "--lib", "es2022,dom", "usage.ts"], npm_site, clean_env())
