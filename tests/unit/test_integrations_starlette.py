"""veil.integrations.starlette: a FastAPI or Starlette site serves the bundle and renders the snippet."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.templating import Jinja2Templates
from starlette.testclient import TestClient

from tests.fakebundle import PYODIDE, RUNTIME, make_bundle
from veil.integrations.files import CACHE_IMMUTABLE, CACHE_REVALIDATE
from veil.integrations.starlette import Veil

CONFIG = {"endpoint": "https://collect.example/v1/batches", "clientToken": "pk_test"}


@pytest.fixture
def veil(tmp_path):
    return Veil(config=CONFIG, bundle=make_bundle(tmp_path / "dist"))


def fastapi_site(veil: Veil, **install) -> FastAPI:
    app = FastAPI()
    veil.install(app, **install)

    @app.get("/", response_class=HTMLResponse)
    def home(request: Request) -> str:
        return f"<!doctype html><head>{veil.snippet(request)}</head><body>Shop</body>"

    @app.get("/strict", response_class=HTMLResponse)
    def strict(request: Request) -> HTMLResponse:
        return HTMLResponse(f"<head>{veil.snippet(request)}</head>", headers={"Content-Security-Policy": "default-src 'self'"})

    return app


def nonce_in(html: str) -> str:
    found = re.search(r'<script nonce="([^"]+)">', html)
    assert found, html
    return found.group(1)


def test_the_bundle_is_served_under_its_path_with_the_readmes_headers(veil):
    client = TestClient(fastapi_site(veil))
    response = client.get("/static/veil/veil.js", headers={"Accept-Encoding": "br"})
    assert response.status_code == 200 and response.headers["content-encoding"] == "br"
    assert response.headers["cache-control"] == CACHE_REVALIDATE and response.headers["vary"] == "Accept-Encoding"
    assert response.headers["content-type"].startswith("text/javascript")
    wasm = client.get(f"/static/veil/{PYODIDE}/pyodide.asm.wasm", headers={"Accept-Encoding": "gzip"})
    assert wasm.headers["content-type"] == "application/wasm" and wasm.headers["cache-control"] == CACHE_IMMUTABLE
    assert wasm.content.startswith(b"\0asm")  # the client decoded the gzip sibling
    worker = client.get(f"/static/veil/{RUNTIME}/veil-worker.mjs", headers={"Accept-Encoding": "identity"})
    assert worker.text.startswith("// worker") and "content-encoding" not in worker.headers
    assert client.head("/static/veil/veil.mjs").status_code == 200


def test_a_repeat_visit_revalidates_veil_js_with_a_304(veil):
    client = TestClient(fastapi_site(veil))
    first = client.get("/static/veil/veil.js", headers={"Accept-Encoding": "br"})
    again = client.get("/static/veil/veil.js", headers={"Accept-Encoding": "br", "If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


@pytest.mark.parametrize("path", ["/static/veil/../pyproject.toml", "/static/veil/%2e%2e/%2e%2e/etc/passwd", "/static/veil/nope.js",
                                  "/static/veil/veil.js.br", f"/static/veil/{RUNTIME}/"])
def test_nothing_outside_the_manifest_is_served(veil, path):
    response = TestClient(fastapi_site(veil)).get(path)
    assert response.status_code == 404


def test_other_methods_are_refused(veil):
    assert TestClient(fastapi_site(veil)).post("/static/veil/veil.js").status_code == 405


def test_the_snippet_carries_the_requests_nonce_and_the_policy_allows_it(veil):
    client = TestClient(fastapi_site(veil))
    page = client.get("/strict")
    nonce = nonce_in(page.text)
    policy = page.headers["content-security-policy"]
    assert f"'nonce-{nonce}'" in policy and "'wasm-unsafe-eval'" in policy and "https://collect.example" in policy
    assert policy.startswith("default-src 'self'")
    assert veil.bundle.integrity("veil.js") in page.text and '"/static/veil/veil.js"' in page.text
    assert nonce_in(client.get("/strict").text) != nonce  # a fresh nonce for every response


def test_a_response_without_a_policy_gets_none_unless_one_is_given(veil):
    assert "content-security-policy" not in TestClient(fastapi_site(veil)).get("/").headers
    page = TestClient(fastapi_site(veil, policy="default-src 'self'; img-src *")).get("/")
    assert f"'nonce-{nonce_in(page.text)}'" in page.headers["content-security-policy"]
    assert "img-src *" in page.headers["content-security-policy"]


def test_a_nonce_the_site_set_is_kept(veil):
    async def page(request):
        return PlainTextResponse(str(veil.snippet(request)), headers={"Content-Security-Policy": "script-src 'self'"})

    class SiteNonce:
        def __init__(self, app):
            self.app = app

        async def __call__(self, scope, receive, send):
            scope.setdefault("state", {})["csp_nonce"] = "site-own-nonce"
            await self.app(scope, receive, send)

    app = Starlette(routes=[Route("/", page)])
    veil.install(app)
    app.add_middleware(SiteNonce)  # outermost: runs before Veil's
    response = TestClient(app).get("/")
    assert nonce_in(response.text) == "site-own-nonce" and "'nonce-site-own-nonce'" in response.headers["content-security-policy"]


def test_the_jinja_global_renders_the_snippet_for_the_request(veil, tmp_path):
    (tmp_path / "page.html").write_text("<head>{{ veil_snippet() }}</head>|{{ veil_snippet(consent='not-required') }}")
    templates = Jinja2Templates(directory=str(tmp_path))
    veil.install_templates(templates)
    app = FastAPI()
    veil.install(app, policy="default-src 'self'")

    @app.get("/")
    def home(request: Request):
        return templates.TemplateResponse(request, "page.html")

    response = TestClient(app).get("/")
    first, second = response.text.split("|")
    assert first.startswith('<head><script nonce="') and "&lt;" not in first  # not escaped twice
    assert f"'nonce-{nonce_in(first)}'" in response.headers["content-security-policy"]
    assert '"clientToken":"pk_test"' in first and '{"consent":"not-required"}' in second


def test_a_relative_path_is_refused_and_a_missing_bundle_named(tmp_path):
    with pytest.raises(ValueError, match="must start with '/'"):
        Veil(config=CONFIG, path="static/veil", bundle=make_bundle(tmp_path))
    from veil.bundle import BundleNotFound

    with pytest.raises(BundleNotFound):
        Veil(config=CONFIG, bundle=tmp_path / "nowhere")
