"""The one CSS text masker (veil.css): what of a stylesheet, a style attribute or a property value
leaves at each level, and that CSS it cannot judge is dropped, never sent raw."""

from __future__ import annotations

import pytest

from veil import css
from veil.levels import Level
from veil.masking import mask_attribute, mask_attributes, text_for_level

CLEAR = [Level.MASK_USER_INPUT, Level.ALLOW]
RECORDED = [Level.MASK, *CLEAR]


def test_content_strings_are_masked_keeping_length_and_whitespace():
    out = css.mask_stylesheet('p::before { content: "Dear Ada Lovelace" }', Level.MASK)
    assert out == 'p::before { content: "**** *** ********" }'


def test_string_valued_custom_properties_are_masked_and_other_values_kept():
    out = css.mask_stylesheet(":root { --name: 'Ada'; --gap: 4px; color: rgb(1, 2, 3) }", Level.MASK)
    assert out == ':root { --name: "***"; --gap: 4px; color: rgb(1, 2, 3) }'


def test_escaped_strings_are_masked_by_their_value_not_their_spelling():
    out = css.mask_stylesheet(r'a::after { content: "\53 ECRET\" x" }', Level.MASK)
    assert out == 'a::after { content: "******* *" }'


@pytest.mark.parametrize("level", RECORDED)
def test_urls_are_scrubbed_at_every_level(level):
    sheet = """@import url("/a.css?token=SECRET1"); @import '/b.css?token=SECRET2' screen;
    a { background: url(/x.png?token=SECRET3), image-set("/y.png?token=SECRET4" 1x); cursor: url('/c.cur#SECRET5'), auto }
    @font-face { font-family: "Brand"; src: url(/f.woff2?k=SECRET6) format("woff2"), local("Brand Sans") }"""
    out = css.mask_stylesheet(sheet, level)
    assert out is not None and "SECRET" not in out
    assert out.count("=***") == 5 and "#***" in out
    # Names are structure, kept at every level: font families, format(), local().
    assert '"Brand"' in out and '"woff2"' in out and '"Brand Sans"' in out


@pytest.mark.parametrize("level", CLEAR)
def test_strings_are_recorded_with_pii_scrubbed_under_clear_levels(level):
    out = css.mask_stylesheet('p::before { content: "Hello ada@example.com" }', level)
    assert out == 'p::before { content: "Hello ***************" }'


def test_block_records_nothing():
    assert css.mask_stylesheet("a { color: red }", Level.BLOCK) is None
    assert css.mask_declarations("color: red", Level.BLOCK) is None
    assert css.mask_property("color", "red", Level.BLOCK) is None


def test_comments_are_dropped_but_rrweb_split_markers_kept():
    out = css.mask_stylesheet("a { color: red } /* Ada's notes */ /* rr_split */ b { color: blue }", Level.ALLOW)
    assert "Ada" not in out and "/* rr_split */" in out


def test_selectors_and_nesting_and_at_rules_survive():
    sheet = '@media (min-width: 600px) { a[href$=".pdf"]:hover { color: red; & > b { content: "x" } } } @keyframes k { 50% { opacity: .5 } }'
    out = css.mask_stylesheet(sheet, Level.MASK)
    assert out == '@media (min-width: 600px) { a[href$=".pdf"]:hover { color: red; & > b { content: "*" } } } @keyframes k { 50% { opacity: .5 } }'


@pytest.mark.parametrize("broken", ['a { content: "unterminated', "a { background: url(/x?t=SECRET y) }", "*zoom: 1; color: red"])
def test_css_that_does_not_parse_cleanly_is_dropped_whole_and_counted(broken):
    css.take_failures()
    kind = css.mask_declarations if broken.startswith("*") else css.mask_stylesheet
    assert kind(broken + " ", Level.ALLOW) is None
    assert css.take_failures() == 1


@pytest.mark.parametrize("mask", [css.mask_stylesheet, css.mask_declarations,
                                  lambda text, level: css.mask_property("content", text, level)])
def test_a_failed_css_text_is_counted_every_time_it_repeats(mask):
    """The answer is cached (None): each repeat is dropped again, and each drop is counted."""
    broken = 'content: "ZQ-repeat-' + str(id(mask)) + ' '
    css.take_failures()
    assert [mask(broken, Level.MASK) for _ in range(3)] == [None, None, None]
    assert css.take_failures() == 3
    assert mask(broken, Level.BLOCK) is None and css.take_failures() == 0, "block records no CSS: not a drop"


def test_an_exception_inside_the_masker_drops_the_css(monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("tokenizer bug")

    monkeypatch.setattr(css.css_fast, "edits", boom)  # the fast path's fault leaves it to the exact path
    monkeypatch.setattr(css.tinycss2, "parse_stylesheet", boom)
    css.take_failures()
    assert css.mask_stylesheet("a { content: 'ZQ-fresh-text' }", Level.MASK) is None
    assert css.take_failures() == 1


def test_property_values_set_by_script():
    assert css.mask_property("content", '"Ada"', Level.MASK) == '"***"'
    assert css.mask_property("--who", "'Ada'", Level.MASK) == '"***"'
    assert css.mask_property("font-family", '"Ada Sans"', Level.MASK) == '"Ada Sans"'
    assert css.mask_property("background", "url(/a.png?u=Ada)", Level.ALLOW) == "url(/a.png?u=***)"


def test_the_style_attribute_and_csstext_go_through_the_css_masker():
    style = "background: url('/p.png?token=SECRET'); --label: \"Ada\""
    assert mask_attribute("div", "style", style, {}, Level.MASK, False) == 'background: url("/p.png?token=***"); --label: "***"'
    masked = mask_attributes("style", {"_cssText": 'p::before { content: "Ada" }'}, Level.MASK, False)
    assert masked == {"_cssText": 'p::before { content: "***" }'}
    # A style attribute that cannot be judged is left out, never sent raw.
    assert mask_attributes("div", {"id": "x", "style": 'content: "SECRET'}, Level.ALLOW, False) == {"id": "x"}
    css.take_failures()


def test_style_element_text_goes_through_the_css_masker():
    assert text_for_level('p::before { content: "Ada" }', Level.MASK, "style") == 'p::before { content: "***" }'
    assert text_for_level('p { content: "Ada', Level.ALLOW, "style") == ""
    css.take_failures()


@pytest.mark.parametrize("level", RECORDED)
def test_css_with_nothing_to_mask_is_kept_exactly_as_written(level):
    sheet = "<!-- a{color:red}  .b > c::after{ margin : 0 auto !important ;; font-family: 'Ada Sans' } -->"
    assert css.mask_stylesheet(sheet, level) == sheet
    assert css.mask_declarations("color:red;;width : 5px", level) == "color:red;;width : 5px"
    # A comment alone is a change: it is removed, and the rest kept as written.
    assert css.mask_declarations("color: red /* Ada */", level) == "color: red /**/"


def test_css_dropped_before_a_recording_starts_is_not_counted_in_it():
    from tests.helpers import document, el, full, meta
    from veil.config import normalize_config
    from veil.levels import Level
    from veil.recorder import Recorder

    assert css.mask_stylesheet("a{color:red}}\"unterminated", Level.MASK) is None  # counted, no recording
    recorder = Recorder(normalize_config({"endpoint": "/c", "consent": "not-required"}), "a" * 32)
    recorder.start()
    result = recorder.observe([meta(), full(document(el("p", {})))])
    assert result["snapshots"] == 1 and recorder.counters.dropped == 0
