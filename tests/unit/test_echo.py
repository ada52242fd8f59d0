"""Echo masking: what the visitor typed where it was masked stays masked wherever the page writes it
back (text, attributes, action names, later snapshots), and the memory that makes it so is bounded
and never leaves. Each test asserts on the bytes of the batch and on the masked form being there."""

from __future__ import annotations

import gzip

import pytest

from tests.helpers import document, el, full, input_event, meta, mutation, parts, text
from veil import echo
from veil.api import Core
from veil.config import normalize_config
from veil.contract import ACTION_TAG, KEY_TAG
from veil.echo import MASKED_VALUE as ECHO_MASK, MIN_CHARS, Echoes
from veil.masking import MASKED_VALUE
from veil.recorder import Recorder

M = MASKED_VALUE


def make(level="mask-user-input", echoes=None):
    recorder = Recorder(normalize_config({"endpoint": "/c", "defaultPrivacy": level}), session="s" * 32, echoes=echoes)
    recorder.start()
    return recorder


def wire(recorder) -> str:
    batch = recorder.take_batch()
    return gzip.decompress(batch).decode() if batch else ""


def page():
    return document(
        el("input", {"id": "name"}, node_id=10),
        el("input", {"type": "password"}, node_id=11),
        el("input", {"id": "public", "data-veil": "allow"}, node_id=12),
        el("p", {"id": "greeting"}, text("Hello", node_id=21), node_id=20),
        el("button", {"aria-label": "Send"}, text("Send", node_id=31), node_id=30),
        el("ul", {}, node_id=40),
        el("div", {"aria-live": "polite"}, text("", node_id=51), node_id=50),
        el("div", {"class": "editor"},
           el("div", {}, el("textarea", {"class": "inputarea"}, node_id=62), node_id=61),
           el("div", {"class": "view-lines"}, el("div", {"class": "view-line"}, text("const a = 1", node_id=65), node_id=64), node_id=63),
           node_id=60),
        el("div", {"contenteditable": "true"}, text("", node_id=71), node_id=70),
    )


def started(level="mask-user-input", echoes=None):
    recorder = make(level, echoes)
    recorder.observe([meta(), full(page())])
    wire(recorder)
    return recorder


def add(parent, node, ts=5, next_id=None):
    return mutation(ts=ts, adds=[{"parentId": parent, "nextId": next_id, "node": node}])


def set_text(node_id, value, ts=5):
    return mutation(ts=ts, texts=[{"id": node_id, "value": value}])


def set_attr(node_id, ts=5, **attributes):
    return mutation(ts=ts, attributes=[{"id": node_id, "attributes": attributes}])


def key(value, node_id, ts=5, **extra):
    return {"type": 5, "data": {"tag": KEY_TAG, "payload": {"key": value, "id": node_id, **extra}}, "timestamp": ts}


# The leak classes of issue 17, each a page writing back what was typed into #name.

@pytest.mark.parametrize("level", ["mask-user-input", "allow-with-masked-field"])
def test_a_react_like_greeting_echo_is_masked(level):
    recorder = started("allow") if level != "mask-user-input" else started()
    field = 11 if level != "mask-user-input" else 10  # under allow, the password field is the masked one
    recorder.observe([input_event(field, "Zqada Lovelace"), set_text(21, "Hello Zqada Lovelace")])
    sent = wire(recorder)
    assert "zqada" not in sent.lower() and "lovelace" not in sent.lower()
    assert f'"value":"Hello {M}"' in sent


def test_attribute_echoes_are_masked_aria_label_data_preview_title_and_value_of_other_nodes():
    recorder = started()
    recorder.observe([
        input_event(10, "zqsender"),
        set_attr(30, **{"aria-label": "Send as zqsender", "data-preview": "zqsender", "title": "From ZQSENDER"}),
        add(40, el("li", {"data-task": "zqsender", "data-value": "zqsender"}, text("zqsender"), node_id=41)),
        add(40, el("option", {"value": "zqsender"}, node_id=42)),
    ])
    sent = wire(recorder)
    assert "zqsender" not in sent.lower()
    for masked in (f'"aria-label":"Send as {M}"', f'"data-preview":"{M}"', f'"title":"From {M}"', f'"data-task":"{M}"',
                   f'"value":"{M}"', f'"textContent":"{M}"'):
        assert masked in sent, masked


def test_an_upper_cased_echo_and_a_partial_echo_of_what_was_typed_so_far_are_masked():
    recorder = started()
    recorder.observe([input_event(10, "zqtyped"), set_text(21, "ZQTYPED!"), add(40, el("li", {}, text("Add zqty…"), node_id=43))])
    sent = wire(recorder)
    assert "zqt" not in sent.lower()
    assert f"{M}!" in sent and f"Add {M}…" in sent


