"""Invariants of the URL scrubber's bare query items (issue 27: tokens passed as ``?3f9KqL2vX8``)."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from veil.urls import MASK, PLAIN_WORD_MAX, is_plain_word, scrub_url

# What a query item can hold as a browser writes it: no "&" (between items), no "=" (a key's end),
# no "#" (the fragment's start).
ITEM_CHARS = string.ascii_letters + string.digits + "-._~%+!$'()*,;:@/?"
items = st.text(alphabet=ITEM_CHARS, min_size=1, max_size=60)
tokens = st.text(alphabet=ITEM_CHARS, min_size=PLAIN_WORD_MAX + 1, max_size=80)
padding = st.sampled_from(["", "=", "=="])
pages = st.sampled_from(["https://shop.example/login", "/share/", "http://127.0.0.1:8000/a/b.html", ""])


@settings(max_examples=400)
@given(pages, st.lists(items, max_size=3), tokens, padding, st.lists(items, max_size=3), st.booleans())
def test_a_bare_token_as_long_as_a_plain_word_may_not_be_is_never_kept(page, before, token, pad, after, fragment):
    url = page + "?" + "&".join([*before, token + pad, *after]) + ("#section" if fragment else "")
    query = scrub_url(url).partition("?")[2].partition("#")[0]
    assert token not in query
    assert MASK in query.split("&")


@settings(max_examples=400)
@given(st.from_regex(r"\A[A-Za-z]{0,8}[0-9][A-Za-z0-9]{0,8}\Z"), padding)
def test_a_bare_item_with_a_digit_is_never_kept(item, pad):
    assert scrub_url(f"/page?{item}{pad}") == f"/page?{MASK}"


@given(st.lists(items, max_size=6))
def test_what_is_kept_of_a_query_is_a_plain_word_a_key_or_the_mask_and_scrubbing_is_idempotent(query_items):
    scrubbed = scrub_url("/p?" + "&".join(query_items))
    assert scrub_url(scrubbed) == scrubbed
    query = scrubbed.partition("?")[2]
    for kept in query.split("&") if query else []:
        key, sep, value = kept.partition("=")
        assert kept == "" or kept == MASK or is_plain_word(kept) or (sep and value == MASK), kept
