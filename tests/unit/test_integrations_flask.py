"""veil.integrations.flask: a Flask site serves the bundle, renders the snippet as a Jinja global,
and its Content-Security-Policy gains Veil's sources."""

from __future__ import annotations

import re

import pytest
from flask import Flask, render_template_string

from tests.fakebundle import RUNTIME, make_bundle
from veil.integrations.files import CACHE_IMMUTABLE, CACHE_REVALIDATE
from veil.integrations.flask import Veil

CONFIG = {"endpoint": "https://collect.example/v1/batches", "clientToken": "pk_test"}


def make_site(bundle, **options) -> Flask:
    app = Flask(__name__)
    Veil(app, config=CONFIG, bundle=bundle, **options)

    @app.get("/")
    def home():
        return render_template_string("<head>{{ veil_snippet() }}</head>")

    @app.get("/strict")
    def strict():
        return render_template_string("<head>{{ veil_snippet() }}</head>"), {"Content-Security-Policy": "default-src 'self'"}

    return app


@pytest.fixture
def bundle(tmp_path):
    return make_bundle(tmp_path / "dist")


def nonce_in(html: str) -> str:
    found = re.search(r'<script nonce="([^"]+)">', html)
    assert found, html
    return found.group(1)


def test_the_bundle_is_served_under_the_prefix_with_the_readmes_headers(bundle):
    client = make_site(bundle).test_client()
    response = client.get("/static/veil/veil.js", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Cache-Control"] == CACHE_REVALIDATE and response.headers["Vary"] == "Accept-Encoding"
    assert response.headers["Content-Type"].startswith("text/javascript")
    worker = client.get(f"/static/veil/{RUNTIME}/veil-worker.mjs")
    assert worker.headers["Cache-Control"] == CACHE_IMMUTABLE and worker.data.startswith(b"// worker")
    again = client.get("/static/veil/veil.js", headers={"Accept-Encoding": "gzip", "If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


@pytest.mark.parametrize("url", ["/static/veil/../app.py", "/static/veil/nope.js", "/static/veil/veil.js.br",
                                 "/static/veil/%2e%2e/%2e%2e/etc/passwd"])
def test_nothing_outside_the_manifest_is_served(bundle, url):
    assert make_site(bundle).test_client().get(url).status_code == 404


def test_the_jinja_global_writes_the_snippet_with_the_requests_nonce_allowed_by_the_policy(bundle):
    client = make_site(bundle).test_client()
    response = client.get("/strict")
    html = response.get_data(as_text=True)
    nonce = nonce_in(html)
    assert '"/static/veil/veil.js"' in html and bundle.integrity("veil.js") in html and "&#34;" not in html
    policy = response.headers["Content-Security-Policy"]
    assert policy.startswith("default-src 'self'") and f"'nonce-{nonce}'" in policy and "https://collect.example" in policy
    assert "Content-Security-Policy" not in client.get("/").headers  # no policy of the site's, none given


def test_a_given_policy_a_prefix_and_csp_off(bundle):
    client = make_site(bundle, url_prefix="/assets/v", policy="default-src 'self'").test_client()
    response = client.get("/")
    assert '"/assets/v/veil.js"' in response.get_data(as_text=True)
    assert "'wasm-unsafe-eval'" in response.headers["Content-Security-Policy"]
    assert client.get("/assets/v/veil.mjs").status_code == 200
    quiet = make_site(bundle, csp=False).test_client().get("/strict")
    assert quiet.headers["Content-Security-Policy"] == "default-src 'self'"
    assert "nonce=" not in quiet.get_data(as_text=True)


def test_a_nonce_another_extension_set_is_kept(bundle):
    app = make_site(bundle)

    @app.before_request
    def talisman_like():
        from flask import request

        request.csp_nonce = "site-own"

    app.before_request_funcs[None].insert(0, app.before_request_funcs[None].pop())  # before Veil's
    response = app.test_client().get("/strict")
    assert nonce_in(response.get_data(as_text=True)) == "site-own"
    assert "'nonce-site-own'" in response.headers["Content-Security-Policy"]