def test_an_echo_handed_over_before_the_input_that_typed_it_is_masked():
    recorder = started()
    recorder.observe([set_text(21, "Hello zqearly"), input_event(10, "zqearly")])
    sent = wire(recorder)
    assert "zqearly" not in sent and f"Hello {M}" in sent


def test_in_the_hand_over_of_a_snapshot_an_earlier_echo_is_masked_and_an_allowed_field_still_judged():
    recorder = make()
    recorder.observe([meta(), full(page()), set_text(21, "Hello zqfirst"), input_event(10, "zqfirst"),
                      input_event(12, "zqallowed"), set_text(31, "zqallowed")])
    sent = wire(recorder)
    assert "zqfirst" not in sent and f'"value":"Hello {M}"' in sent
    assert '"value":"zqallowed"' in sent  # typed in clear, so not an echo to hide


def test_a_grid_cell_written_by_script_after_typing_in_its_editor_is_masked():
    recorder = started()
    recorder.observe([add(40, el("textarea", {"class": "handsontableInput"}, node_id=44))])
    recorder.observe([input_event(44, "z"), input_event(44, "zq"), input_event(44, "zqcell 42")])
    recorder.observe([mutation(ts=6, removes=[{"parentId": 40, "id": 44}]), add(40, el("td", {}, text("zqcell 42"), node_id=45), ts=7)])
    sent = wire(recorder)
    assert "zqcell" not in sent and f'"textContent":"{M}"' in sent


def test_a_script_copying_a_typed_value_into_an_allowed_field_does_not_leak_it():
    recorder = started()
    recorder.observe([input_event(10, "zqcopied"), input_event(12, "display: zqcopied")])
    sent = wire(recorder)
    assert "zqcopied" not in sent and f'"text":"display: {M}"' in sent


def test_a_choice_is_not_remembered_as_masking_its_option_where_it_reappears_would_tell_it():
    recorder = make()
    choices = document(el("select", {}, el("option", {"value": "france"}, text("France")), node_id=10),
                       el("input", {"type": "Radio", "value": "female"}, node_id=11), el("ul", {}, node_id=40))
    recorder.observe([meta(), full(choices), input_event(10, "france"), input_event(11, "female", checked=True)])
    recorder.observe([add(40, el("li", {}, text("France, Female, Male"), node_id=41))])
    assert '"textContent":"France, Female, Male"' in wire(recorder)


def test_values_recorded_in_clear_are_not_remembered_and_short_values_are_not_either():
    recorder = started()
    recorder.observe([input_event(12, "zqpublic"), input_event(10, "ab"), set_text(21, "zqpublic ab")])
    sent = wire(recorder)
    assert '"value":"zqpublic ab"' in sent  # typed in an allowed field (and "ab" is under MIN_CHARS)


def test_a_later_snapshot_and_later_action_names_mask_the_echo_too():
    recorder = started()
    recorder.observe([input_event(10, "zqsnap")])
    greeting = el("p", {"title": "for zqsnap"}, text("Hello zqsnap", node_id=81), node_id=80)
    recorder.observe([meta(), *parts(document(el("input", {"value": "zqsnap"}, node_id=10), greeting), size=2, ts=9)])
    recorder.observe([{"type": 5, "data": {"tag": ACTION_TAG, "payload": {"id": 80, "name": "Add zqsnap"}}, "timestamp": 10}])
    sent = wire(recorder)
    assert "zqsnap" not in sent
    assert f'"textContent":"Hello {M}"' in sent and f'"title":"for {M}"' in sent and f'"name":"Add {M}"' in sent


def test_a_value_typed_while_a_sliced_snapshot_is_under_way_is_masked_in_its_later_parts():
    recorder = started()
    snapshot = parts(document(el("input", {}, node_id=10), el("p", {"data-x": "a"}, text("Hi"), text("Hello zqmid"), node_id=20)), size=1, ts=9)
    opened = next(i for i, event in enumerate(snapshot) if event["data"]["part"][0][1] == 20) + 1
    recorder.observe([meta(), *snapshot[:opened]])  # the <p> is open, its text still to come
    recorder.observe([input_event(10, "zqmid", ts=10)])  # typed meanwhile (the event itself waits for the snapshot)
    recorder.observe(snapshot[opened:])
    sent = wire(recorder)
    assert "zqmid" not in sent and f'"textContent":"Hello {M}"' in sent and '"textContent":"Hi"' in sent


def test_the_memory_belongs_to_the_page_view_and_outlives_a_stop_and_start():
    core_echoes = Echoes()
    recorder = started(echoes=core_echoes)
    recorder.observe([input_event(10, "zqbefore")])
    recorder.stop()
    recorder.start()
    recorder.observe([meta(), full(document(el("p", {}, text("Hi zqbefore"), node_id=90)))])
    sent = wire(recorder)
    assert "zqbefore" not in sent and f"Hi {M}" in sent
    assert isinstance(Core().echoes, Echoes)


