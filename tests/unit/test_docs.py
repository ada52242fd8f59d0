"""The documentation site: it builds with ``mkdocs build --strict`` (a broken link, a missing anchor or
a page left out of nav fails), every page is reachable, and the README (the front door) links every
page and only headings that exist."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT

pytest.importorskip("mkdocs", reason="the docs extra (pip install -e '.[test]' installs it)")


def build(config: Path, site: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site)],
                          capture_output=True, text=True, timeout=300, env=env, check=False)


def test_the_docs_build_strictly(tmp_path):
    done = build(ROOT / "mkdocs.yml", tmp_path / "site")
    assert done.returncode == 0, done.stdout + done.stderr
    for page in ("index.html", "install/index.html", "csp/index.html", "deployment/index.html", "collector/index.html"):
        assert (tmp_path / "site" / page).is_file(), page
    assert "wasm-unsafe-eval" in (tmp_path / "site" / "csp" / "index.html").read_text()
    assert "fonts.googleapis" not in (tmp_path / "site" / "index.html").read_text()  # a reader's visit goes nowhere else


@pytest.mark.parametrize(("added", "named"), [
    ("[a page](no-such-page.md)", "no-such-page.md"),
    ("[a heading](api.md#no-such-heading)", "no-such-heading"),
])
def test_a_broken_link_fails_the_build(tmp_path, added, named):
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    install = tmp_path / "docs" / "install.md"
    install.write_text(install.read_text() + f"\nSee {added}.\n")
    done = build(tmp_path / "mkdocs.yml", tmp_path / "site")
    assert done.returncode != 0 and named in done.stdout + done.stderr


def docs_pages() -> set[str]:
    return {path.relative_to(ROOT / "docs").as_posix() for path in (ROOT / "docs").rglob("*.md")}


def nav_pages() -> set[str]:
    """The pages mkdocs.yml's nav names (read as text: the file's !!python tags need no loader)."""
    text = (ROOT / "mkdocs.yml").read_text()
    nav = text[text.index("\nnav:\n"):]
    nav = nav[:re.search(r"\n\S", nav[1:]).start() + 1]
    return set(re.findall(r":\s*([\w/.-]+\.md)\s*$", nav, re.MULTILINE))


def readme_links() -> list[tuple[str, str]]:
    """The README's links into docs/: (page under docs/, anchor or "")."""
    readme = (ROOT / "README.md").read_text()
    return [(page, anchor) for page, anchor in re.findall(r"\]\(docs/([^)#\s]+\.md)(?:#([^)\s]+))?\)", readme)]


def github_slug(title: str) -> str:
    """The anchor GitHub gives a heading (where the README's links are followed)."""
    return re.sub(r"[^\w\- ]", "", title.lower().replace("`", "")).replace(" ", "-")


def headings(page: str) -> list[str]:
    text = re.sub(r"^(```|~~~).*?^\1", "", (ROOT / "docs" / page).read_text(), flags=re.DOTALL | re.MULTILINE)  # fences hold no heading
    return re.findall(r"^#{1,6} (.+?)\s*$", text, re.MULTILINE)


def test_every_docs_page_is_in_the_nav_or_linked_from_the_readme():
    linked = {page for page, _ in readme_links()}
    orphans = sorted(docs_pages() - nav_pages() - linked)
    assert orphans == [], f"docs pages no reader can reach: add them to mkdocs.yml's nav and the README: {orphans}"


def test_the_readmes_documentation_list_links_every_page_of_the_nav():
    readme = (ROOT / "README.md").read_text()
    listed = readme[readme.index("\n## Documentation\n"):]
    listed = listed[:listed.find("\n## ", 1)]
    missing = sorted(page for page in nav_pages() if f"](docs/{page})" not in listed)
    assert missing == [], f"the README's Documentation list misses: {missing}"
    assert nav_pages() <= docs_pages(), "mkdocs.yml's nav names a page docs/ does not have"


def test_the_readmes_links_into_the_docs_name_a_page_and_a_heading_it_has():
    links = readme_links()
    assert ("privacy.md", "site-text-the-sites-own-words-in-clear") in links and ("csp.md", "") in links
    for page, anchor in links:
        assert (ROOT / "docs" / page).is_file(), f"README links to docs/{page}, which does not exist"
        if anchor:
            assert anchor in {github_slug(title) for title in headings(page)}, f"README links to docs/{page}#{anchor}: no such heading"


def test_the_pages_are_docs_own_and_carry_no_build_integrity():
    """The reference lives in docs/ (the README is the front door): no page says it is generated,
    and none carries a build's veil.js integrity, which changes with every veil.js (the README's
    snippet carries the checked one; docs/loader.md a placeholder)."""
    texts = {page: (ROOT / "docs" / page).read_text() for page in docs_pages()}
    assert not [page for page, text in texts.items() if "Generated from README" in text or "readme_to_docs" in text]
    assert "readme_to_docs" not in (ROOT / "mkdocs.yml").read_text()
    assert "sha384-VEIL_JS_INTEGRITY" in texts["loader.md"]
    assert not [page for page, text in texts.items() if re.search(r"sha384-[A-Za-z0-9+/]{64}", text)]
    assert "](privacy.md#site-text-the-sites-own-words-in-clear)" in texts["api.md"]  # a rule's link goes where it lives
