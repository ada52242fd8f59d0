"""Invariants of the one CSS masker (veil.css) over generated stylesheets and arbitrary text (hypothesis)."""

from __future__ import annotations

import tinycss2
from hypothesis import given, settings
from hypothesis import strategies as st

from veil import css
from veil.levels import Level
from veil.masking import WHITESPACE

SECRET = "Zq7Secret"
RECORDED = [Level.MASK, Level.MASK_USER_INPUT, Level.ALLOW]

ws = st.sampled_from(["", " ", "\n  "])
# Value pieces: the secret only ever inside a string, a URL's query or fragment, or a comment.
secret_piece = st.sampled_from([
    f'"{SECRET}"', f"'a {SECRET} b'", f'"\\{ord(SECRET[0]):x} {SECRET[1:]}"', f"url(/i.png?k={SECRET})",
    f'url("/i.png#{SECRET}")', f"/* {SECRET} */", f'image-set("/i.png?k={SECRET}" 1x)', f'attr(data-x, "{SECRET}")',
])
plain_piece = st.sampled_from(["red", "4px", "1.5em", "var(--a)", "calc(1px + 2%)", "#fff", "rgb(1, 2, 3)", "auto", "0"])
value = st.lists(st.one_of(secret_piece, plain_piece), min_size=1, max_size=4).map(" ".join)
prop = st.sampled_from(["content", "--x", "--secret-name", "quotes", "background", "color", "list-style-type"])
declaration = st.builds(lambda p, a, v, imp: f"{p}:{a}{v}{' !important' if imp else ''}", prop, ws, value, st.booleans())
declarations = st.lists(declaration, max_size=4).map("; ".join)
selector = st.sampled_from(["a", ".card > p", "#x::before", ":root", "li:nth-child(2n+1)", "a[href]"])
rule = st.builds(lambda s, w, d: f"{s}{w}{{{d}}}", selector, ws, declarations)
stylesheet = st.recursive(
    st.lists(rule, max_size=3).map("\n".join),
    lambda inner: st.builds(lambda i, d: f"@media screen {{ {i} }} .n {{ {d}; & p {{ {d} }} }}", inner, declarations),
    max_leaves=4,
)


def strings_and_urls(nodes, strings, urls, in_name=False):
    """Every string token (with whether it is in a name-valued declaration) and URL token."""
    for node in nodes:
        if node.type == "declaration":
            strings_and_urls(node.value, strings, urls, node.lower_name in css.NAME_PROPERTIES)
        elif node.type in ("qualified-rule", "at-rule"):
            strings_and_urls(node.prelude, strings, urls, True)  # selectors, media queries: structure
            if node.content is not None:
                strings_and_urls(tinycss2.parse_blocks_contents(node.content), strings, urls)
        elif node.type == "string":
            strings.append((node.value, in_name))
        elif node.type == "url":
            urls.append(node.value)
        elif node.type == "function":
            if node.lower_name in ("url", "src", "image-set", "-webkit-image-set"):
                urls.extend(a.value for a in node.arguments if a.type == "string")
                strings_and_urls([a for a in node.arguments if a.type != "string"], strings, urls, in_name)
            else:
                strings_and_urls(node.arguments, strings, urls, in_name)
        elif node.type in ("() block", "[] block", "{} block"):
            strings_and_urls(node.content, strings, urls, in_name)
        elif node.type == "error":
            raise AssertionError("the masker's output does not parse cleanly")


@settings(max_examples=80, deadline=None)
@given(stylesheet, st.sampled_from(RECORDED))
def test_no_secret_in_strings_urls_or_comments_survives_mask_and_no_url_secret_any_level(sheet, level):
    out = css.mask_stylesheet(sheet, level)
    assert out is not None  # well-formed CSS is never dropped: masking does not work by dropping
    if level is Level.MASK:
        assert SECRET not in out
    urls: list[str] = []
    strings_and_urls(tinycss2.parse_stylesheet(out, skip_comments=True), [], urls)
    assert not any(SECRET in url for url in urls)
    assert f"/* {SECRET}" not in out  # comments never leave (the serializer's own /**/ separators aside)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(list('ab "\'\\(){};:,/*@-#.!url%\n') + [SECRET, "url(", "/*", "*/", "--", "content:"]), max_size=40).map("".join),
       st.sampled_from([css.mask_stylesheet, css.mask_declarations]))
def test_any_text_is_dropped_or_comes_out_clean_and_masked(text, masker):
    """Whatever the page wrote, the masker never raises, and what it returns parses cleanly with
    every string of a declaration value masked (names aside) and no comment but rrweb's marker."""
    out = masker(text, Level.MASK)
    css.take_failures()
    if out is None:
        return
    parse = tinycss2.parse_stylesheet if masker is css.mask_stylesheet else tinycss2.parse_blocks_contents
    nodes = parse(out, skip_comments=False)
    strings: list[tuple[str, bool]] = []
    strings_and_urls([n for n in nodes if n.type != "comment"], strings, [])
    for value, in_name in strings:
        assert in_name or all(c == "*" or c in WHITESPACE for c in value), (text, out)


@settings(max_examples=60, deadline=None)
@given(stylesheet, st.sampled_from(RECORDED))
def test_masking_is_idempotent(sheet, level):
    once = css.mask_stylesheet(sheet, level)
    assert once is not None
    assert css.mask_stylesheet(once, level) == once


@settings(max_examples=60, deadline=None)
@given(declarations)
def test_block_records_nothing_and_clear_levels_keep_string_text(decls):
    assert css.mask_declarations(decls, Level.BLOCK) is None
    out = css.mask_declarations(decls, Level.ALLOW)
    assert out is not None
    strings: list[tuple[str, bool]] = []
    strings_and_urls(tinycss2.parse_blocks_contents(out), strings, [])
    originals: list[tuple[str, bool]] = []
    strings_and_urls(tinycss2.parse_blocks_contents(decls, skip_comments=True), originals, [])
    assert strings == originals  # under allow a string's text is recorded as it was (no PII in it here)
