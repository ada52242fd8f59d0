"""Invariants of echo masking over generated typed values and the pages that echo them (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from veil.echo import MIN_CHARS, Echoes, fold, fragments
from veil.levels import Level
from veil.masking import mask_attribute, text_for_level

# No "*": a masked span is made of it, and no typed value is needed to contain one to be meaningful.
chars = st.characters(blacklist_categories=("Cs",), blacklist_characters="*")
typed_values = st.text(alphabet=chars, min_size=MIN_CHARS, max_size=40).filter(lambda v: any(len(f) >= MIN_CHARS for f in fragments(v)))
surroundings = st.text(alphabet=chars, max_size=30)
CASES = [str, str.lower, str.upper]


def _same_fold(original: str, changed: str) -> bool:
    return len(original) == len(changed) and fold(original) == fold(changed)


@settings(max_examples=300)
@given(st.lists(typed_values, min_size=1, max_size=5), st.text(alphabet=chars, max_size=200))
def test_no_remembered_fragment_survives_in_any_text(values, page_text):
    memory = Echoes()
    for value in values:
        memory.remember(value)
    out = fold(memory.mask(page_text))
    for fragment in memory._fragments:
        assert fragment not in out


@settings(max_examples=300)
@given(typed_values, surroundings, surroundings, st.sampled_from(CASES), st.sampled_from([Level.ALLOW, Level.MASK_USER_INPUT]))
def test_an_echo_of_a_typed_value_in_text_or_attribute_never_survives_in_clear(value, before, after, case, level):
    echoed = case(value)
    if not _same_fold(value, echoed):
        echoed = value  # a case change that alters the length ("ß" -> "SS") is not an echo this promises
    memory = Echoes()
    memory.remember(value)
    for out in (
        text_for_level(before + echoed + after, level, "p", scrub=False, echoes=memory),
        mask_attribute("div", "aria-label", before + echoed + after, {}, level, False, scrub=False, echoes=memory),
    ):
        assert isinstance(out, str)
        for fragment in fragments(value):
            assert fragment not in fold(out)


@given(typed_values, surroundings)
def test_echo_masking_is_idempotent_and_leaves_text_without_echoes_alone(value, other):
    memory = Echoes()
    memory.remember(value)
    once = memory.mask(other + value)
    assert memory.mask(once) == once
    assert Echoes().mask(other) == other
