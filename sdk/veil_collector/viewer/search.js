/*
 * search.js: the viewer's search form over the session index (GET /v1/sessions with filters).
 *
 * Rules: the form's fields become the API's search parameters, one to one (visited, notVisited,
 * clicked, errors, frustration, minDuration, maxDuration, from, to, sort); an empty field asks
 * nothing. The collector checks every parameter: what it refuses (a bad pattern, a range whose start
 * is after its end) is shown as its message, next to the form, and the list keeps what it showed.
 * Pages of PAGE visits, with previous/next. Nothing recorded is written here.
 */
(function (root) {
  "use strict";
  var PAGE = 50;
  var offset = 0;
  var listeners = [];

  function field(id) {
    var el = document.getElementById(id);
    return el ? el.value.trim() : "";
  }

  /** The query string the form asks for (without "?"). */
  function query() {
    var q = new URLSearchParams();
    [["visited", "search-visited"], ["notVisited", "search-not-visited"], ["clicked", "search-clicked"],
      ["frustration", "search-frustration"], ["minDuration", "search-min"], ["maxDuration", "search-max"],
      ["from", "search-from"], ["to", "search-to"], ["sort", "search-sort"]].forEach(function (pair) {
      var value = field(pair[1]);
      if (value && !(pair[0] === "sort" && value === "-received")) q.append(pair[0], value);
    });
    var errors = document.getElementById("only-errors");
    if (errors && errors.checked) q.append("errors", "1");
    var frustrations = document.getElementById("only-frustrations");
    if (frustrations && frustrations.checked && !q.get("frustration")) q.append("frustration", "any");
    q.append("limit", String(PAGE));
    if (offset) q.append("offset", String(offset));
    return q.toString();
  }

  function changed() {
    listeners.forEach(function (fn) { fn(); });
  }

  function shown(count) {
    var prev = document.getElementById("search-prev");
    var next = document.getElementById("search-next");
    if (prev) prev.disabled = offset === 0;
    if (next) next.disabled = count < PAGE;
    var where = document.getElementById("search-page");
    if (where) where.textContent = count ? "visits " + (offset + 1) + "–" + (offset + count) : "no visit matches";
  }

  function refused(message) {
    var out = document.getElementById("search-error");
    if (out) out.textContent = message || "";
  }

  function setup() {
    var form = document.getElementById("search");
    if (!form) return;
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      offset = 0;
      changed();
    });
    document.getElementById("search-clear").addEventListener("click", function () {
      form.reset();
      offset = 0;
      refused("");
      changed();
    });
    document.getElementById("search-prev").addEventListener("click", function () {
      offset = Math.max(0, offset - PAGE);
      changed();
    });
    document.getElementById("search-next").addEventListener("click", function () {
      offset += PAGE;
      changed();
    });
  }

  root.veilSearch = {
    query: query,
    shown: shown,
    refused: refused,
    onChange: function (fn) { listeners.push(fn); },
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})(window);
