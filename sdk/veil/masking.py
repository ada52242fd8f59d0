"""The text masker and the attribute predicate: what of a node's content may leave at a level.

Rules: this is the only place that decides what a text, an attribute or an input value becomes.
Text under ``mask`` keeps its whitespace and length, every other character becomes ``*``. Input
values under ``mask`` and ``mask-user-input`` become a fixed-length mask (length is a leak), and
forced secrets do so at every level. Attributes are judged by an allowlist: a name Veil does not
know is treated as content and masked; event handlers and nonces never leave. URLs are always
scrubbed. CSS text (``style`` attributes, ``_cssText``, a ``<style>``'s text) is handed to the one
CSS masker, ``css``. A ``block`` node keeps no attribute at all except its placeholder size and the
``veil-placeholder`` class. Echoes: given the page view's ``Echoes`` (what the visitor typed where
it was masked), every text and every content, value or URL attribute recorded in clear has each
echo of a typed value masked (see ``echo``); structural attributes (class, id, style...) are not
content and are not searched. Site text: with the page's site-text list (``sitetext``), under
``mask`` a text node (an ``<option>``'s text too) and the attributes in ``SITE_TEXT_ATTRIBUTES``
whose whole normalized text is in the list are recorded in clear, and a text matching one of its
templates keeps its static parts with each slot masked to a fixed length. Never for a forced
secret, a form field's value, anything in a typed region (contenteditable, a typing surface), under
``block``, or a ``<script>``/``<style>``/``<textarea>``'s text; what it shows still has the echoes
of typed values masked (echo masking wins), and the list itself refuses PII and URLs.
"""

from __future__ import annotations

from enum import Enum
from functools import lru_cache, partial
from collections.abc import Callable, Mapping

from . import css
from .contract import FORM_FIELD_TAGS, MEDIA_TAGS
from .echo import Echoes
from .levels import Level
from .pii import scrub_pii
from .sitetext import SiteText
from .text import MASKED_VALUE, WHITESPACE, clear_text, mask_text
from .urls import scrub_srcset, scrub_url
from .values import is_number

# MASKED_VALUE, WHITESPACE, mask_text and clear_text live in the leaf module ``text`` (the CSS
# masker builds on them too); they are named here as well, where the rules that use them are.
__all__ = ["MASKED_VALUE", "PLACEHOLDER_CLASS", "SITE_TEXT_ATTRIBUTES", "WHITESPACE", "Rule", "attribute_rule", "clear_text",
           "comment_text", "input_value_for_level", "mask_attribute", "mask_attributes", "mask_text", "masked_text",
           "placeholder_size", "site_text_or_mask", "text_for_level", "text_masker"]

# Marks block and media placeholders, so a viewer can show them as visibly masked boxes.
PLACEHOLDER_CLASS = "veil-placeholder"
# Content attributes the site-text list may show under mask (they name and describe what is on the
# page: what an operator needs to tell one field from another).
SITE_TEXT_ATTRIBUTES = frozenset({"placeholder", "title", "alt", "aria-label", "aria-description", "label"})


def site_text_or_mask(text: str, site: SiteText) -> str:
    """Text under ``mask`` with a site-text list: what the list shows of it, else ``mask_text``."""
    shown = site.match(text)
    return mask_text(text) if shown is None else shown


def masked_text(text: str, site: SiteText | None = None, typed: bool = False) -> str:
    """Text under ``mask`` that is not a form field's value (an action's name): the site's own
    words when the list has them and the text was not typed, else ``mask_text``."""
    return site_text_or_mask(text, site) if site and not typed else mask_text(text)


def text_for_level(
    text: str,
    level: Level,
    parent_tag: str | None,
    scrub: bool = True,
    secret: bool = False,
    echoes: Echoes | None = None,
    site: SiteText | None = None,
    typed: bool = False,
) -> str:
    """What a text node under an element with ``parent_tag`` at ``level`` records; ``site``: the
    page's site-text list; ``typed``: the node is in a typed region (contenteditable, a typing surface)."""
    return text_masker(level, parent_tag, scrub, secret, echoes, site, typed)(text)


@lru_cache(maxsize=1024)
def text_masker(
    level: Level,
    parent_tag: str | None,
    scrub: bool = True,
    secret: bool = False,
    echoes: Echoes | None = None,
    site: SiteText | None = None,
    typed: bool = False,
) -> Callable[[str], str]:
    """The rule of ``text_for_level`` for one parent, as a function of the text: a snapshot decides
    it once per element rather than once per text node. With ``echoes``, text recorded in clear
    has the echoes of typed values masked (the memory is read at each call, so it may grow)."""
    rule = _text_rule(level, parent_tag, scrub, secret, site if site and not typed and not secret else None)
    if echoes is None or rule is _nothing or rule is mask_text or parent_tag == "style":
        return rule
    return partial(_echo_masked, rule=rule, echoes=echoes)


def _echo_masked(text: str, rule: Callable[[str], str], echoes: Echoes) -> str:
    return echoes.mask(rule(text))


