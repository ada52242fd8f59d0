// The viewer's names for event targets (sdk/veil_collector/viewer/names.js) under Node's own test
// runner: computed from the stored nodes only, a masked name is no name, never a node id alone.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

await import("../../sdk/veil_collector/viewer/names.js");
const { Mirror, masked } = /** @type {any} */ (globalThis).veilNames;
// One table with the digest's rules (sdk/veil_collector/visits/names.py, tests/unit/test_target_names.py).
const TABLE = JSON.parse(readFileSync(new URL("../shared/target-names.json", import.meta.url), "utf8"));

for (const c of TABLE.cases) {
  test(`the table: ${c.why}`, () => {
    const m = new Mirror();
    for (const event of c.events) m.feed(event);
    for (const [id, expected] of c.targets) {
      assert.deepEqual(m.target(id), expected, `${c.why}: node ${id}`);
    }
  });
}

function el(id, tagName, attributes, ...childNodes) {
  return { type: 2, id, tagName, attributes, childNodes };
}
function text(id, textContent) {
  return { type: 3, id, textContent };
}
function snapshot(...body) {
  return { type: 2, data: { node: { type: 0, id: 1, childNodes: [el(2, "html", {}, el(3, "body", {}, ...body))] } }, timestamp: 1 };
}

test("a target is named by what was recorded in clear, by role", () => {
  const m = new Mirror();
  m.feed(
    snapshot(
      el(10, "button", { id: "place" }, el(11, "span", {}, text(12, "Place order"))),
      el(13, "button", {}, text(14, "***** *****")),
      el(15, "h1", {}, text(16, "**** *******")),
      el(17, "label", { for: "email" }, text(18, "Email")),
      el(19, "input", { id: "email", type: "email", value: "********", placeholder: "*****" }),
      el(20, "a", { href: "/help", "aria-label": "******", title: "Help centre" }, text(21, "****")),
      el(22, "input", { type: "submit", value: "********" }),
      el(23, "div", { class: "veil-placeholder", rr_width: "10px", rr_height: "10px" }),
      el(24, "img", { alt: "Logo of Acme", class: "veil-placeholder" }),
      el(25, "div", {}, text(26, "Free shipping")),
    ),
  );
  assert.equal(m.describe(12), "button 'Place order'", "a click on the text inside names the button");
  assert.equal(m.describe(11), "button 'Place order'");
  assert.equal(m.describe(13), "button <button>", "a masked name is not a name");
  assert.equal(m.describe(15), "heading <h1>");
  assert.equal(m.describe(19), "textbox 'Email'", "a field is named by its label");
  assert.equal(m.describe(20), "link 'Help centre'", "a masked aria-label gives way to the next source recorded in clear");
  assert.equal(m.describe(22), "button <input>");
  assert.equal(m.describe(23), "a blocked element <div>");
  assert.equal(m.describe(24), "img 'Logo of Acme'");
  assert.equal(m.describe(25), "div 'Free shipping'");
  assert.equal(m.describe(3), "<body>", "a page's whole text is not a name");
  assert.equal(m.describe(999), "an element not in the replay");
  assert.equal(m.describe(undefined), "an element not in the replay");
});

test("names follow the stored mutations, and each full snapshot starts afresh", () => {
  const m = new Mirror();
  m.feed(snapshot(el(10, "button", {}, text(11, "Save"))));
  m.feed({
    type: 3,
    data: {
      source: 0,
      texts: [{ id: 11, value: "Saved" }],
      attributes: [],
      removes: [],
      adds: [{ parentId: 3, nextId: null, node: el(12, "button", { "aria-label": "Close dialog" }) }],
    },
    timestamp: 2,
  });
  assert.equal(m.describe(10), "button 'Saved'");
  assert.equal(m.describe(12), "button 'Close dialog'");
  m.feed({
    type: 3,
    data: { source: 0, texts: [], attributes: [{ id: 12, attributes: { "aria-label": null, role: "tab" } }], removes: [{ parentId: 3, id: 10 }], adds: [] },
    timestamp: 3,
  });
  assert.equal(m.describe(12), "tab <button>");
  assert.equal(m.describe(10), "an element not in the replay");
  m.feed(snapshot(el(10, "a", { href: "/" }, text(11, "Home"))));
  assert.equal(m.describe(10), "link 'Home'");
  assert.equal(m.describe(12), "an element not in the replay");
});

test("a malformed stored event never throws: names are a help", () => {
  const m = new Mirror();
  m.feed(snapshot(el(10, "button", {}, text(11, "Save"))));
  for (const bad of [null, {}, { type: 2, data: { node: { id: 1, childNodes: "x" } } }, { type: 3, data: { source: 0, adds: 5, removes: "x" } }]) {
    assert.doesNotThrow(() => m.feed(bad));
  }
  assert.equal(typeof m.describe(10), "string");
});

test("masked means nothing but * and whitespace", () => {
  assert.equal(masked("**** ***"), true);
  assert.equal(masked(""), true);
  assert.equal(masked("Welcome back, ********!"), false);
});
