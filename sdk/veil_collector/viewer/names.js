/*
 * names.js: what the viewer calls an event's target, in words: "button 'Place order'".
 *
 * Rules: a name comes only from what was stored: the replay's own nodes, built from the events in
 * order (each full snapshot starts a page afresh; mutations add, remove and change nodes), never
 * from anything else. The accessible name is computed as browsers do, in short (aria-labelledby,
 * aria-label, a field's label, alt, a button's value, the text of a button, link, heading, option
 * or cell, then title and placeholder); a name that was masked (nothing but `*`) is not a name,
 * and the next source is tried. Without a name the target is its role and tag ("button <button>",
 * "<div>"), never a node id alone. A click inside a button or link names that button or link.
 * Everything returned is plain text for textContent. tests/shared/target-names.json holds these
 * rules equal to the digest's (visits/names.py).
 */
(function (root) {
  "use strict";
  var NAME_MAX = 60;
  var CONTENT_MAX = 400;
  var GENERIC_MAX = 80;
  var TEXT = 3;
  var ELEMENT = 2;
  var INTERACTIVE = { button: 1, link: 1, checkbox: 1, radio: 1, "switch": 1, tab: 1, menuitem: 1, menuitemcheckbox: 1,
    menuitemradio: 1, option: 1, textbox: 1, searchbox: 1, combobox: 1, listbox: 1, slider: 1, spinbutton: 1, treeitem: 1 };
  // Roles whose name may come from their content (ARIA's "name from content", and headings).
  var FROM_CONTENT = { button: 1, link: 1, heading: 1, cell: 1, columnheader: 1, rowheader: 1, option: 1, tab: 1, menuitem: 1,
    menuitemcheckbox: 1, menuitemradio: 1, checkbox: 1, radio: 1, "switch": 1, treeitem: 1, tooltip: 1, listitem: 1 };
  var INPUT_ROLES = { button: "button", submit: "button", reset: "button", image: "button", checkbox: "checkbox",
    radio: "radio", range: "slider", number: "spinbutton", search: "searchbox" };
  var TAG_ROLES = { button: "button", textarea: "textbox", option: "option", li: "listitem", nav: "navigation", form: "form",
    table: "table", td: "cell", th: "columnheader", dialog: "dialog", summary: "button", main: "main", header: "banner",
    footer: "contentinfo", aside: "complementary", ul: "list", ol: "list", progress: "progressbar", details: "group" };
  var PHRASING = { span: 1, b: 1, i: 1, em: 1, strong: 1, small: 1, code: 1, abbr: 1, br: 1, mark: 1, sub: 1, sup: 1, u: 1, s: 1, kbd: 1 };
  var MEDIA = { img: 1, picture: 1, video: 1, audio: 1, canvas: 1, object: 1, embed: 1, image: 1 };

  function clean(text) {
    return String(text == null ? "" : text).replace(/\s+/g, " ").trim();
  }

  // Masked: nothing left once `*` is taken away. Such a text says nothing, and is not a name.
  function masked(text) {
    return clean(text).replace(/\*/g, "").trim() === "";
  }

  function cut(text) {
    return text.length <= NAME_MAX ? text : text.slice(0, NAME_MAX - 1) + "…";
  }

  /** The replay's nodes, fed the stored events in order. */
  function Mirror() {
    this.nodes = {};
  }

  Mirror.prototype.reset = function () {
    this.nodes = {};
  };

  Mirror.prototype.enter = function (node, parentId, nextId) {
    var self = this;
    if (!node || typeof node.id !== "number") return;
    var entry = { type: node.type, tag: node.tagName ? String(node.tagName).toLowerCase() : null,
      attributes: {}, text: node.textContent, parent: parentId, children: [] };
    var attrs = node.attributes || {};
    Object.keys(attrs).forEach(function (k) { entry.attributes[k] = attrs[k]; });
    this.nodes[node.id] = entry;
    var parent = parentId != null ? this.nodes[parentId] : null;
    if (parent) {
      var at = nextId != null ? parent.children.indexOf(nextId) : -1;
      if (at >= 0) parent.children.splice(at, 0, node.id);
      else parent.children.push(node.id);
    }
    (node.childNodes || []).forEach(function (child) { self.enter(child, node.id, null); });
  };

  Mirror.prototype.remove = function (id) {
    var entry = this.nodes[id];
    if (!entry) return;
    var parent = this.nodes[entry.parent];
    if (parent) parent.children = parent.children.filter(function (c) { return c !== id; });
    delete this.nodes[id];
  };

  /** Apply one stored event: a full snapshot replaces the page, a mutation changes it. A malformed
   * one changes nothing that follows from it (names are a help; they never stop the viewer). */
  Mirror.prototype.feed = function (event) {
    try {
      this.apply(event);
    } catch (err) {
      // left as it was
    }
  };

  Mirror.prototype.apply = function (event) {
    var self = this;
    var data = event && event.data;
    if (!data) return;
    if (event.type === 2 && data.node) {
      this.reset();
      this.enter(data.node, null, null);
    } else if (event.type === 3 && data.source === 0) {
      (data.removes || []).forEach(function (r) { self.remove(r.id); });
      (data.adds || []).forEach(function (a) { self.enter(a.node, a.parentId, a.nextId); });
      (data.texts || []).forEach(function (t) { if (self.nodes[t.id]) self.nodes[t.id].text = t.value; });
      (data.attributes || []).forEach(function (change) {
        var entry = self.nodes[change.id];
        if (!entry || !change.attributes) return;
        Object.keys(change.attributes).forEach(function (k) {
          if (change.attributes[k] === null) delete entry.attributes[k];
          else entry.attributes[k] = change.attributes[k];
        });
      });
    }
  };

  function roleOf(entry) {
    var explicit = clean(entry.attributes.role).split(" ")[0];
    if (explicit) return explicit.toLowerCase();
    var tag = entry.tag;
    if (tag === "a" || tag === "area") return entry.attributes.href !== undefined ? "link" : "";
    if (tag === "input") return INPUT_ROLES[clean(entry.attributes.type).toLowerCase()] || "textbox";
    if (tag === "select") return entry.attributes.multiple !== undefined ? "listbox" : "combobox";
    if (tag === "img") return "img";
    if (/^h[1-6]$/.test(tag || "")) return "heading";
    return TAG_ROLES[tag] || "";
  }

  Mirror.prototype.content = function (id) {
    var out = [];
    var length = 0;
    var stack = [id];
    while (stack.length && length < CONTENT_MAX) {
      var entry = this.nodes[stack.pop()];
      if (!entry) continue;
      if (entry.type === TEXT) {
        var text = clean(entry.text);
        if (text) {
          out.push(text);
          length += text.length;
        }
        continue;
      }
      if (entry.tag === "script" || entry.tag === "style") continue;
      if (entry.tag === "img" && entry.attributes.alt) out.push(clean(entry.attributes.alt));
      for (var i = entry.children.length - 1; i >= 0; i--) stack.push(entry.children[i]);
    }
    return out.join(" ");
  };

  // Only text and inline elements below (a label's shape, not a page's or a section's).
  Mirror.prototype.phrasing = function (id) {
    var stack = this.nodes[id] ? this.nodes[id].children.slice() : [];
    while (stack.length) {
      var entry = this.nodes[stack.pop()];
      if (!entry || entry.type === TEXT) continue;
      if (entry.type === ELEMENT && !PHRASING[entry.tag]) return false;
      if (entry.children) stack.push.apply(stack, entry.children);
    }
    return true;
  };

  Mirror.prototype.byHtmlId = function (htmlId) {
    for (var id in this.nodes) {
      if (this.nodes[id].type === ELEMENT && this.nodes[id].attributes.id === htmlId) return Number(id);
    }
    return null;
  };

  Mirror.prototype.labelOf = function (id, entry) {
    var self = this;
    var htmlId = entry.attributes.id;
    var texts = [];
    if (typeof htmlId === "string" && htmlId) {
      Object.keys(this.nodes).forEach(function (k) {
        var n = self.nodes[k];
        if (n.type === ELEMENT && n.tag === "label" && n.attributes["for"] === htmlId) texts.push(self.content(Number(k)));
      });
    }
    for (var p = this.nodes[entry.parent], pid = entry.parent; p; pid = p.parent, p = this.nodes[p.parent]) {
      if (p.tag === "label") {
        texts.push(this.content(pid));
        break;
      }
    }
    return texts.join(" ");
  };

  // The candidates for an element's name, in the order browsers try them.
  Mirror.prototype.candidates = function (id, entry, role) {
    var self = this;
    var a = entry.attributes;
    var out = [];
    if (typeof a["aria-labelledby"] === "string") {
      out.push(a["aria-labelledby"].split(/\s+/).map(function (ref) {
        var target = self.byHtmlId(ref);
        return target === null ? "" : self.content(target);
      }).join(" "));
    }
    out.push(a["aria-label"]);
    var type = clean(a.type).toLowerCase();
    if (entry.tag === "input" && (type === "button" || type === "submit" || type === "reset")) out.push(a.value);
    if (entry.tag === "input" && type === "image") out.push(a.alt);
    if (entry.tag === "input" || entry.tag === "select" || entry.tag === "textarea") out.push(this.labelOf(id, entry));
    if (entry.tag === "img" || entry.tag === "area") out.push(a.alt);
    if (FROM_CONTENT[role]) out.push(this.content(id));
    else if (!role && this.phrasing(id)) {
      // A plain element (a div, a span) by its text only when it holds text alone, short enough for a label.
      var text = this.content(id);
      if (text.length <= GENERIC_MAX) out.push(text);
    }
    out.push(a.title, a.placeholder);
    return out;
  };

  /** {role, tag, name, blocked}: name is null when nothing recorded in clear names it. */
  Mirror.prototype.target = function (id) {
    var entry = this.nodes[id];
    if (!entry) return null;
    if (entry.type !== ELEMENT) {
      id = entry.parent;
      entry = this.nodes[id];
      if (!entry || entry.type !== ELEMENT) return null;
    }
    // A click lands on the innermost element: name the button or link it is in.
    for (var up = entry, upId = id, depth = 0; up && up.type === ELEMENT && depth < 6; upId = up.parent, up = this.nodes[up.parent], depth++) {
      if (INTERACTIVE[roleOf(up)]) {
        entry = up;
        id = upId;
        break;
      }
    }
    var role = roleOf(entry);
    var classes = " " + clean(entry.attributes["class"]) + " ";
    var blocked = classes.indexOf(" veil-placeholder ") >= 0 && !MEDIA[entry.tag];
    var name = null;
    if (!blocked) {
      var found = this.candidates(id, entry, role);
      for (var i = 0; i < found.length; i++) {
        var text = clean(found[i]);
        if (text && !masked(text)) {
          name = cut(text);
          break;
        }
      }
    }
    return { role: role, tag: entry.tag, name: name, blocked: blocked };
  };

  /** An event target in words: "button 'Place order'", "heading <h1>", "<div>". */
  Mirror.prototype.describe = function (id) {
    var t = typeof id === "number" ? this.target(id) : null;
    if (!t) return "an element not in the replay";
    if (t.blocked) return "a blocked element <" + t.tag + ">";
    if (t.name !== null) return (t.role || t.tag) + " '" + t.name + "'";
    return (t.role ? t.role + " " : "") + "<" + t.tag + ">";
  };

  root.veilNames = { Mirror: Mirror, masked: masked };
})(typeof window !== "undefined" ? window : globalThis);