def _text_rule(level: Level, parent_tag: str | None, scrub: bool, secret: bool, site: SiteText | None) -> Callable[[str], str]:
    if parent_tag == "script" or level is Level.BLOCK:
        return _nothing
    if parent_tag == "style":
        # A <style>'s text is a stylesheet: the one CSS masker (css) decides what of it is kept.
        return css.stylesheet_masker(level, scrub)
    if parent_tag == "textarea":
        # A textarea's text is its initial value: user input, not static text.
        return partial(input_value_for_level, level=level, secret=secret, scrub=scrub)
    if level is Level.MASK:
        return partial(site_text_or_mask, site=site) if site else mask_text
    return scrub_pii if scrub else _same


def _nothing(text: str) -> str:
    return ""


def _same(text: str) -> str:
    return text


def comment_text(text: str, level: Level, scrub: bool = True, echoes: Echoes | None = None) -> str:
    """What a comment under an element at ``level`` records: nothing unless allowed (comments are
    never needed to replay, and may carry server-side data)."""
    if level is not Level.ALLOW:
        return ""
    text = clear_text(text, scrub)
    return echoes.mask(text) if echoes is not None else text


def input_value_for_level(value: str, level: Level, secret: bool, scrub: bool = True) -> str:
    """What a form field's value records: a fixed-length mask unless allowed and not a secret."""
    if not value:
        return ""
    if secret or level is not Level.ALLOW:
        return MASKED_VALUE
    return clear_text(value, scrub)


class Rule(Enum):
    KEEP = "keep"  # structure and presentation: needed to replay, carries no content
    URL = "url"  # scrubbed at every level
    SRCSET = "srcset"
    CONTENT = "content"  # author content: masked under mask
    USER_INPUT = "user-input"  # what the visitor typed or chose: masked under mask and mask-user-input
    DROP = "drop"  # never recorded
    CSS = "css"  # CSS text (style, _cssText): through the one CSS masker (css), at every level


_KEEP = frozenset(
    """
    data-veil class id style type rel width height role for tabindex disabled readonly required multiple hidden
    lang dir name charset media sizes colspan rowspan span align valign target method enctype
    autocomplete inputmode maxlength minlength min max step size cols rows wrap open draggable
    contenteditable spellcheck autofocus novalidate loading decoding crossorigin referrerpolicy as
    async defer nomodule integrity http-equiv scope headers start reversed list form accept capture
    bgcolor border cellpadding cellspacing frameborder allowfullscreen sandbox allow playsinline
    controls autoplay muted loop preload kind srclang shape coords usemap ismap translate slot part
    is enterkeyhint popover popovertarget popovertargetaction inert xmlns xmlns:xlink xml:space
    viewbox preserveaspectratio d fill stroke stroke-width stroke-linecap stroke-linejoin
    stroke-dasharray stroke-dashoffset stroke-miterlimit stroke-opacity fill-opacity fill-rule
    clip-rule clip-path mask opacity transform points cx cy r rx ry x y x1 x2 y1 y2 dx dy
    gradientunits gradienttransform patternunits patterncontentunits offset stop-color stop-opacity
    font-size font-family font-weight text-anchor dominant-baseline marker-start marker-mid
    marker-end version focusable color visibility display overflow filter
    aria-hidden aria-expanded aria-checked aria-selected aria-disabled aria-controls
    aria-labelledby aria-describedby aria-live aria-haspopup aria-current aria-invalid
    aria-required aria-level aria-pressed aria-modal aria-atomic aria-busy aria-orientation
    aria-owns aria-posinset aria-setsize aria-sort aria-valuemax aria-valuemin aria-multiselectable
    aria-autocomplete aria-activedescendant aria-colcount aria-colindex aria-rowcount aria-rowindex
    aria-readonly aria-relevant aria-multiline aria-errormessage aria-details aria-flowto
    _csstext rr_width rr_height rr_scrollleft rr_scrolltop rr_mediastate rr_mediacurrenttime
    rr_mediaplaybackrate rr_mediamuted rr_medialoop rr_mediavolume rr_open_mode
    """.split()
)
_URL = frozenset("href src action formaction poster cite background data xlink:href manifest longdesc rr_src".split())
_SRCSET = frozenset({"srcset", "imagesrcset"})
_DROP = frozenset({"nonce", "rr_dataurl", "ping"})
# CSS text: a style attribute's declarations, and rrweb-snapshot's inlined stylesheet (_cssText).
_CSS = frozenset({"style", "_csstext"})
_FORM_FIELDS = FORM_FIELD_TAGS
# MEDIA_TAGS (contract): elements whose content is the resource they load; under mask they keep
# no URL, only their size.
_META_STRUCTURAL_NAMES = frozenset({"viewport"})


def attribute_rule(tag: str, name: str, attributes: Mapping[str, object]) -> Rule:
    """The attribute predicate: how ``name`` on a ``tag`` element is treated."""
    if tag == "meta" and name.lower() == "content":
        meta_name = attributes.get("name")
        if isinstance(meta_name, str) and meta_name.lower() in _META_STRUCTURAL_NAMES:
            return Rule.KEEP
        return Rule.CONTENT
    return _name_rule(tag, name)


