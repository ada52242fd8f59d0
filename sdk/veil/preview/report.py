"""The preview's report: a directory a privacy team opens in a browser (no server, no CDN).

Rules: ``index.html`` shows the page's screenshot beside the replay of what the collector stored
(rrweb-player, the collector's vendored copy, with its licence), the page with the preview drawn,
and a table of every word in clear with its source, where it sits and the rule behind it (from
Veil.preview's verdicts, matched by string), then the URLs (scrubbed, not gated). Recorded text
is only ever written escaped; the events reach the player as JSON in a script file with ``<``
escaped. ``report.json`` holds the same for machines, ``clear.txt`` the words as an
--expect-clear file to review and commit.
"""

from __future__ import annotations

import html
import json
import shutil
from dataclasses import asdict
from importlib import resources
from pathlib import Path
from typing import Any

from .record import Recording
from .strings import Found, normalize, write_expected

_PLAYER_FILES = ("rrweb-player.min.js", "style.css", "LICENSE")
_PLACEHOLDER_RULE = (".veil-placeholder { background: repeating-linear-gradient(45deg, #c9ced6 0 6px, #e4e7eb 6px 12px) !important; "
                     "outline: 1px dashed #8a94a3; }")

_SCRIPT = """(function () {
  "use strict";
  var Player = window.rrwebPlayer.Player || window.rrwebPlayer.default;
  var events = window.veilEvents;
  var target = document.getElementById("replay");
  if (!events.length) {
    target.textContent = "Nothing was stored.";
    window.veilReport = { ready: true, events: 0 };
    return;
  }
  var player = new Player({ target: target, props: { events: events, width: 620, height: 388, autoPlay: false,
    insertStyleRules: [PLACEHOLDER_RULE] } });
  player.goto(player.getMetaData().totalTime, false);
  window.veilReport = { ready: true, events: events.length, player: player };
})();
""".replace("PLACEHOLDER_RULE", json.dumps(_PLACEHOLDER_RULE))

_CSS = """body { font: 14px/1.45 system-ui, sans-serif; margin: 24px; color: #1f2328; }
h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 28px; }
.side { display: flex; gap: 24px; flex-wrap: wrap; align-items: flex-start; }
figure { margin: 0; } figure img { width: 620px; border: 1px solid #d0d7de; } figcaption { color: #59636e; margin-top: 4px; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; border-bottom: 1px solid #d0d7de; padding: 4px 8px; vertical-align: top; }
td.string { font-family: ui-monospace, monospace; white-space: pre-wrap; word-break: break-word; }
tr.unexpected td { background: #ffebe9; } .pass { color: #1a7f37; } .fail { color: #cf222e; } .note { color: #59636e; }
"""


def rules_by_string(verdicts: list[dict[str, Any]]) -> dict[str, str]:
    """Each string a verdict names (in clear, or as the replay shows it) -> the rule(s) behind it."""
    found: dict[str, list[str]] = {}
    for verdict in verdicts:
        strings = [c.get("text", "") for c in verdict.get("clear") or ()] + list(verdict.get("shown") or ())
        for text in strings:
            rules = found.setdefault(normalize(str(text)), [])
            if verdict.get("rule") not in rules:
                rules.append(str(verdict.get("rule")))
    return {text: " / ".join(rules) for text, rules in found.items()}


def _rows(items: list[Found], rules: dict[str, str] | None, failing: set[tuple[str, str, str]]) -> str:
    out = []
    for found in items:
        css = ' class="unexpected"' if (found.text, found.source, found.where) in failing else ""
        cells = [f'<td class="string">{html.escape(found.text)}</td>', f"<td>{html.escape(found.source)}</td>",
                 f"<td>{html.escape(found.where)}</td>"]
        if rules is not None:
            cells.append(f"<td>{html.escape(rules.get(found.text, 'no verdict (changed after the preview was drawn, or a message)'))}</td>")
        out.append(f"<tr{css}>{''.join(cells)}</tr>")
    return "\n".join(out)


