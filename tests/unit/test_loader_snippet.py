"""The loader snippet is written once (shim/loader.js): the README's recommended snippet, the demo
page's and dist/veil-loader.js are that file, carrying the integrity of the veil.js they load."""

from __future__ import annotations

import json
import re
import textwrap

from tests.helpers import ROOT, load_build

build = load_build()
DOCS_INTEGRITY_PLACEHOLDER = "sha384-VEIL_JS_INTEGRITY"  # docs/loader.md's stand-in for veil.js's sha384


def inline_snippet(html: str) -> str:
    """The loader in a page or README block: from the line opening ``(function (w, d, src,
    integrity)`` to the line that calls it, dedented."""
    found = re.search(r"^([ \t]*)\(function \(w, d, src, integrity\) \{\n.*?^\1\}\)\(window, document, [^\n]*\n", html,
                      re.DOTALL | re.MULTILINE)
    assert found, "no loader snippet found"
    return textwrap.dedent(found.group(0))


def veil_js_integrity(dist) -> str:
    return json.loads((dist / "manifest.json").read_text())["files"]["veil.js"]["sha384"]


def readme_section(title: str) -> str:
    """A ``## `` section of the README, up to the next one."""
    readme = (ROOT / "README.md").read_text()
    start = readme.index(f"\n## {title}\n")
    end = readme.find("\n## ", start + 1)
    return readme[start:end if end != -1 else len(readme)]


def test_the_readme_snippet_is_shim_loader_js_with_the_manifest_integrity_of_veil_js(dist):
    section = readme_section("Adding Veil to a site")
    assert inline_snippet(section) == build.loader_snippet(veil_js_integrity(dist)), (
        "the README's loader snippet differs from shim/loader.js (with dist/manifest.json's veil.js sha384 "
        "filled in): paste build.loader_snippet(integrity) there")
    # It is the recommended snippet: the first code block of the section, followed by the page's init.
    first_block = section[section.index("```html"):]
    assert first_block.index("(function (w, d, src, integrity)") < first_block.index("```\n") < first_block.index('<script src="')


def test_the_docs_snippet_is_shim_loader_js_with_a_placeholder_for_the_integrity():
    """docs/loader.md shows the same snippet, with a placeholder where this build's integrity goes
    (a build's integrity changes with every veil.js; the README's copy is the checked one)."""
    page = (ROOT / "docs" / "loader.md").read_text()
    assert inline_snippet(page) == build.loader_snippet(DOCS_INTEGRITY_PLACEHOLDER), (
        "docs/loader.md's loader snippet differs from shim/loader.js: paste "
        f"build.loader_snippet({DOCS_INTEGRITY_PLACEHOLDER!r}) there")
    first_block = page[page.index("```html"):]
    assert first_block.index("(function (w, d, src, integrity)") < first_block.index("```\n") < first_block.index('<script src="')


def test_the_demo_page_uses_shim_loader_js_with_the_integrity_left_to_its_server():
    page = (ROOT / "examples" / "demo" / "index.html").read_text()
    assert inline_snippet(page) == build.loader_snippet()
    assert '<script src="' not in page, "the demo page loads veil.js through the loader only"


def test_dist_veil_loader_js_is_the_minified_stub_with_this_builds_integrity(dist):
    minified = (dist / "veil-loader.js").read_text()
    integrity = veil_js_integrity(dist)
    assert f'"/static/veil/veil.js","{integrity}")' in minified
    assert "__VEIL_" not in minified
    assert len(minified) < len(build.loader_snippet(integrity)) * 0.7 and minified.count("\n") <= 1
    manifest = json.loads((dist / "manifest.json").read_text())
    assert "veil-loader.js" in manifest["files"]


def test_the_stub_stays_es5_and_small():
    source = build.loader_snippet()
    for later in ("=>", "let ", "const ", "class ", "`", "...", "async ", "await "):
        assert later not in source, f"shim/loader.js must stay ES5: found {later!r}"
    assert len(source.encode()) < 3000