# Typed regions: a code editor fed by a hidden textarea, contenteditable, and live regions quoting them.

def test_a_hidden_textarea_makes_its_editor_a_typing_surface_and_a_live_region_quoting_it_is_masked():
    recorder = started()
    recorder.observe([
        key("z", 62, hidden=True),
        input_event(62, "z"),
        mutation(ts=6, removes=[{"parentId": 64, "id": 65}], adds=[{"parentId": 64, "nextId": None, "node": text("const zqmonaco = 1", node_id=66)}]),
        set_text(51, "Line 1: const zqmonaco = 1"),
    ])
    sent = wire(recorder)
    assert "zqmonaco" not in sent
    assert '"textContent":"***** ******** * *"' in sent  # the rendered line, masked like typed text
    assert f'"value":"Line 1: {M}"' in sent  # the announcement quotes the whole line


def test_a_typing_surface_stays_one_in_the_next_snapshot_and_a_visible_textarea_makes_none():
    recorder = started()
    recorder.observe([key("Enter", 62), set_text(65, "visible textarea: zqplain")])
    assert "zqplain" in wire(recorder)  # no hidden fact: an ordinary field beside static text
    recorder.observe([key("a", 62, hidden=True)])
    recorder.observe([meta(), full(page(), ts=8)])
    sent = wire(recorder)
    assert "const a = 1" not in sent and "***** * * *" in sent


def monaco(line: str, root: int = 80) -> dict:
    """Monaco as it renders on Chromium (issue 27): typing goes to div.native-edit-context through
    the EditContext API (no textarea takes it, no input event fires), the view lines render it."""
    return el("div", {"class": "monaco-editor"},
              el("div", {"class": "overflow-guard"},
                 el("div", {"class": "native-edit-context", "role": "textbox", "tabindex": "0"}, node_id=root + 2),
                 el("textarea", {"class": "ime-text-area", "readonly": "true", "tabindex": "-1"}, node_id=root + 3),
                 el("div", {"class": "lines-content"},
                    el("div", {"class": "view-lines"},
                       el("div", {"class": "view-line"}, monaco_line(line, root + 10), node_id=root + 6),
                       node_id=root + 5),
                    node_id=root + 4),
                 node_id=root + 1),
              node_id=root)


def monaco_line(line: str, first_id: int) -> dict:
    """A view line's spans: ``line`` cut after its first word, the way tokens are (span.mtk20...)."""
    head, _, rest = line.partition(" ")
    return el("span", {},
              el("span", {"class": "mtk6"}, text(head, node_id=first_id + 2), node_id=first_id + 1),
              el("span", {"class": "mtk20"}, text(" " + rest, node_id=first_id + 4), node_id=first_id + 3),
              node_id=first_id)


def test_an_edit_context_editor_added_after_start_makes_its_lines_a_typing_surface_on_the_first_keystroke():
    recorder = started()
    recorder.observe([add(5, monaco("const greeting = "), ts=6)])
    assert '"textContent":" greeting = "' in wire(recorder)  # the site's own code: in clear
    recorder.observe([
        key("'", 82, ts=7, hidden=True),  # no input event follows: EditContext fires none
        mutation(ts=8, removes=[{"parentId": 86, "id": 90}], adds=[{"parentId": 86, "nextId": None, "node": monaco_line("const 'zqmonacosecret'", 100)}]),
        set_text(51, "Line 1: const 'zqmonacosecret'"),  # a screen-reader announcement quoting it
    ])
    sent = wire(recorder)
    assert "zqmonaco" not in sent
    assert '"textContent":"*****"' in sent and '"textContent":" ****************"' in sent  # masked as typed text
    assert "Line 1: " in sent and "zqm" not in sent.lower()


def test_a_hidden_fact_on_an_input_or_at_allow_makes_no_typing_surface():
    recorder = started("allow")
    recorder.observe([add(5, monaco("const greeting = "), ts=6), key("a", 82, ts=7, hidden=True), set_text(92, "zqallowed")])
    assert "zqallowed" in wire(recorder)  # allow: what is typed is recorded, its lines too
    recorder = started()
    recorder.observe([key("a", 10, hidden=True), set_text(21, "Hello zqbeside")])
    assert "zqbeside" in wire(recorder)  # an input shows what it takes: its neighbours are static text