def write_report(out: Path, recording: Recording, words: list[Found], urls: list[Found], failures: list[Found],
                 gated: bool, config: dict[str, Any]) -> Path:
    """Write the report into ``out`` (created; files of an earlier report replaced); return index.html."""
    out.mkdir(parents=True, exist_ok=True)
    player = out / "player"
    player.mkdir(exist_ok=True)
    vendored = resources.files("veil_collector") / "vendor" / "rrweb-player"
    for name in _PLAYER_FILES:
        with resources.as_file(vendored / name) as source:
            shutil.copyfile(source, player / name)
    (out / "page.png").write_bytes(recording.page_png)
    (out / "preview.png").write_bytes(recording.overlay_png)
    events_json = json.dumps(recording.events, ensure_ascii=False).replace("<", "\\u003c")
    (out / "events.js").write_text(f"window.veilEvents = {events_json};\n", encoding="utf-8")
    (out / "report.js").write_text(_SCRIPT, encoding="utf-8")
    (out / "report.css").write_text(_CSS, encoding="utf-8")
    rules = rules_by_string(recording.verdicts)
    failing = {(f.text, f.source, f.where) for f in failures}
    counts: dict[str, int] = {}
    for verdict in recording.verdicts:
        counts[verdict["kind"]] = counts.get(verdict["kind"], 0) + 1
    summary = {
        "url": recording.url,
        "config": config,
        "recording": recording.started,
        "notes": recording.notes,
        "verdicts": counts,
        "words": [{**asdict(f), "rule": rules.get(f.text)} for f in words],
        "urls": [asdict(f) for f in urls],
        "gate": None if not gated else {"passed": not failures, "unexpected": [asdict(f) for f in failures]},
    }
    (out / "report.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (out / "clear.txt").write_text(write_expected(words), encoding="utf-8")
    if not gated:
        gate = '<p class="note">No --expect-clear file: nothing was gated. clear.txt lists these strings in that format.</p>'
    elif failures:
        gate = f'<p class="fail">Gate failed: {len(failures)} string(s) in clear that the expected list does not hold (highlighted).</p>'
    else:
        gate = '<p class="pass">Gate passed: every string in clear is on the expected list.</p>'
    notes = "".join(f'<p class="note">{html.escape(n)}</p>' for n in recording.notes)
    verdict_line = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())) or "none"
    page = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="referrer" content="no-referrer">
<title>Veil privacy preview: {html.escape(recording.url)}</title>
<link rel="stylesheet" href="player/style.css">
<link rel="stylesheet" href="report.css">
</head>
<body>
<h1>Veil privacy preview</h1>
<p><code>{html.escape(recording.url)}</code>, recorded with Veil's default level
<code>{html.escape(str(config.get("defaultPrivacy", "mask")))}</code> and the config in <code>report.json</code>.
{len(words)} string(s) in clear; elements judged: {html.escape(verdict_line)}.</p>
{gate}
{notes}
<div class="side">
<figure><img src="page.png" alt="The page"><figcaption>The page, as the visitor sees it.</figcaption></figure>
<figure><div id="replay"></div><figcaption>What the collector stored, replayed (rrweb-player) to its end.</figcaption></figure>
</div>
<h2>The page with Veil.preview drawn</h2>
<figure><img src="preview.png" alt="The page with the privacy preview"><figcaption>Green: clear; amber: masked; blue: typed
value masked; red: secret; hatched: blocked.</figcaption></figure>
<h2>Strings that leave in clear</h2>
<p class="note">Text, content attributes, typed values, error and console messages and action names the collector stored
with something unmasked (<code>*</code> is masked), where they sit in the stored page, and the rule that let them through.</p>
<table id="words"><thead><tr><th>String</th><th>Source</th><th>Where</th><th>Rule</th></tr></thead>
<tbody>
{_rows(words, rules, failing)}
</tbody></table>
<h2>URLs (scrubbed by their own rule; not gated)</h2>
<table id="urls"><thead><tr><th>URL</th><th>Source</th><th>Where</th></tr></thead>
<tbody>
{_rows(urls, None, set())}
</tbody></table>
<script src="player/rrweb-player.min.js"></script>
<script src="events.js"></script>
<script src="report.js"></script>
</body>
</html>
"""
    index = out / "index.html"
    index.write_text(page, encoding="utf-8")
    return index
