"""Write the documentation site's reference pages (docs/) from the README's reference sections.

Rules: the README is today the reference; issue 31 moves that reference into the MkDocs site. Until
the README is slimmed to the front door, the reference pages are generated here from the README's
sections, named by their headings in ``PAGES`` (a section's subsections come with it unless another
page names them), so the two never disagree: run ``python tools/readme_to_docs.py`` after a README
change to the reference, ``--check`` to see whether docs/ is current (tests/unit/test_docs.py
does). ``HAND_WRITTEN`` names the sections the front door keeps whose page is written by hand
(install.md; deployment.md has no README section). Once the README is slimmed, the pages are
docs/'s own and this script is deleted.

A page's sections keep their relative levels, the first becoming the page's title. A README link to
a heading (``#slug``) becomes a link to the page and anchor where that heading now lives (its
``toc`` slug); one that names no heading is an error. veil.js's integrity in the loader snippet is
this build's (the README's copy is the checked one), so the pages carry a placeholder instead. A
link to a file of docs/ (an image) is made relative to the page.
"""

from __future__ import annotations

import argparse
import posixpath
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"
GENERATED = "<!-- Generated from README.md by tools/readme_to_docs.py: edit the README's section, then run it. -->\n\n"

# page -> README headings (exact text, any level) whose sections make the page, in order. "" is the
# README's opening (its title and first paragraphs, before the first ## heading).
PAGES: dict[str, list[str]] = {
    "index.md": ["", "Two commands"],
    "loader.md": ["Adding Veil to a site", "Serving `dist/`"],
    "api.md": ["API"],
    "configuration.md": ["Configuration"],
    "privacy.md": ["Privacy model"],
    "csp.md": ["Content Security Policy"],
    "consent.md": ["Consent, Do-Not-Track and sessions"],
    "errors.md": ["Record on error, errors and frustration signals"],
    "fidelity.md": ["Canvas, cross-origin iframes, closed shadow roots"],
    "wire-format.md": ["Wire format"],
    "delivery.md": ["Delivery and the authenticated proxy"],
    "browsers.md": ["Browsers"],
    "testing.md": ["Privacy tests in your own CI: `veil.testing`"],
    "preview.md": ["Privacy preview and sign-off"],
    "performance.md": ["Performance"],
    "collector/index.md": ["The collector"],
    "collector/security.md": ["Collector security model"],
    "collector/storage.md": ["Storage: encryption at rest, erasure, retention, audit"],
    "collector/scaling.md": ["Scaling: PostgreSQL and several processes"],
    "collector/viewer.md": ["The replay viewer"],
    "collector/operators.md": ["Finding visits: the session index, search, click maps, share links, digests, agents"],
    "layout.md": ["Layout"],
}
# README sections the front door keeps whose docs page is written by hand (not generated): a link
# to one goes to that page.
HAND_WRITTEN = {"Installing": "install.md"}
INTEGRITY = re.compile(r'(("/static/veil/veil\.js", ")|(<script src="/static/veil/veil\.js"\s*\n\s*integrity="))sha384-[A-Za-z0-9+/=]+')
PLACEHOLDER = "sha384-VEIL_JS_INTEGRITY"
INTEGRITY_NOTE = (
    '\n!!! note "veil.js\'s integrity"\n    `sha384-VEIL_JS_INTEGRITY` above stands for this build\'s integrity of `veil.js`:\n'
    '    `files["veil.js"].sha384` in `dist/manifest.json`, already filled in in `dist/veil-loader.js`\n'
    "    and by the [framework helpers](install.md), which write the whole snippet for you.\n"
)


@dataclass
class Section:
    level: int
    title: str
    lines: list[str] = field(default_factory=list)  # the heading line first (none for the opening)


def split(text: str) -> list[Section]:
    """The README as sections, each heading with the lines up to the next heading (fences respected)."""
    sections = [Section(0, "")]
    fenced = False
    for line in text.splitlines():
        if line.startswith(("```", "~~~")):
            fenced = not fenced
        heading = None if fenced else re.match(r"^(#{1,6}) (.+)$", line)
        if heading and not (len(heading.group(1)) == 1 and sections == [Section(0, "")]):
            sections.append(Section(len(heading.group(1)), heading.group(2).strip()))
        sections[-1].lines.append(line)
    return sections


