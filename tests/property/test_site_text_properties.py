"""Invariants of the site-text rule and its extractor (hypothesis).

The rule: even a list that names every text and attribute value of the page (the worst list there
is) changes nothing but the text nodes and the six content attributes of elements at mask that are
neither secret nor in a typed region; block, input values, secrets, typed regions and other
attributes come out exactly as without a list. A template's filled slot never shows its filling,
nor its length. The extractor: what a template literal or a message renders matches the list's
template, and nothing the scrubber would change enters a list.
"""

from __future__ import annotations

import json
import re
from itertools import count

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from veil.allowlist.collect import Collected
from veil.allowlist.javascript import extract_script
from veil.allowlist.messages import icu_variants
from veil.contract import MEDIA_TAGS
from veil.levels import Level
from veil.masking import SITE_TEXT_ATTRIBUTES
from veil.nodes import NodeTable
from veil.pii import contains_pii
from veil.sitetext import SLOT, SLOT_MASK, SiteText, normalize
from veil.subtree import mask_tree

TAGS = ["div", "p", "span", "input", "textarea", "option", "select", "button", "label", "img", "script"]
OVERRIDES = [None, "allow", "mask", "mask-user-input", "block"]
ATTRS = ["title", "alt", "placeholder", "aria-label", "label", "data-user", "value"]
words = st.text(alphabet="abcdefghij KLMNOP", min_size=2, max_size=12).map(normalize).filter(lambda s: len(s) >= 2)


@st.composite
def pages(draw):
    ids = count(10)

    def node(depth):
        if depth == 0 or draw(st.booleans()):
            return {"type": 3, "id": next(ids), "textContent": draw(words)}
        attrs = {name: draw(words) for name in draw(st.lists(st.sampled_from(ATTRS), max_size=3, unique=True))}
        override = draw(st.sampled_from(OVERRIDES))
        if override:
            attrs["data-veil"] = override
        if draw(st.integers(0, 5)) == 0:
            attrs["contenteditable"] = "true"
        if draw(st.integers(0, 5)) == 0:
            attrs["type"] = "password"
        children = [node(depth - 1) for _ in range(draw(st.integers(0, 3)))]
        return {"type": 2, "id": next(ids), "tagName": draw(st.sampled_from(TAGS)), "attributes": attrs, "childNodes": children}

    body = {"type": 2, "id": 3, "tagName": "body", "attributes": {}, "childNodes": [node(3) for _ in range(draw(st.integers(1, 3)))]}
    return {"type": 0, "id": 1, "childNodes": [body]}


def every_value(node, found):
    if node.get("type") == 3:
        found.add(normalize(node["textContent"]))
    for value in node.get("attributes", {}).values():
        found.add(normalize(value))
    for child in node.get("childNodes", []):
        every_value(child, found)
    return found


def masked(page, level, site):
    return mask_tree(page, None, level, None, NodeTable(), True, None, site)


def pairs(a, b, typed=False, parent_tag=None):
    """Walk two masked trees side by side: yield (node with list, node without, in a typed region,
    its parent's tag)."""
    yield a, b, typed, parent_tag
    tag = parent_tag
    if a.get("type") == 2:
        typed = typed or "contenteditable" in b.get("attributes", {})
        tag = b["tagName"]
    for ca, cb in zip(a.get("childNodes", []), b.get("childNodes", []), strict=True):
        yield from pairs(ca, cb, typed, tag)


def is_secret(node):
    return node.get("tagName") == "input" and node.get("attributes", {}).get("type") == "password"


@settings(max_examples=150, deadline=None)
@given(pages(), st.sampled_from([Level.MASK, Level.MASK_USER_INPUT]))
def test_even_a_list_of_every_value_only_shows_text_and_content_attributes_at_mask(page, default):
    site = SiteText(v for v in every_value(page, set()) if len(v) >= 2)
    with_list, without = masked(page, default, site), masked(page, default, None)
    for a, b, typed, _ in pairs(with_list, without):
        # Whatever differs was masked without the list (the element was at mask), and is text or a
        # content attribute of an element neither typed nor secret.
        if a.get("type") == 3 and a["textContent"] != b["textContent"]:
            assert not typed and set(b["textContent"]) <= {"*", " "}
        elif a.get("type") == 2:
            assert a["tagName"] == b["tagName"] and set(a["attributes"]) == set(b["attributes"])
            for name, value in a["attributes"].items():
                if value != b["attributes"][name]:
                    assert name in SITE_TEXT_ATTRIBUTES and not typed and not is_secret(b), name
                    assert set(b["attributes"][name]) <= {"*", " "}


