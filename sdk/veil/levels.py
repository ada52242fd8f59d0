"""Privacy levels and the one reduce function that decides a node's level.

Rules: a node takes its own override, else its parent's level; where several overrides match, the
most restrictive wins; ``block`` is never lowered by a descendant. An override value Veil does not
know counts as ``mask`` (fail closed). Forced secrets (password, hidden, one-time-code, card and
*-password autocomplete fields) are decided here too, whatever the level.
"""

from __future__ import annotations

from enum import Enum
from collections.abc import Iterable, Mapping
from typing import Any

from .contract import FORM_FIELD_TAGS, MATCH_FLAGS_KEY, Explanation


class Level(str, Enum):
    ALLOW = "allow"
    MASK_USER_INPUT = "mask-user-input"
    MASK = "mask"
    BLOCK = "block"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Level.ALLOW: 0, Level.MASK_USER_INPUT: 1, Level.MASK: 2, Level.BLOCK: 3}

_CLASS_OVERRIDES = {
    "veil-allow": Level.ALLOW,
    "veil-mask-user-input": Level.MASK_USER_INPUT,
    "veil-mask": Level.MASK,
    "veil-block": Level.BLOCK,
    # rrweb's own markup, so pages already annotated for rrweb keep their meaning under Veil.
    "rr-mask": Level.MASK,
    "rr-block": Level.BLOCK,
}



def most_restrictive(levels: Iterable[Level]) -> Level:
    """The most restrictive of the given levels (ALLOW when there are none)."""
    return max(levels, key=lambda level: level.rank, default=Level.ALLOW)


def resolve_level(parent: Level, overrides: Iterable[Level], editable: bool = False) -> Level:
    """The one reduce step: own overrides (most restrictive wins) else the parent's; block sticks.

    Everything inside an editable element (contenteditable) was typed by the visitor, so
    ``mask-user-input`` there means ``mask``.
    """
    if parent is Level.BLOCK:
        return Level.BLOCK
    own = list(overrides)
    level = most_restrictive(own) if own else parent
    if editable and level is Level.MASK_USER_INPUT:
        return Level.MASK
    return level


def element_level(
    parent: Level, attributes: Mapping[str, object], match_flags: Iterable[str] | None = None, surface: bool = False
) -> Level:
    """An element's level: ``resolve_level`` over its overrides, with a shortcut for the common
    element that carries no marker at all (no data-veil, no veil-/rr- class, no selector match,
    no contenteditable), which simply takes its parent's level. A typing surface (``surface``: an
    element a hidden field types into, see ``nodes``) is at ``mask`` at least."""
    classes = attributes.get("class")
    if (
        not match_flags
        and "data-veil" not in attributes
        and "contenteditable" not in attributes
        and (not isinstance(classes, str) or ("veil-" not in classes and "rr-" not in classes))
    ):
        level = parent
    else:
        level = resolve_level(parent, element_overrides(attributes, match_flags or ()), is_editable(attributes))
    return most_restrictive((level, Level.MASK)) if surface else level


def is_editable(attributes: Mapping[str, object]) -> bool:
    """True for an element whose content the visitor can edit (contenteditable)."""
    value = attributes.get("contenteditable")
    return isinstance(value, str) and value.strip().lower() != "false"


def element_overrides(attributes: Mapping[str, object], match_flags: Iterable[str] = ()) -> list[Level]:
    """Every override an element carries: data-veil, veil-* classes and the shim's selector matches."""
    found: list[Level] = []
    marker = attributes.get("data-veil")
    if isinstance(marker, str):
        try:
            found.append(Level(marker.strip().lower()))
        except ValueError:
            found.append(Level.MASK)
    elif marker is not None:
        found.append(Level.MASK)
    classes = attributes.get("class")
    if isinstance(classes, str):
        found.extend(_CLASS_OVERRIDES[c] for c in classes.split() if c in _CLASS_OVERRIDES)
    for flag in match_flags:
        try:
            found.append(Level(flag))
        except ValueError:
            found.append(Level.MASK)
    return found


_SECRET_INPUT_TYPES = frozenset({"password", "hidden"})


def is_forced_secret(tag: str, attributes: Mapping[str, object]) -> bool:
    """True for fields whose value is never recorded, not even its length, at any level."""
    if tag not in FORM_FIELD_TAGS:
        return False
    input_type = attributes.get("type")
    if tag == "input" and isinstance(input_type, str) and input_type.strip().lower() in _SECRET_INPUT_TYPES:
        return True
    autocomplete = attributes.get("autocomplete")
    if isinstance(autocomplete, str):
        for token in autocomplete.lower().split():
            if token.startswith("cc-") or token == "one-time-code" or token.endswith("-password"):
                return True
    return False


def explain_chain(default: Level, chain: list[Mapping[str, object]]) -> Explanation:
    """Why an element has its level: ``chain`` runs from the outermost element down to it, each
    entry ``{"tag", "attributes", "veilMatch"}``. The reasons name tags and Veil's own markers only."""
    level = default
    reasons = [f"default level {default.value}"]
    secret = False
    for entry in chain:
        tag = str(entry.get("tag", "?"))
        found, found_flags = entry.get("attributes"), entry.get(MATCH_FLAGS_KEY)
        attributes: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
        flags: list[Any] = found_flags if isinstance(found_flags, list) else []
        overrides = element_overrides(attributes, flags)
        editable = is_editable(attributes)
        new = resolve_level(level, overrides, editable)
        if new is not level or overrides:
            why = ", ".join(o.value for o in overrides) or "contenteditable"
            if level is Level.BLOCK:
                reasons.append(f"<{tag}> inside a blocked element stays block")
            else:
                reasons.append(f"<{tag}> override {why} -> {new.value}")
        level = new
        if is_forced_secret(tag, attributes):
            secret = True
            reasons.append(f"<{tag}> is a forced secret (password, hidden, card or one-time-code field)")
    return {"level": level.value, "secret": secret, "reasons": reasons}