def test_a_class_change_on_a_typing_surface_is_judged_by_the_one_reduce_and_asks_for_no_snapshot():
    """The writer records a typing surface at mask at least; a change of its class is judged by the
    same rule (levels.element_level): a class change neither lowers it nor asks for a snapshot."""
    recorder = started()
    recorder.observe([key("z", 62, hidden=True)])
    wire(recorder)
    answer = recorder.observe([set_attr(60, **{"class": "editor focused"}), set_text(65, "const zqsurface = 1", ts=6)])
    assert answer["actions"] == []
    sent = wire(recorder)
    assert "zqsurface" not in sent and '"class":"editor focused"' in sent


def test_text_typed_in_a_contenteditable_is_remembered_and_its_echo_masked():
    recorder = started()
    recorder.observe([set_text(71, "Dear zqeditor"), set_text(51, "You wrote: Dear zqeditor")])
    sent = wire(recorder)
    assert "zqeditor" not in sent and f'"value":"You wrote: {M}"' in sent


# The memory itself.

def test_fragments_are_lines_and_pieces_folded_and_at_least_min_chars():
    assert echo.fragments("Ada\n  Lovelace  \nab") == ["ada", "lovelace"]
    assert [len(f) for f in echo.fragments("x" * 600)] == [256, 256, 88]
    assert echo.fragments("x" * (256 + MIN_CHARS - 1)) == ["x" * 256]  # a tail too short to say anything


def test_a_value_typed_longer_replaces_its_prefixes():
    memory = Echoes()
    for i in range(3, 8):
        memory.remember("zqtyped"[:i])
    assert len(memory) == 1
    memory.remember("zqty")  # deleting back: still covered
    assert len(memory) == 1 and memory.mask("x zqtyp y") == f"x {ECHO_MASK} y"


def test_the_memory_is_bounded_in_count_and_characters_and_counts_what_it_forgets():
    def head(i):  # a distinct first three letters: echoes match any prefix of three or more
        return "".join(chr(97 + (i // 26 ** k) % 26) for k in (2, 1, 0))
    memory = Echoes()
    for i in range(echo.MAX_FRAGMENTS + 10):
        memory.remember(head(i) + "-value")
    assert len(memory) == echo.MAX_FRAGMENTS and memory.forgotten == 10
    assert memory.mask(head(5) + "-value") == head(5) + "-value"  # the oldest went first
    assert memory.mask(head(200) + "-value") == ECHO_MASK
    big = Echoes()
    for i in range(echo.MAX_CHARS // 256 + 5):
        big.remember(f"{i:05d}" + "y" * 251)
    assert sum(len(f) for f in big._fragments) <= echo.MAX_CHARS and big.forgotten == 5


def test_masking_is_case_insensitive_keeps_offsets_and_merges_overlapping_echoes():
    memory = Echoes()
    memory.remember("İstanbul zq")  # a character whose lower case is longer
    memory.remember("zqone")
    memory.remember("onetwo")
    assert memory.mask("to İSTANBUL ZQ now") == f"to {ECHO_MASK} now"
    assert memory.mask("x zqonetwo y") == f"x {ECHO_MASK} y"  # "zqone" and "onetwo" overlap: one span
    assert memory.mask("nothing here") == "nothing here" and Echoes().mask("anything") == "anything"


def test_what_was_typed_so_far_is_an_echo_but_a_word_it_merely_begins_like_is_not():
    memory = Echoes()
    memory.remember("zqtyped")
    memory.remember("the quick brown fox")
    assert memory.mask("Add zqty…") == f"Add {ECHO_MASK}…"  # a debounced echo, half typed or more
    assert memory.mask("ZQTITLE, zqt, zqtypewriter") == "ZQTITLE, zqt, zqtypewriter"
    assert memory.mask("the cat; the quick brow") == f"the cat; {ECHO_MASK}"


def test_only_the_whole_of_a_value_a_script_set_is_an_echo_not_its_prefixes():
    recorder = started("allow")
    recorder.observe([{**input_event(11, "zqprogpw"), "data": {**input_event(11, "zqprogpw")["data"], "userTriggered": False}},
                      set_text(21, "zqprog / zqprogpw")])
    assert f'"value":"zqprog / {M}"' in wire(recorder)


def test_the_echo_mask_is_the_fixed_length_field_mask():
    assert ECHO_MASK == MASKED_VALUE


def test_a_value_typed_so_far_that_input_events_skipped_past_masks_whole_words_only():
    # Coalesced input events: "zqt", then at once "zqtyped". The short value is still an echo
    # as a word ("Add zqt…"), but it must not eat the head of other words on the page.
    memory = Echoes()
    memory.remember("zqt")
    memory.remember("zqtyped")
    assert memory.mask("Add ZQT…") == f"Add {ECHO_MASK}…"
    assert memory.mask("ZQTEXTCHANGE") == "ZQTEXTCHANGE"
    assert memory.mask("Hello zqtyped") == f"Hello {ECHO_MASK}"
