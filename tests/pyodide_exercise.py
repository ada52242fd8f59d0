"""Run by build.py under Node on Pyodide (``python build.py --trace-stdlib`` and
tests/unit/test_stdlib.py), never by pytest: drives the core through veil.bridge over every kind of
event and call the worker relays, checks it behaves, and answers the stdlib modules it loaded from
the zip, as JSON (the value of the last expression, which is what ``runPython`` returns).
"""
import importlib
import json
import os
import sys
import veil
import veil.bridge as b
from veil import sitetext
for name in sorted(os.listdir(os.path.dirname(veil.__file__))):
    if name.endswith(".py") and name != "__init__.py":  # every module the wheel ships
        importlib.import_module("veil." + name[:-3])

def t(value, i):
    return {"type": 3, "id": i, "textContent": value}

def e(tag, attrs, i, *children):
    return {"type": 2, "id": i, "tagName": tag, "attributes": attrs, "childNodes": list(children)}

body = e("body", {}, 5,
    e("p", {"class": "greeting"}, 10, t("Hello Ada Lovelace, ada@example.com, 4111 1111 1111 1111, +44 20 7946 0958", 11)),
    e("input", {"id": "q", "value": "secret query", "type": "text"}, 12),
    e("input", {"type": "password", "value": "hunter2"}, 13),
    e("div", {"data-veil": "block"}, 14, t("blocked", 15)),
    e("button", {"data-veil": "allow"}, 16, t("Pay now", 17)),
    e("a", {"href": "https://shop.example/order?token=abc&email=a@b.c#x", "title": "Ada"}, 18, t("order", 19)),
    e("img", {"src": "https://shop.example/a.png?u=1", "alt": "Ada", "rr_width": "10px", "rr_height": "10px"}, 20),
    e("div", {"contenteditable": "true", "style": "color: red; background: url(https://x/y.png)"}, 21, t("Dear Ada", 22)),
    e("textarea", {}, 23, t("notes", 24)),
    e("select", {}, 25, e("option", {"value": "1", "selected": True}, 26, t("One", 27))),
    e("style", {"_cssText": "@import url(/a.css?t=1); p::before { content: \"Ada\"; --x: 'y'; background: url(/b.png?u=2) }"}, 28,
      t("p { color: red }", 29)),
    e("iframe", {"src": "https://other.example/"}, 30),
    e("video", {"src": "https://x/v.mp4"}, 31),
    e("svg", {"viewBox": "0 0 1 1"}, 32, e("title", {}, 33, t("Ada", 34))),
)
doc = {"type": 0, "id": 1, "childNodes": [
    {"type": 1, "id": 2, "name": "html", "publicId": "", "systemId": ""},
    e("html", {"lang": "en"}, 3, e("head", {}, 4, e("title", {}, 6, t("Checkout for Ada", 7))), body)]}
config = {"endpoint": "/c", "clientToken": "pk_test", "consent": "not-required",
          "excludeUrls": ["/account", {"regexp": "^/admin", "flags": "i"}],
          "maskSelectors": [".greeting"], "blockSelectors": ["iframe"], "allowSelectors": ["button"],
          "sampleRate": 100, "mouseMoveSampleMs": 50, "maxQueueBytes": 1048576, "debug": True}
