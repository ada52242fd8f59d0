"""python -m veil.preview against a test page: the report (screenshot beside the stored replay,
every string in clear with the rule behind it) and the --expect-clear gate, passing and failing.
One run is the real command in a process of its own; the others share the session's browser."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.browser.conftest import ROOT
from veil.preview import cli

PAGE = "/test-assets/preview.html"
# The test page's words that leave in clear with this config: its allowed section, and the
# greeting the config's selector allows.
CONFIG = {"allowSelectors": ["#greeting"]}
CLEAR = ["Free shipping over 50 euros", "Welcome back, Margaret"]


def write(tmp_path, name: str, content: str):
    path = tmp_path / name
    path.write_text(content)
    return path


def test_the_command_writes_the_report_and_passes_its_gate(servers, dist, browser, tmp_path):
    config = write(tmp_path, "veil.json", json.dumps(CONFIG))
    expected = write(tmp_path, "expected.txt", "# signed off\n" + "\n".join(CLEAR) + "\n")
    out = tmp_path / "report"
    done = subprocess.run([sys.executable, "-m", "veil.preview", servers.site_url + PAGE, "--config", str(config),
                           "--expect-clear", str(expected), "--out", str(out), "--dist", str(dist)],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "2 strings in clear" in done.stdout
    report = json.loads((out / "report.json").read_text())
    assert report["gate"] == {"passed": True, "unexpected": []}
    words = {w["text"]: w for w in report["words"]}
    assert sorted(words) == sorted(CLEAR)
    assert words["Free shipping over 50 euros"]["where"] == "html > body > section#about > p#promise"
    assert words["Free shipping over 50 euros"]["rule"] == 'allow: override allow on <section#about> (data-veil="allow")'
    assert words["Welcome back, Margaret"]["rule"] == "allow: override allow on <p#greeting> (allowSelectors)"
    assert report["verdicts"] == {"clear": 2, "masked": 5, "typed": 1, "secret": 1, "blocked": 1}
    assert (out / "clear.txt").read_text().splitlines()[1:] == CLEAR
    for secret in ("Grace Hopper", "zq-hunter2", "078-05-1120", "Acme"):
        assert secret not in (out / "events.js").read_text(), secret
    # The report opens from disk, the replay of what the collector stored playing beside the screenshot.
    viewer = browser.new_page()
    errors: list[str] = []
    viewer.on("pageerror", lambda e: errors.append(str(e)))
    viewer.goto((out / "index.html").as_uri(), wait_until="domcontentloaded")
    viewer.wait_for_function("() => window.veilReport && window.veilReport.ready", timeout=20_000)
    replayed = viewer.frame_locator(".rr-player iframe").locator("body").inner_text()
    assert "Free shipping over 50 euros" in replayed and "**** ******* ******" in replayed and "Acme" not in replayed
    assert viewer.locator("#words tbody tr").count() == 2 and viewer.locator("img[src='page.png']").count() == 1
    assert (out / "page.png").stat().st_size > 5_000 and (out / "preview.png").stat().st_size > 5_000
    assert errors == []
    viewer.close()


def test_the_gate_fails_naming_each_string_not_on_the_list(servers, dist, browser, tmp_path, capsys):
    expected = write(tmp_path, "expected.txt", "Welcome back, Margaret\n")
    config = write(tmp_path, "veil.json", json.dumps(CONFIG))
    status = cli.run([servers.site_url + PAGE, "--config", str(config), "--expect-clear", str(expected),
                      "--out", str(tmp_path / "report"), "--dist", str(dist), "--settle-ms", "200"], browser=browser)
    err = capsys.readouterr().err
    assert status == 1, err
    assert "left in clear, not in" in err and "'Free shipping over 50 euros' (text of html > body > section#about > p#promise; rule: allow:" in err
    assert "Margaret" not in err
    report = json.loads((tmp_path / "report" / "report.json").read_text())
    assert report["gate"]["passed"] is False and [u["text"] for u in report["gate"]["unexpected"]] == ["Free shipping over 50 euros"]


def test_a_page_that_cannot_be_opened_is_a_clear_error(servers, dist, browser, capsys):
    status = cli.run(["http://127.0.0.1:9/", "--dist", str(dist), "--timeout", "20"], browser=browser)
    assert status == 2 and "cannot open http://127.0.0.1:9/" in capsys.readouterr().err
    status = cli.run([servers.site_url + "/test-assets/no-such-page.html", "--dist", str(dist)], browser=browser)
    assert status == 2 and "answered HTTP 404" in capsys.readouterr().err


def test_the_gate_over_a_page_with_its_site_text_list(servers, dist, browser, tmp_path, capsys):
    from tests.browser.test_site_text import STATIC, list_integrity

    config = write(tmp_path, "veil.json", json.dumps({"allowTextUrl": "/test-assets/sitetext-list.json",
                                                      "allowTextIntegrity": list_integrity(servers)}))
    signed_off = [*STATIC, "Acme checkout", "Your note", "Welcome back, ********!", "You have ******** items in your cart"]
    expected = write(tmp_path, "expected.txt", "\n".join(signed_off) + "\n")
    out = tmp_path / "report"
    status = cli.run([servers.site_url + "/test-assets/sitetext.html", "--config", str(config), "--expect-clear", str(expected),
                      "--out", str(out), "--dist", str(dist)], browser=browser)
    assert status == 0, capsys.readouterr().err
    report = json.loads((out / "report.json").read_text())
    words = {w["text"]: w for w in report["words"]}
    assert words["Place order"]["rule"] == "site text" and words["Checkout"]["rule"] == "site text"
    assert words["Welcome back, ********!"]["rule"].startswith("site text (a template")
    assert not [w for w in words if "zq" in w.lower() or "lovelace" in w.lower()]
    assert sorted(words) == sorted(set(signed_off)), "every string the page ships, nothing the server filled in"