def github_slug(title: str) -> str:
    """The anchor GitHub gives a README heading."""
    text = re.sub(r"[^\w\- ]", "", title.lower().replace("`", ""))
    return text.replace(" ", "-")


def toc_slug(title: str) -> str:
    """The anchor MkDocs (Python-Markdown's toc) gives the same heading on a page."""
    from markdown.extensions.toc import slugify

    return slugify(re.sub(r"`([^`]*)`", r"\1", title), "-")


def assign(sections: list[Section]) -> dict[str, list[tuple[Section, int]]]:
    """Each page's sections with the level shift that makes its first section the page's title."""
    by_title = {s.title: i for i, s in enumerate(sections)}
    claimed = {title for titles in PAGES.values() for title in titles} | set(HAND_WRITTEN)
    pages: dict[str, list[tuple[Section, int]]] = {}
    for page, titles in PAGES.items():
        chosen: list[tuple[Section, int]] = []
        for title in titles:
            if title not in by_title:
                raise SystemExit(f"readme_to_docs: README.md has no heading {title!r} (named for {page}); update PAGES")
            start = by_title[title]
            top = sections[start]
            shift = 0 if title == "" else (1 - top.level) if not chosen else (2 - top.level)
            chosen.append((top, shift))
            if title == "":
                continue
            skipping_below = None  # inside a subsection another page takes
            for sub in sections[start + 1:]:
                if sub.level <= top.level:
                    break
                if skipping_below is not None and sub.level > skipping_below:
                    continue
                skipping_below = sub.level if sub.title in claimed else None
                if skipping_below is None:
                    chosen.append((sub, shift))
        pages[page] = chosen
    return pages


def render(pages: dict[str, list[tuple[Section, int]]]) -> dict[str, str]:
    # README anchor -> (page, anchor on it; None: the page itself)
    where: dict[str, tuple[str, str | None]] = {github_slug(title): (page, None) for title, page in HAND_WRITTEN.items()}
    for page, chosen in pages.items():
        for index, (section, _shift) in enumerate(chosen):
            if section.title:
                where[github_slug(section.title)] = (page, None if index == 0 else toc_slug(section.title))
    out = {}
    for page, chosen in pages.items():
        lines: list[str] = []
        for section, shift in chosen:
            body = list(section.lines)
            if section.title:
                body[0] = "#" * (section.level + shift) + " " + section.title
            lines.extend(body)
        text = "\n".join(lines).strip() + "\n"

        def link(match: re.Match[str], page: str = page) -> str:
            anchor = match.group(2)
            if anchor not in where:
                raise SystemExit(f"readme_to_docs: README links to #{anchor}, which no heading has")
            target, on_page = where[anchor]
            if target == page:
                return f"]({'#' + on_page if on_page else '#'})"
            rel = posixpath.relpath(target, posixpath.dirname(page) or ".")
            return f"]({rel}{'#' + on_page if on_page else ''})"

        text = re.sub(r"\]\((#([^)\s]+))\)", link, text)
        # A file of docs/ the README shows (an image): the same file, relative to the page.
        text = re.sub(r"\]\(docs/([^)\s]+)\)",
                      lambda m, page=page: f"]({posixpath.relpath(m.group(1), posixpath.dirname(page) or '.')})", text)
        if INTEGRITY.search(text):
            text = INTEGRITY.sub(lambda m: m.group(1) + PLACEHOLDER, text)
            fence_end = text.index("\n```\n", text.index(PLACEHOLDER)) + len("\n```\n")
            text = text[:fence_end] + INTEGRITY_NOTE + text[fence_end:]
        out[page] = GENERATED + text
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when a page differs from what the README gives")
    args = parser.parse_args(argv)
    pages = render(assign(split(README.read_text())))
    stale = []
    for page, text in pages.items():
        path = DOCS / page
        if path.exists() and path.read_text() == text:
            continue
        stale.append(page)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    if args.check:
        print("docs/ is current" if not stale else "stale: " + ", ".join(stale))
        return 1 if stale else 0
    print(f"wrote {len(stale)} of {len(pages)} page(s)" + (": " + ", ".join(stale) if stale else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