now = 1800000000000
checks = [
    json.loads(b.configure(json.dumps(config)))["ok"],
    json.loads(b.autostart(json.dumps({"storedConsent": None})))["start"],
    json.loads(b.gate(json.dumps({"href": "https://shop.example/checkout?email=a@b.c", "now": now})))["record"],
    json.loads(b.start())["ok"],
]
events = [
    {"type": 4, "data": {"href": "https://shop.example/checkout?email=a@b.c", "width": 800, "height": 600}, "timestamp": 1},
    {"type": 2, "data": {"node": doc, "initialOffset": {"top": 0, "left": 0}}, "timestamp": 2},
    {"type": 3, "data": {"source": 0, "texts": [{"id": 11, "value": "Bob bob@example.com"}],
                         "attributes": [{"id": 18, "attributes": {"href": "/x?email=a@b.c", "style": {"color": "red"}}}],
                         "removes": [{"parentId": 5, "id": 14}],
                         "adds": [{"parentId": 5, "nextId": None, "node": e("span", {"data-veil": "mask"}, 40, t("Ada", 41))}]},
     "timestamp": 3},
    {"type": 3, "data": {"source": 5, "id": 12, "text": "typed secret", "isChecked": False}, "timestamp": 4},
    {"type": 3, "data": {"source": 5, "id": 13, "text": "hunter3", "isChecked": False}, "timestamp": 5},
    {"type": 5, "data": {"tag": "veil:key", "payload": {"key": "a", "id": 12, "code": "KeyA", "keyCode": 65}}, "timestamp": 6},
    {"type": 5, "data": {"tag": "veil:key", "payload": {"key": "Enter", "id": 12, "shiftKey": True}}, "timestamp": 7},
    {"type": 5, "data": {"tag": "veil:action", "payload": {"id": 16, "name": "Pay now"}}, "timestamp": 8},
    {"type": 3, "data": {"source": 2, "type": 2, "id": 16, "x": 5, "y": 6}, "timestamp": 9},
    {"type": 3, "data": {"source": 1, "positions": [{"x": i, "y": i, "id": 5, "timeOffset": i * 20 - 400} for i in range(20)]},
     "timestamp": 10},
    {"type": 3, "data": {"source": 3, "id": 5, "x": 0, "y": 10}, "timestamp": 11},
    {"type": 3, "data": {"source": 4, "width": 1024, "height": 768}, "timestamp": 12},
    {"type": 3, "data": {"source": 7, "type": 1, "id": 31, "currentTime": 1.5}, "timestamp": 13},
    {"type": 3, "data": {"source": 13, "id": 21, "styles": [{"property": "color", "value": "blue"}]}, "timestamp": 14},
    {"type": 3, "data": {"source": 8, "id": 28, "adds": [{"rule": "a::after { content: 'Ada' }", "index": 0}], "removes": [{"index": 1}]}, "timestamp": 14},
    {"type": 3, "data": {"source": 15, "id": 1, "styleIds": [1], "styles": [{"styleId": 1, "rules": [{"rule": ":root { --n: 'Ada' }", "index": 0}]}]}, "timestamp": 14},
    {"type": 3, "data": {"source": 8, "styleId": 1, "replaceSync": "b { background: url(/c.png?s=3) }"}, "timestamp": 14},
    {"type": 3, "data": {"source": 13, "styleId": 1, "index": [0], "set": {"property": "content", "value": "'Ada'", "priority": ""}}, "timestamp": 14},
    {"type": 5, "data": {"tag": "something", "payload": {"a": 1}}, "timestamp": 15},
    {"type": 4, "data": {"href": "https://shop.example/account/settings", "width": 800, "height": 600}, "timestamp": 16},
]
result = json.loads(b.observe(json.dumps(events)))
checks.append(result["snapshots"] == 1)
b.observe("{not json")
b.explain(json.dumps([{"tag": "div", "attributes": {"data-veil": "mask"}, "veilMatch": []},
                      {"tag": "input", "attributes": {"type": "password"}}]))
preview = json.loads(b.preview(json.dumps([[0, 1, None, "CSS1Compat"], [2, 2, 1, "html", {}], [2, 3, 2, "body", {}],
                                            [2, 4, 3, "p", {"title": "Hi"}], [3, 5, 4, "Ada"], [2, 6, 3, "input", {"value": "Ada"}]])))
checks.append(preview["ok"] and [v["kind"] for v in preview["verdicts"]] == ["masked", "typed"])
# The site-text list: checked against its integrity (hashlib), loaded, then refused when it does not match.
site_list = json.dumps(sitetext.document(["Pay now", "Checkout"], [("Hello ", "!")])).encode()
site_config = dict(config, allowText=["Checkout"], allowTextUrl="/veil-site-text.json", allowTextIntegrity=sitetext.integrity_of(site_list))
checks.append(json.loads(b.configure(json.dumps(site_config)))["ok"])
checks.append(json.loads(b.site_text(site_list))["ok"])
checks.append(json.loads(b.site_text(site_list + b" "))["ok"] is False)
checks.append(json.loads(b.site_text(None, "timed out"))["ok"] is False)
checks.append(json.loads(b.configure(json.dumps(config)))["ok"])
b.tick(now + 60000, True)
ready = b.standby()
if ready is not None:
    b.commit_standby(ready[0])
b.take_batch(2)
b.gate(json.dumps({"href": "https://shop.example/", "now": now + 5000}))
b.start()
b.observe(json.dumps(events[:2]))
b.tick(now + 3 * 3600 * 1000, False)
b.take_batch(0)
b.stop()
checks.append(b.take_batch(0) is None)
if not all(checks):
    raise RuntimeError(f"the core did not behave as expected under Pyodide: {checks}")
def zip_module(path):  # "/lib/python314.zip/json/__init__.py" -> "json" (os.path's file names posixpath)
    inner = path.split(".zip/", 1)[1]
    return inner[: -len(".py")].removesuffix("/__init__").replace("/", ".")

def from_zip(module):  # frozen modules (os, io, site, importlib._bootstrap, ...) never read the zip
    spec = getattr(module, "__spec__", None)
    return ".zip/" in (getattr(module, "__file__", None) or "") and getattr(spec, "origin", None) != "frozen"

json.dumps(sorted({zip_module(module.__file__) for module in list(sys.modules.values()) if from_zip(module)}))