@lru_cache(maxsize=4096)
def _name_rule(tag: str, name: str) -> Rule:
    """The rule for every (tag, name) pair whose treatment does not depend on other attributes."""
    key = name.lower()
    if key.startswith("on") or key in _DROP:
        return Rule.DROP
    if key in ("checked", "selected"):
        return Rule.USER_INPUT
    if key == "value":
        return Rule.USER_INPUT if tag in _FORM_FIELDS else Rule.CONTENT
    if key in _CSS:
        return Rule.CSS
    if key in _URL:
        return Rule.URL
    if key in _SRCSET:
        return Rule.SRCSET
    if key in _KEEP:
        return Rule.KEEP
    return Rule.CONTENT


def placeholder_size(size: object) -> dict[str, str]:
    """rr_width/rr_height for a placeholder, from the shim's measured [width, height]."""
    if (
        isinstance(size, list)
        and len(size) == 2
        and all(is_number(v) and 0 <= v < 1e6 for v in size)
    ):
        return {"rr_width": f"{size[0]}px", "rr_height": f"{size[1]}px"}
    return {}


def mask_attributes(
    tag: str,
    attributes: Mapping[str, object],
    level: Level,
    secret: bool,
    scrub: bool = True,
    size: object = None,
    echoes: Echoes | None = None,
    site: SiteText | None = None,
    typed: bool = False,
) -> dict[str, object]:
    """The attributes an element at ``level`` may record, each masked as its rule says (``site``,
    ``typed``: see ``mask_attribute``)."""
    if level is Level.BLOCK:
        kept = {k: attributes[k] for k in ("rr_width", "rr_height") if isinstance(attributes.get(k), str)}
        return {"class": PLACEHOLDER_CLASS, **(kept or placeholder_size(size))}
    out: dict[str, object] = {}
    if not attributes and tag not in MEDIA_TAGS:
        return out
    for name, value in attributes.items():
        masked = mask_attribute(tag, name, value, attributes, level, secret, scrub, echoes, site, typed)
        if masked is not None:
            out[name] = masked
    if tag in MEDIA_TAGS and level is Level.MASK:
        out.update(placeholder_size(size))
        classes = out.get("class")
        if not isinstance(classes, str):
            classes = ""
        if PLACEHOLDER_CLASS not in classes.split():
            out["class"] = f"{classes} {PLACEHOLDER_CLASS}".strip()
    return out


def mask_attribute(
    tag: str,
    name: str,
    value: object,
    attributes: Mapping[str, object],
    level: Level,
    secret: bool,
    scrub: bool = True,
    echoes: Echoes | None = None,
    site: SiteText | None = None,
    typed: bool = False,
) -> object | None:
    """One attribute's recorded value, or None to leave it out (also used for attribute mutations).
    ``site``: the page's site-text list; ``typed``: the element is in a typed region (the list
    shows nothing there)."""
    masked = _mask_attribute(tag, name, value, attributes, level, secret, scrub, site if site and not secret and not typed else None)
    if echoes and type(masked) is str and attribute_rule(tag, name, attributes) is not Rule.KEEP:
        return echoes.mask(masked)  # what the visitor typed, written back by the page
    return masked


def _mask_attribute(
    tag: str,
    name: str,
    value: object,
    attributes: Mapping[str, object],
    level: Level,
    secret: bool,
    scrub: bool,
    site: SiteText | None = None,
) -> object | None:
    if level is Level.BLOCK:
        return None
    rule = attribute_rule(tag, name, attributes)
    if rule is Rule.DROP:
        return None
    if rule is Rule.KEEP and type(value) is str:  # the common case (class, id, name...): as below, sooner
        return value
    if tag in MEDIA_TAGS and level is Level.MASK and (rule in (Rule.URL, Rule.SRCSET) or name.lower() == "rr_dataurl"):
        return None  # the media itself is content: a sized placeholder replaces it
    if value is None:
        return None  # an attribute removal; the caller records it as such
    if rule is Rule.CSS:
        text = value if isinstance(value, str) else str(value)
        if name.lower() == "style":
            return css.mask_declarations(text, level, scrub)
        return css.mask_stylesheet(text, level, scrub)
    if isinstance(value, bool) or (isinstance(value, (int, float)) and rule is Rule.KEEP):
        if rule is Rule.USER_INPUT and (secret or level is not Level.ALLOW):
            return None
        if rule is Rule.CONTENT and level is Level.MASK:
            return mask_text(str(value))
        return value
    text = value if isinstance(value, str) else str(value)
    if rule is Rule.KEEP:
        return text
    if rule is Rule.URL:
        return scrub_url(text)
    if rule is Rule.SRCSET:
        return scrub_srcset(text)
    if rule is Rule.USER_INPUT:
        if name.lower() in ("checked", "selected"):
            return None if (secret or level is not Level.ALLOW) else text
        return input_value_for_level(text, level, secret, scrub)
    # Rule.CONTENT
    if level is Level.MASK:
        return site_text_or_mask(text, site) if site and name.lower() in SITE_TEXT_ATTRIBUTES else mask_text(text)
    return clear_text(text, scrub)