@settings(max_examples=150, deadline=None)
@given(pages())
def test_block_input_values_secrets_and_typed_regions_are_exactly_as_without_a_list(page):
    site = SiteText(v for v in every_value(page, set()) if len(v) >= 2)
    with_list, without = masked(page, Level.MASK, site), masked(page, Level.MASK, None)
    for a, b, typed, parent_tag in pairs(with_list, without):
        if a.get("type") == 2:
            assert a["attributes"].get("value") == b["attributes"].get("value")
            # A media element at mask is a placeholder too, but its (unrendered, script-added) children
            # are at mask like any other: only a placeholder that is not media is the block's.
            placeholder = b["attributes"].get("class") == "veil-placeholder" and set(b["attributes"]) <= {"class", "rr_width", "rr_height"}
            blocked = placeholder and b["tagName"] not in MEDIA_TAGS
            if blocked or typed:
                assert a == b
            if is_secret(b):
                assert a["attributes"] == b["attributes"]
        elif typed or parent_tag in ("textarea", "script"):
            assert a == b


slot_fill = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40).filter(lambda s: s.strip())


@settings(max_examples=200, deadline=None)
@given(slot_fill)
def test_a_filled_slot_never_shows_its_filling_nor_its_length(fill):
    site = SiteText([], [("Welcome back, ", "!")])
    shown = site.match(f"Welcome back, {fill}!")
    if shown is not None:
        assert shown == f"Welcome back, {SLOT_MASK}!"


def js_string(value: str) -> str:
    return json.dumps(value)


static = st.text(alphabet="ABCDEFGHIJ abcdefghij,.!", min_size=3, max_size=20).filter(lambda s: sum(c.isalpha() for c in s) >= 3)


@settings(max_examples=100, deadline=None)
@given(static, static, slot_fill)
def test_what_a_template_literal_renders_matches_the_template_the_extractor_wrote(before, after, fill):
    # Slots are kept off letters by a space, as a template the list would accept.
    before, after = before.rstrip() + " ", " " + after.lstrip()
    collected = Collected()
    extract_script(f"el.textContent = `{before}${{value}}{after}`;", collected)
    site = SiteText(collected.strings, collected.templates)
    rendered = before + fill + after
    assume(not contains_pii(rendered) and normalize(fill))
    shown = site.match(rendered)
    assert shown is not None and normalize(shown) == normalize(before) + " " + SLOT_MASK + " " + normalize(after) or not collected.templates


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["one", "other", "few"]), min_size=1, max_size=3, unique=True), st.integers(0, 999))
def test_every_variant_of_a_plural_message_is_a_template_of_the_list(selectors, n):
    options = " ".join(f"{s} {{# {s} items}}" for s in selectors)
    message = f"You have {{count, plural, {options}}} in your cart"
    variants = icu_variants(message)
    assert len(variants) == len(selectors)
    collected = Collected()
    for variant in variants:
        collected.add(variant, True)
    site = SiteText(collected.strings, collected.templates)
    for s in selectors:
        assert site.match(f"You have {n} {s} items in your cart") == f"You have {SLOT_MASK} {s} items in your cart"


pii = st.sampled_from(["ada@example.com", "4111 1111 1111 1111", "+44 20 7946 0958", "123-45-6789", "sk_live_abcdefghijklmnop"])


@settings(max_examples=100, deadline=None)
@given(static, pii, st.sampled_from(["string", "template", "jsx", "html"]))
def test_nothing_the_scrubber_would_change_enters_a_list(words_around, secret, where):
    text = f"{words_around} {secret}"
    source = {
        "string": f"label = {js_string(text)};",
        "template": f"el.title = `{words_around} ${{x}} {secret}`;",
        "jsx": f"const a = <p title={js_string(text)}>{text}</p>;",
        "html": "",
    }[where]
    collected = Collected()
    if where == "html":
        from veil.allowlist.markup import extract_markup

        extract_markup(f"<p title='{text}'>{text}</p>", collected)
    else:
        extract_script(source, collected)
    for entry in [*collected.strings, *(" ".join(t) for t in collected.templates)]:
        assert not contains_pii(entry), entry
        assert secret not in entry


@given(st.text(max_size=200))
def test_the_extractor_never_raises_on_any_script_or_markup(source):
    from veil.allowlist.markup import extract_markup

    collected = Collected()
    extract_script(source, collected)
    extract_markup(source, collected)
    for entry in collected.strings:
        assert entry == normalize(entry) and SLOT not in entry and not re.search(r"\ue001", entry)
