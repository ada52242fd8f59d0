"""Markup: HTML files and server templates (Jinja, Django, Nunjucks, Liquid, Handlebars/Mustache,
Vue single-file components).

Rules:
- Text is what a browser would make one text node of: the text between two tags (an element, a
  comment) is one piece. The content attributes ``placeholder``, ``title``, ``alt``,
  ``aria-label``, ``aria-description`` and ``label`` are pieces too. Other attributes, a
  ``<style>``'s and a ``<textarea>``'s text (a form's value) are not read.
- Template syntax is never text: ``{{ … }}`` (and ``{{{ … }}}``) is a slot where a value is filled
  in; a control tag (``{% … %}``, ``{{#…}}``, ``{{/…}}``, ``{{else}}``) is a boundary between two
  pieces; comments (``{# … #}``, ``{% comment %}…{% endcomment %}``, ``{{! … }}``) are nothing. The
  string literals inside template tags (``{{ _("Sign in") }}``, ``{% trans "Hello" %}``) are read
  as script strings are.
- ``<script>`` without a type, or of a JavaScript type, is read as a script (``javascript``); any
  other ``<script>`` (``application/json``, ``application/ld+json``, an import map, a
  ``__NEXT_DATA__`` blob) is data and never read.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from ..sitetext import SLOT
from .collect import BREAK, Collected
from .javascript import extract_script

SITE_ATTRIBUTES = frozenset({"placeholder", "title", "alt", "aria-label", "aria-description", "label"})
_SCRIPT_TYPES = frozenset({"", "text/javascript", "application/javascript", "module", "text/ecmascript", "application/ecmascript",
                           "text/jsx", "text/babel"})
_NOT_READ = frozenset({"style", "textarea"})
# Template tags of the server-side languages (markup, not script code): comments first, then the
# longest forms, so that {{{ x }}} is one tag and {% comment %}…{% endcomment %} swallows its body.
_TEMPLATE_TAG = re.compile(
    r"\{#.*?#\}"
    r"|\{%-?\s*comment\b.*?%\}.*?\{%-?\s*endcomment\s*-?%\}"
    r"|\{\{!--.*?--\}\}|\{\{!.*?\}\}"
    r"|\{\{\{.*?\}\}\}"
    r"|\{\{.*?\}\}"
    r"|\{%.*?%\}",
    re.S,
)


def _template_tag(match: re.Match[str], strings: list[str]) -> str:
    tag = match.group(0)
    if tag.startswith("{#") or tag.startswith("{{!") or re.match(r"\{%-?\s*comment\b", tag):
        return ""
    if tag.startswith("{%") or re.match(r"\{\{~?\s*[#/^]|\{\{~?\s*else\b", tag):
        strings.append(tag[2:-2])
        return BREAK
    strings.append(tag.strip("{}"))
    return SLOT


def extract_markup(source: str, collected: Collected) -> None:
    """Keep what an HTML file or a server template shows (see the module's rules)."""
    inner: list[str] = []
    text = _TEMPLATE_TAG.sub(lambda m: _template_tag(m, inner), source)
    for code in inner:
        # Only the literals of a tag (gettext calls, trans, a default value) can be site text.
        extract_script(code.replace(SLOT, " ").replace(BREAK, " "), collected)
    parser = _Markup(collected)
    parser.feed(text)
    parser.close()


def extract_fragment(markup: str, collected: Collected) -> None:
    """Keep what a piece of markup shows (an html`` tagged template, SLOT where values go)."""
    parser = _Markup(collected)
    parser.feed(markup)
    parser.close()


class _Markup(HTMLParser):
    def __init__(self, collected: Collected) -> None:
        super().__init__(convert_charrefs=True)
        self.collected = collected
        self.text: list[str] = []
        self.mode = "text"  # "text", "script" (a script to read), "skip" (data or a form value)
        self.script: list[str] = []

    def _flush(self) -> None:
        if self.text:
            self.collected.add("".join(self.text), True)
            self.text.clear()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._flush()
        for name, value in attrs:
            if value and name in SITE_ATTRIBUTES:
                self.collected.add(value, True)
        if tag == "script":
            kind = next(((v or "").strip().lower() for n, v in attrs if n == "type"), "")
            self.mode = "script" if kind in _SCRIPT_TYPES else "skip"
        elif tag in _NOT_READ:
            self.mode = "skip"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "script" or tag in _NOT_READ:
            self.mode = "text"

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self.mode == "script":
            extract_script("".join(self.script), self.collected, markup=extract_fragment)
            self.script.clear()
        if tag == "script" or tag in _NOT_READ:
            self.mode = "text"
        self._flush()

    def handle_data(self, data: str) -> None:
        if self.mode == "script":
            self.script.append(data)
        elif self.mode == "text":
            self.text.append(data)

    def handle_comment(self, data: str) -> None:
        self._flush()

    def close(self) -> None:
        super().close()
        self._flush()
