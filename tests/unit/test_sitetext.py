"""The site-text list (veil.sitetext): what a list may hold, how it is loaded and checked, and what
it shows of a text. A list that fails any check is refused whole: it never shows part of itself."""

import json

import pytest

from veil import sitetext
from veil.sitetext import SLOT_MASK, SiteText, SiteTextError, parse_list

SITE = SiteText(["Place order", "Search orders", "Germany"], [("Welcome back, ", "!"), ("", " items in your cart"),
                                                              ("Order #", " of ", "")])


def listed(strings=(), templates=(), **extra) -> bytes:
    return json.dumps({**sitetext.document(strings, templates), **extra}).encode()


def test_a_whole_normalized_text_in_the_list_is_shown_as_it_stands():
    assert SITE.match("Place order") == "Place order"
    assert SITE.match("  Place\n   order ") == "  Place\n   order "  # only whitespace differs from the entry
    assert SITE.match("Place order now") is None  # not the whole text
    assert SITE.match("place order") is None  # exactly: case is content
    assert SITE.match("Place") is None


def test_a_template_shows_its_static_parts_and_each_slot_at_a_fixed_length():
    assert SITE.match("Welcome back, Ada!") == f"Welcome back, {SLOT_MASK}!"
    assert SITE.match("Welcome back, Ada Augusta King, Countess of Lovelace!") == f"Welcome back, {SLOT_MASK}!"
    assert SITE.match(" 3 items in your cart\n") == f" {SLOT_MASK} items in your cart\n"
    assert SITE.match("Order #4417 of 12") == f"Order #{SLOT_MASK} of {SLOT_MASK}"
    assert SITE.match("Welcome back, !") is None  # a slot is filled by something
    assert SITE.match("Order # of 12") is None
    assert SITE.kind("Welcome back, Ada!") == "template" and SITE.kind("Germany") == "string" and SITE.kind("Ada") is None


def test_nothing_the_scrubber_would_change_is_shown_even_in_a_slot_free_match():
    # The fill is masked; but a text holding PII in a static part is never shown, whatever matched.
    site = SiteText(["Call us"], [("Reach ", " today")])
    assert site.match("Reach ada@example.com today") == f"Reach {SLOT_MASK} today"
    assert SiteText(["Place order"]).match("Place order") == "Place order"


@pytest.mark.parametrize("entry, problem", [
    ("x", "shorter than 2"),
    ("42", "no letter"),
    ("Ada  Lovelace", "not normalized"),
    (" Sign in", "not normalized"),
    ("ada@example.com", "PII"),
    ("Call +44 20 7946 0958", "PII"),
    ("https://shop.example/reset?token=abc", "URL"),
    ("/account/orders", "URL"),
    ("x" * 1001, "longer than"),
])
def test_a_list_holding_a_bad_string_is_refused_whole(entry, problem):
    with pytest.raises(SiteTextError, match=problem):
        parse_list(listed(["Place order", entry]))


@pytest.mark.parametrize("template, problem", [
    (["Welcome", "!"], "glued"),  # {}ing: would show the end of the visitor's own word
    (["", "ing"], "glued"),
    (["Hi ", "", "!"], "side by side"),
    (["", " !"], "letters"),
    (["", "-", ""], "letters"),
    (["Write to ", " at ada@example.com"], "PII"),
    (["See https://", " now"], "URL"),
    (["a ", " b ", " c ", " d ", " e ", " f ", " g ", " h ", " i ", " j"], "slots"),
    (["Only one part"], "static parts"),
])
def test_a_list_holding_a_bad_template_is_refused_whole(template, problem):
    document = json.dumps({"format": "veil-site-text", "version": 1, "strings": ["Place order"], "templates": [template]}).encode()
    with pytest.raises(SiteTextError, match=problem):
        parse_list(document)


@pytest.mark.parametrize("data, problem", [
    (b"not json", "not JSON"),
    (b"\xff\xfe", "not JSON"),
    (b"[]", "not a Veil site-text list"),
    (json.dumps({"format": "something else"}).encode(), "not a Veil site-text list"),
    (json.dumps({"format": "veil-site-text", "version": 2, "strings": []}).encode(), "version 2"),
    (json.dumps({"format": "veil-site-text", "version": "1", "strings": []}).encode(), "version"),
    (json.dumps({"format": "veil-site-text", "version": 1, "strings": "Place order"}).encode(), "arrays"),
    (json.dumps({"format": "veil-site-text", "version": 1, "strings": [], "extra": 1}).encode(), "key Veil does not know"),
    (json.dumps({"format": "veil-site-text", "version": 1, "strings": [1]}).encode(), "not a string"),
])
def test_a_malformed_list_is_refused_with_its_reason(data, problem):
    with pytest.raises(SiteTextError, match=problem):
        parse_list(data)


def test_a_list_larger_than_the_bound_is_refused_before_it_is_parsed():
    huge = b" " * (50 * 1024 * 1024)  # 50 MB: refused on its size alone, never parsed
    with pytest.raises(SiteTextError, match="larger than"):
        parse_list(huge)


def test_integrity_is_checked_before_the_list_is_read():
    data = listed(["Place order"])
    assert parse_list(data, sitetext.integrity_of(data)).strings == {"Place order"}
    assert parse_list(data, sitetext.integrity_of(data, "sha256") + " " + sitetext.integrity_of(data, "sha512")).strings
    with pytest.raises(SiteTextError, match="does not match"):
        parse_list(data + b" ", sitetext.integrity_of(data))
    # As SRI: only the strongest algorithm given counts (a matching sha256 beside a wrong sha512 fails).
    with pytest.raises(SiteTextError, match="does not match"):
        parse_list(data, sitetext.integrity_of(data, "sha256") + " " + sitetext.integrity_of(b"other", "sha512"))
    with pytest.raises(SiteTextError, match="SRI"):
        parse_list(data, "md5-abc")


def test_inline_strings_are_normalized_and_checked_like_the_file():
    assert sitetext.from_strings(["  Place\norder "]).strings == {"Place order"}
    with pytest.raises(SiteTextError, match="entry 1"):
        sitetext.from_strings(["Place order", "ada@example.com"])
    with pytest.raises(SiteTextError, match="array"):
        sitetext.from_strings("Place order")


def test_the_document_is_sorted_so_the_same_site_writes_the_same_bytes():
    a = sitetext.document(["b text", "a text"], [("Hi ", "!"), ("Ahoy ", "!")])
    b = sitetext.document(["a text", "b text", "a text"], [("Ahoy ", "!"), ("Hi ", "!")])
    assert a == b and a["strings"] == ["a text", "b text"]
    assert parse_list(json.dumps(a).encode()).templates == (("Ahoy ", "!"), ("Hi ", "!"))


def test_an_empty_list_shows_nothing_and_lists_merge():
    assert not sitetext.EMPTY and sitetext.EMPTY.match("Place order") is None
    merged = SiteText(["Email"]).merged(SITE)
    assert merged.match("Email") == "Email" and merged.match("Germany") == "Germany"
