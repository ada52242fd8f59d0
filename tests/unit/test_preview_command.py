"""python -m veil.preview without a browser: its inputs are checked first, with one clear line each
(exit status 2), and the strings in clear are read from stored events as a replay reads them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import document, el, text
from veil.preview import cli
from veil.preview.record import CHROMIUM_ARGS, PreviewError
from veil.preview.strings import Found, read_expected, strings_in_clear, unexpected, write_expected


def status_and_error(capsys, *argv: str) -> tuple[int, str]:
    status = cli.run(list(argv))
    return status, capsys.readouterr().err


def test_a_bad_url_is_named(capsys, tmp_path):
    for url, expected in [("ftp://example.com/", "must be an http:// or https:// URL"), ("http://", "must be an http:// or https:// URL"),
                          (str(tmp_path / "missing.html"), "neither an http(s) URL nor an existing HTML file")]:
        status, err = status_and_error(capsys, url)
        assert status == 2 and expected in err and err.startswith("veil.preview: URL:")


@pytest.mark.parametrize(("content", "expected"), [
    ("{not json", "not JSON"),
    ("[1, 2]", "must be a JSON object"),
    ('{"defaultPrivacy": "block"}', "`defaultPrivacy`"),
    ('{"maskSelector": ["p"]}', "`maskSelector` is not a Veil config key"),
])
def test_a_bad_config_is_named_with_the_key(capsys, tmp_path, content, expected):
    config = tmp_path / "veil.json"
    config.write_text(content)
    status, err = status_and_error(capsys, "https://shop.example/", "--config", str(config))
    assert status == 2 and f"--config {config}" in err and expected in err


def test_a_missing_config_expected_file_or_build_is_named(capsys, tmp_path):
    status, err = status_and_error(capsys, "https://shop.example/", "--config", str(tmp_path / "nope.json"))
    assert status == 2 and "cannot read it" in err
    status, err = status_and_error(capsys, "https://shop.example/", "--expect-clear", str(tmp_path / "nope.txt"))
    assert status == 2 and "--expect-clear" in err and "cannot read it" in err
    status, err = status_and_error(capsys, "https://shop.example/", "--dist", str(tmp_path))
    assert status == 2 and "no built Veil" in err and "./dev build" in err


def test_the_config_keeps_the_pages_keys_and_sets_where_batches_go():
    assert cli.load_config(None) == {"sampleRate": 100, "recordingMode": "always"}


def test_config_file_endpoint_and_token_are_replaced(tmp_path):
    path = tmp_path / "veil.json"
    path.write_text(json.dumps({"endpoint": "https://prod.example/v1", "clientToken": "pk_live", "allowSelectors": [".public"],
                                "sampleRate": 5, "recordingMode": "on-error"}))
    assert cli.load_config(path) == {"allowSelectors": [".public"], "sampleRate": 100, "recordingMode": "always"}


def test_chromium_is_driven_as_the_test_suite_drives_it():
    from tests.browser import conftest as browser_suite
    from tests.engines import driver as engines_suite
    from veil.preview import record

    assert CHROMIUM_ARGS == ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                             "--disable-sync", "--no-first-run"]
    for suite in (browser_suite, engines_suite):
        assert suite.CHROMIUM_ARGS is record.CHROMIUM_ARGS and suite.CHROMIUM == record.CHROMIUM, suite.__name__


def test_strings_in_clear_as_a_replay_reads_them():
    doc = document(
        el("h1", {"id": "title"}, text("**** *******"), node_id=10),
        el("p", {"id": "promise", "title": "Shipping"}, text("Free shipping"), node_id=11),
        el("input", {"id": "email", "placeholder": "*****", "value": "********"}, node_id=12),
        el("a", {"href": "https://shop.example/help"}, text("Help"), node_id=13),
        el("script", {}, text("var secret = 1"), node_id=14),
        el("p", {"class": "greeting"}, text("Welcome back, ********!"), node_id=15),
    )
    events = [
        {"type": 4, "data": {"href": "https://shop.example/checkout", "width": 800, "height": 600}, "timestamp": 1},
        {"type": 2, "data": {"node": doc, "initialOffset": {"top": 0, "left": 0}}, "timestamp": 2},
        {"type": 3, "data": {"source": 0, "texts": [{"id": 16, "value": "Order placed"}], "attributes": [{"id": 12, "attributes": {"placeholder": "Email"}}],
                             "removes": [], "adds": [{"parentId": 5, "nextId": None, "node": {"type": 2, "id": 20, "tagName": "div", "attributes": {},
                                                                                                 "childNodes": [{"type": 3, "id": 16, "textContent": "*****"}]}}]}, "timestamp": 3},
        {"type": 3, "data": {"source": 5, "id": 12, "text": "ada@example.com", "isChecked": False}, "timestamp": 4},
        {"type": 5, "data": {"tag": "veil:error", "payload": {"kind": "error", "type": "TypeError", "message": "***** ****", "frames": []}}, "timestamp": 5},
        {"type": 5, "data": {"tag": "veil:console", "payload": {"level": "warn", "message": "Cart saved"}}, "timestamp": 6},
        {"type": 5, "data": {"tag": "veil:network", "payload": {"url": "https://api.shop.example/cart?token=***"}}, "timestamp": 7},
    ]
    words, urls = strings_in_clear(events)
    assert [(f.text, f.source, f.where) for f in words] == [
        ("Shipping", "title", "html > body > p#promise"),
        ("Free shipping", "text", "html > body > p#promise"),
        ("Help", "text", "html > body > a"),
        ("Welcome back, ********!", "text", "html > body > p"),
        ("Order placed", "text", "html > body > div"),
        ("Email", "placeholder", "html > body > input#email"),
        ("ada@example.com", "value", "html > body > input#email"),
        ("Cart saved", "console message", "veil:console"),
    ]
    assert [(f.text, f.source) for f in urls] == [("https://shop.example/checkout", "page URL"), ("https://shop.example/help", "href"),
                                                  ("https://api.shop.example/cart?token=***", "request URL")]


def test_the_gate_names_what_the_expected_list_lacks_and_reads_its_own_output():
    words = [Found("Free  shipping", "text", "p", 0), Found("#1 seller", "text", "h2", 0), Found("Ada", "value", "input", 0)]
    expected = read_expected(write_expected(words))
    assert expected == ["Free shipping", "#1 seller", "Ada"]
    assert unexpected(words, ["Free shipping", "#1 seller"]) == [words[2]]
    assert read_expected("# a comment\n\n  Free   shipping \n\\#1 seller\n") == ["Free shipping", "#1 seller"]


def test_the_preview_package_never_reaches_the_browser_wheel(tmp_path):
    import zipfile

    from tests.helpers import load_build

    with zipfile.ZipFile(load_build().build_veil_wheel(tmp_path)) as zf:
        names = zf.namelist()
    assert "veil/verdicts.py" in names and not [n for n in names if n.startswith("veil/preview/")]


def test_preview_error_carries_its_status():
    assert PreviewError(3, "x").status == 3 and Path(cli.__file__).name == "cli.py"
