"""veil.integrations.page: the loader snippet a page adds and the CSP sources Veil needs."""

from __future__ import annotations

import json
import re

import pytest

from tests.fakebundle import make_bundle
from veil.integrations.page import directives, merge_csp, new_nonce, origin_of, policy, snippet


@pytest.fixture
def bundle(tmp_path):
    return make_bundle(tmp_path)


def test_the_snippet_loads_veil_js_from_the_site_with_its_integrity_then_inits(bundle):
    html = snippet(bundle, "/static/veil/veil.js", {"endpoint": "https://c.example/v1/batches", "clientToken": "pk_1"}, "abc123")
    assert html.startswith('<script nonce="abc123">') and html.endswith("</script>")
    assert bundle.integrity("veil.js") in html and '"/static/veil/veil.js"' in html
    init = re.search(r"Veil\.init\((.*)\);</script>$", html)
    assert init and json.loads(init.group(1)) == {"endpoint": "https://c.example/v1/batches", "clientToken": "pk_1"}
    assert html.__html__() == html  # template engines keep it as markup


def test_without_a_config_or_nonce_the_snippet_is_the_loader_alone(bundle):
    html = snippet(bundle, "/v/veil.js")
    assert html.startswith("<script>") and "Veil.init" not in html


def test_no_config_value_can_close_the_script_element(bundle):
    html = snippet(bundle, "/v/veil.js", {"endpoint": "/c", "clientToken": "</script><script>alert(1)</script>"})
    assert html.count("</script>") == 1 and "alert(1)" in html
    assert '"/><script>' not in snippet(bundle, "/v/veil.js", None, '"/><script>')


def test_a_config_that_is_not_json_is_a_clear_error(bundle):
    with pytest.raises(TypeError, match="beforeSend go in the site's own script"):
        snippet(bundle, "/v/veil.js", {"endpoint": "/c", "beforeSend": lambda events: events})


def test_nonces_are_fresh_and_long():
    nonces = {new_nonce() for _ in range(100)}
    assert len(nonces) == 100 and all(len(n) >= 22 and re.fullmatch(r"[A-Za-z0-9_-]+", n) for n in nonces)


def test_the_directives_are_the_readmes_with_the_endpoint_origin():
    needs = directives({"endpoint": "https://collect.example.com/v1/batches"}, "n1")
    assert policy(needs) == ("script-src 'self' 'wasm-unsafe-eval' 'nonce-n1'; worker-src 'self'; "
                             "connect-src 'self' https://collect.example.com")
    # A path endpoint is the site's own origin; the site-text list's origin is added when elsewhere.
    assert directives({"endpoint": "/collect", "allowTextUrl": "https://cdn.example/list.json"})["connect-src"] == [
        "'self'", "https://cdn.example"]
    assert directives(None, None, ["https://proxy.example:8443"])["connect-src"] == ["'self'", "https://proxy.example:8443"]


@pytest.mark.parametrize(("url", "origin"), [("https://u:p@c.example:8443/v1?x#y", "https://c.example:8443"),
                                             ("/collect", None), ("javascript:alert(1)", None), ("", None), (None, None)])
def test_origin_of(url, origin):
    assert origin_of(url) == origin


NEEDS = directives({"endpoint": "https://c.example/v1/batches"}, "N")


@pytest.mark.parametrize(("existing", "merged"), [
    # No policy restricts nothing, and stays so.
    ("", ""),
    # default-src only: each directive starts from what it fell back to.
    ("default-src 'self' https://cdn.example; img-src *",
     "default-src 'self' https://cdn.example; img-src *; script-src 'self' https://cdn.example 'wasm-unsafe-eval' 'nonce-N'; "
     "worker-src 'self' https://cdn.example; connect-src 'self' https://cdn.example https://c.example"),
    # What is unrestricted stays unrestricted: adding script-src here would block the site's scripts.
    ("frame-ancestors 'none'", "frame-ancestors 'none'"),
    # Present directives gain what is missing, keep the rest, in their order.
    ("script-src 'self' 'nonce-SITE'; connect-src 'self'",
     "script-src 'self' 'nonce-SITE' 'wasm-unsafe-eval' 'nonce-N'; connect-src 'self' https://c.example; "
     "worker-src 'self' 'nonce-SITE'"),
    # 'unsafe-inline' without a nonce or hash: a nonce would switch it off for the site's inline scripts.
    ("script-src 'self' 'unsafe-inline'", "script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'; worker-src 'self' 'unsafe-inline'"),
    # 'unsafe-eval' already allows WebAssembly; 'none' is replaced, not kept beside sources.
    ("script-src 'unsafe-eval'; connect-src 'none'", "script-src 'unsafe-eval' 'self' 'nonce-N'; connect-src 'self' https://c.example; "
     "worker-src 'unsafe-eval' 'self'"),
    # worker-src falls back to child-src first.
    ("child-src 'none'; script-src 'self'", "child-src 'none'; script-src 'self' 'wasm-unsafe-eval' 'nonce-N'; worker-src 'self'"),
    # script-src-elem governs script elements: the snippet's nonce goes there too.
    ("script-src 'self'; script-src-elem 'self'", "script-src 'self' 'wasm-unsafe-eval' 'nonce-N'; script-src-elem 'self' 'nonce-N'; "
     "worker-src 'self'"),
    # Already there: unchanged; case of directive names does not matter.
    ("Script-Src 'self' 'wasm-unsafe-eval' 'nonce-N'; WORKER-SRC 'self'",
     "script-src 'self' 'wasm-unsafe-eval' 'nonce-N'; worker-src 'self'"),
    # Two policies in one header: each must allow Veil.
    ("default-src 'self', connect-src 'self'",
     "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'nonce-N'; worker-src 'self'; connect-src 'self' https://c.example, "
     "connect-src 'self' https://c.example"),
])
def test_merge_adds_what_veil_needs_and_loosens_nothing_else(existing, merged):
    assert merge_csp(existing, NEEDS) == merged
