"""The CSS masker's fast path (veil.css_fast) against its exact path (tinycss2), on generated CSS:
wherever the fast path vouches for a text, its masked text is the exact path's, at every level.
The generator favours what the fast path must get right or hand over: strings with escapes,
every url() form, comments anywhere, broken CSS, nesting, and look-alikes (``5url(``, ``#url(``,
``u+aurl(``, ``a:{…}``, ``-->``)."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.helpers import css_fast_agrees
from veil.levels import Level

LEVELS = [Level.MASK, Level.MASK_USER_INPUT, Level.ALLOW]
SECRET = "Zq7 ada@example.com"

ws = st.sampled_from(["", " ", "\n", "\t ", "  \n "])
string = st.sampled_from([
    '""', "''", f'"{SECRET}"', f"'{SECRET}'", '"a\\"b"', "'it\\'s'", '"\\f101"', '"\\41 BC"', '"x\\\ny"', '"\\\\"',
    '"caf\u00e9"', '"tab\\9 x"', '"unterminated', '"new\nline"', "'\\", '"/* not a comment */"', '"url(x)"',
    '"rr_split"', '"}{;"', '" "', '"\u2003 \u00a0"',
])
url = st.sampled_from([
    "url(/a.png)", "url(/a.png?token=Zq7)", 'url("/a.png?t=Zq7")', "url('/b#frag')", "URL(/c.png?x=1)",
    "url( /d.png?k=v )", "url()", 'url( "x?y=1" )', "url(a b)", "url(a\\)b)", "url(a\"b)", "url(/e.png",
    'url("data:image/svg+xml,%3csvg%3e")', "url(data:image/png;base64,AAAA)", "url(mailto:ada@example.com)",
    'src("/f.woff2?k=1")', 'image-set("/g.png?k=2" 1x, url(/h.png?k=3) 2x)', '-webkit-image-set("/i.png?z=9" 1x)',
    "url(/*x*/)", 'url(  "a" x)', "url(\\75rl)", "u\\72l(/j.png?k=1)", "url\n(/k.png?k=1)",
])
lookalike = st.sampled_from([
    "5url(/a?b=1)", "#url(/a?b=1)", "u+aurl(/a?b=1)", "-url(/a?b=1)", "myurl(x)", "x1e5url(/a?b=1)",
    "+url(/a?b=1)", ".url(/a?b=1)", "%url(/a?b=1)", "\u00e9url(/a?b=1)", "1.5url(x)", "--url(x)", "@url(x)",
    "attr(data-x, \"Zq7\")", "var(--a, \"Zq7\")", "calc(1px + 2%)", "rgba(0, 0, 0, .5)", "[full-start]",
    "counter(x, \"Zq7\")", "format(\"woff2\")", "local(\"Brand Sans\")", "a\\:b", "\\31 0px", "!important",
    "! important", "/ 2", "1/2",
])
comment = st.sampled_from(["/* Zq7 note */", "/**/", "/* rr_split */", "/*", "/* a */ /* b */", "/*x*//*y*/"])
plain = st.sampled_from(["red", "4px", "0 auto", "#fff", "1.5em", "none", "-1px", "100%", "U+0025-00FF", "e", "-->", "<!--"])
value = st.lists(st.one_of(string, url, lookalike, comment, plain), min_size=1, max_size=4).flatmap(
    lambda parts: ws.map(lambda w: w.join(parts) if w else " ".join(parts)))
prop = st.sampled_from([
    "content", "--x", "color", "background", "font-family", "src", "quotes", "grid-template-areas", "CONTENT",
    "Font-Family", "-webkit-locale", "--", "-a", "_b", "caf\u00e9", "a\\62 c", "*zoom", "1x", "x/**/", "a b",
])
sep = st.sampled_from([";", ";", ";;", "; ", " ;\n", "", "/* c */;"])
declaration = st.builds(lambda p, w1, w2, v, s: f"{p}{w1}:{w2}{v}{s}", prop, ws, ws, value, sep)
declarations = st.lists(declaration, max_size=4).map("".join)
selector = st.sampled_from([
    "a", ".card > p", "#x::before", ":root", "li:nth-child(2n+1)", 'a[href$=".pdf"]', "a[title='Zq7']",
    ":not([type=\"x\"])", ":is(.a, .b)", "&", "& > b", "a:hover", "from", "50%", "*", "-->", "<!--", "",
    ".sm\\:flex", "\u00e9l", "a;b", "a /* c */ b", "url(x)", 'src("x")', "a:", "x {", "@", "--foo:",
])


def rule(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(lambda s, w, d, n: f"{s}{w}{{{d}{n}}}", selector, ws, declarations, inner)


at_rule = st.sampled_from([
    '@import url("/a.css?t=Zq7") screen;', "@import '/b.css?t=Zq7';", '@namespace svg "http://www.w3.org/2000/svg?x=1";',
    '@charset "UTF-8";', "@layer base, components;", "@font-face { font-family: \"Brand\"; src: url(/f.woff2?k=Zq7) format(\"woff2\") }",
    '@supports (content: "x") { a { content: "Zq7" } }', "@keyframes k { from { opacity: 0 } 50% { opacity: .5 } }",
    "@page :first { margin: 1in }", "@media screen and (min-width: 600px) { a { color: red } }", "@media", "@x;",
    "@property --p { syntax: \"<length>\"; inherits: false; initial-value: 0px }", "@-webkit-keyframes k { to { top: 0 } }",
])
stray = st.sampled_from(["}", "{", ")", "(", "]", "[", ";", "\\", "\r\n", "\f", "\x00", "'", '"', "<!-- -->", "a:{b:c}", "--x: {a: b}"])
stylesheet = st.recursive(
    st.lists(st.one_of(rule(st.just("")), at_rule, comment, ws), max_size=4).map("".join),
    lambda inner: st.one_of(
        st.builds(lambda i: f"@media screen {{ {i} }}", inner),
        rule(inner),
        st.builds(lambda a, b: a + b, inner, inner),
        st.builds(lambda a, s, b: a + s + b, inner, stray, inner),
    ),
    max_leaves=6,
)


@settings(max_examples=400, deadline=None)
@given(stylesheet)
@example('p::before { content: "Dear Ada" } a { background: url(/x.png?token=SECRET) }')
@example('@media x { a:{ font-family: "X" } }')
@example("a { u+aurl(/x?a=1): b }")
def test_fast_path_equals_exact_path_on_generated_stylesheets(text):
    css_fast_agrees(True, text)


@settings(max_examples=300, deadline=None)
@given(declarations)
def test_fast_path_equals_exact_path_on_generated_style_attributes(text):
    css_fast_agrees(False, text)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(list("ab \"'\\(){}[];:,/*@-#.!%+5u\n") + ["url(", "/*", "*/", "--", "content:", "-->", "<!--", SECRET]),
                max_size=40).map("".join), st.booleans())
def test_fast_path_equals_exact_path_on_any_text(text, stylesheet_kind):
    css_fast_agrees(stylesheet_kind, text)


plain_selector = st.sampled_from(["a", ".card > p", "#x::before", ":root", "li:nth-child(2n+1)", 'a[href$=".pdf"]',
                                  ":not([type='x'])", "& > b", "a:hover", "50%", "*"])
plain_value = st.lists(st.sampled_from(['"Zq7 text"', "url(/a.png?k=Zq7)", 'url("/b.png#Zq7")', "/* Zq7 */", "red", "4px",
                                        "var(--a, 1px)", "calc(1px + 2%)", '""', 'attr(x, "Zq7")']), min_size=1, max_size=3).map(" ".join)
plain_rule = st.builds(lambda s, d: f"{s} {{ {d} }}", plain_selector,
                       st.lists(st.builds(lambda p, v: f"{p}: {v}", prop.filter(lambda p: p.isascii() and p.replace("-", "").isalpha()), plain_value),
                                min_size=1, max_size=4).map("; ".join))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(plain_rule, plain_rule.map(lambda r: f"@media screen {{ {r} }}")), min_size=1, max_size=5).map("\n".join),
       st.sampled_from(LEVELS))
def test_the_fast_path_vouches_for_plain_stylesheets(text, level):
    """Rules with plain selectors, and declarations with strings, URLs and comments, are the fast
    path's own: it never hands them over (a fast path that always did would pass every test above)."""
    assert css_fast_agrees(True, text)
