"""The documentation site: it builds with ``mkdocs build --strict`` (a broken link, a missing anchor or
a page left out of nav fails), and its reference pages say what the README says."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import textwrap
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


def load_generator():
    spec = importlib.util.spec_from_file_location("readme_to_docs", ROOT / "tools" / "readme_to_docs.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up there
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_the_reference_pages_are_the_readmes_sections():
    generator = load_generator()
    assert generator.main(["--check"]) == 0, "docs/ differs from the README: run `.venv/bin/python tools/readme_to_docs.py`"


def test_every_readme_section_has_a_page_and_carries_no_build_integrity():
    generator = load_generator()
    sections = generator.split((ROOT / "README.md").read_text())
    pages = generator.assign(sections)
    placed = {id(section) for chosen in pages.values() for section, _ in chosen}
    unplaced = [s.title for s in sections if id(s) not in placed and s.title not in generator.HAND_WRITTEN]
    assert unplaced == [], "a README section no docs page names: add it to PAGES in tools/readme_to_docs.py"
    rendered = generator.render(pages)
    assert "](privacy.md#site-text-the-sites-own-words-in-clear)" in rendered["api.md"]
    assert "sha384-VEIL_JS_INTEGRITY" in rendered["loader.md"]
    assert not re.search(r"sha384-[A-Za-z0-9+/]{64}", "".join(rendered.values()))  # this build's, stale after the next


def test_sections_move_with_their_subsections_and_links_follow_their_heading(monkeypatch):
    generator = load_generator()
    readme = textwrap.dedent("""\
        # Product
        Intro, see [B](#b-part).
        ## A
        a text, [sub](#a-sub) and [other](#b-part).
        ### A sub
        ```sh
        # not a heading
        ```
        ### B part
        b text, [back to A](#a).
        ## C
        c text
    """)
    monkeypatch.setattr(generator, "PAGES", {"index.md": [""], "a.md": ["A", "C"], "deep/b.md": ["B part"]})
    pages = generator.render(generator.assign(generator.split(readme)))
    assert pages["index.md"].endswith("# Product\nIntro, see [B](deep/b.md).\n")
    assert "# A\na text, [sub](#a-sub) and [other](deep/b.md).\n## A sub\n```sh\n# not a heading\n```\n## C\nc text\n" in pages["a.md"]
    assert pages["deep/b.md"].endswith("# B part\nb text, [back to A](../a.md).\n")
    monkeypatch.setattr(generator, "PAGES", {"index.md": [""], "a.md": ["A", "Gone"]})
    with pytest.raises(SystemExit, match="no heading 'Gone'"):
        generator.assign(generator.split(readme))
