"""veil.integrations.django: a Django site serves the bundle, renders the snippet with a template
tag, and its Content-Security-Policy gains Veil's sources."""

from __future__ import annotations

import re

import django
import pytest
from django.conf import settings

if not settings.configured:
    settings.configure(
        DEBUG=False, SECRET_KEY="unit-test-" + "k" * 40, ALLOWED_HOSTS=["testserver"], ROOT_URLCONF=__name__,
        INSTALLED_APPS=["veil.integrations.django"],
        MIDDLEWARE=["veil.integrations.django.middleware.VeilCSPMiddleware"],
        TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}],
        VEIL={},
    )
    django.setup()

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.template import engines
from django.test import Client, override_settings
from django.urls import include, path

from tests.fakebundle import PYODIDE, make_bundle
from veil.integrations.django.site import site
from veil.integrations.files import CACHE_IMMUTABLE, CACHE_REVALIDATE

CONFIG = {"endpoint": "https://collect.example/v1/batches", "clientToken": "pk_test"}
PAGE = "{% load veil %}<head>{% veil_snippet %}</head>"


def page(request):
    response = HttpResponse(engines["django"].from_string(PAGE).render({}, request))
    if request.GET.get("policy"):
        response["Content-Security-Policy"] = request.GET["policy"]
    return response


def other_config(request):
    template = engines["django"].from_string("{% load veil %}{% veil_snippet config nonce='given' %}")
    return HttpResponse(template.render({"config": {"endpoint": "/elsewhere"}}, request))


urlpatterns = [path("", page), path("other/", other_config), path("assets/veil/", include("veil.integrations.django.urls"))]


@pytest.fixture
def bundle(tmp_path):
    return make_bundle(tmp_path / "dist")


@pytest.fixture
def client(bundle):
    with override_settings(VEIL={"config": CONFIG, "bundle": str(bundle.directory)}):
        yield Client()


def nonce_in(html: str) -> str:
    found = re.search(r'<script nonce="([^"]+)">', html)
    assert found, html
    return found.group(1)


def test_the_bundle_is_served_where_the_urls_are_included(client):
    response = client.get("/assets/veil/veil.js", headers={"Accept-Encoding": "gzip, br"})
    assert response.status_code == 200 and response["Content-Encoding"] == "br"
    assert response["Cache-Control"] == CACHE_REVALIDATE and response["Vary"] == "Accept-Encoding"
    assert response["Content-Type"].startswith("text/javascript") and not response.has_header("Content-Disposition")
    wasm = client.get(f"/assets/veil/{PYODIDE}/pyodide.asm.wasm")
    assert wasm["Content-Type"] == "application/wasm" and wasm["Cache-Control"] == CACHE_IMMUTABLE
    assert b"".join(wasm.streaming_content).startswith(b"\0asm")
    again = client.get("/assets/veil/veil.js", headers={"Accept-Encoding": "br", "If-None-Match": response["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize("url", ["/assets/veil/../manifest.json", "/assets/veil/nope.js", "/assets/veil/veil.js.gz",
                                 "/assets/veil/%2e%2e/%2e%2e/etc/passwd"])
def test_nothing_outside_the_manifest_is_served(client, url):
    assert client.get(url).status_code == 404


def test_only_get_and_head(client):
    assert client.post("/assets/veil/veil.js").status_code == 405
    assert client.head("/assets/veil/veil.js").status_code == 200


def test_the_template_tag_writes_the_snippet_with_the_requests_nonce_allowed_by_the_policy(client, bundle):
    response = client.get("/", {"policy": "default-src 'self'"})
    html = response.content.decode()
    nonce = nonce_in(html)
    assert '"/assets/veil/veil.js"' in html and bundle.integrity("veil.js") in html
    assert '"clientToken":"pk_test"' in html and "&quot;" not in html  # markup, not escaped twice
    policy = response["Content-Security-Policy"]
    assert f"'nonce-{nonce}'" in policy and "'wasm-unsafe-eval'" in policy and "https://collect.example" in policy
    assert nonce_in(client.get("/").content.decode()) != nonce


def test_a_response_without_a_policy_gets_none_unless_the_setting_gives_one(bundle):
    with override_settings(VEIL={"config": CONFIG, "bundle": str(bundle.directory)}):
        assert not Client().get("/").has_header("Content-Security-Policy")
    with override_settings(VEIL={"config": CONFIG, "bundle": str(bundle.directory), "policy": "default-src 'self'"}):
        response = Client().get("/")
        assert f"'nonce-{nonce_in(response.content.decode())}'" in response["Content-Security-Policy"]


def test_the_tag_takes_a_config_and_a_nonce(client):
    html = client.get("/other/").content.decode()
    assert nonce_in(html) == "given" and '{"endpoint":"/elsewhere"}' in html


@pytest.mark.parametrize(("setting", "message"), [
    (["config"], "VEIL must be a dict"),
    ({"confg": {}}, "unknown key"),
    ({"config": "endpoint=/c"}, r"VEIL\['config'\] must be a dict"),
    ({"connect": "https://a.example"}, "list of origins"),
    ({"policy": 1}, "Content-Security-Policy string"),
])
def test_a_bad_setting_is_a_clear_error(setting, message):
    with override_settings(VEIL=setting), pytest.raises(ImproperlyConfigured, match=message):
        site()
