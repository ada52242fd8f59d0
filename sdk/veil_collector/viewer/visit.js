/*
 * visit.js: what the viewer shows beside the replay of one visit: its digest, who has viewed it,
 * and (for an admin) its share links.
 *
 * Rules: everything recorded is written as text (textContent, never HTML). The digest comes from
 * the collector (GET /v1/sessions/{s}/digest), one line per moment, each a button that jumps the
 * replay there. "Who viewed this visit" is the audit log's reads of it (operators, agents and
 * share links). Share links: an admin creates one (how long it lasts, and whether it opens at the
 * moment the replay shows), sees it once as a URL to copy (the token is in its fragment: never sent
 * to a server by the browser), and can revoke any link of the visit. A link never shows anything
 * but its one visit: in shared mode the viewer has no list, no search and no click map.
 */
(function (root) {
  "use strict";
  var ctx = null;

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function when(seconds) {
    return new Date(seconds * 1000).toLocaleString();
  }

  function renderDigest(d) {
    var list = document.getElementById("digest");
    list.textContent = "";
    document.getElementById("digest-header").textContent = d.header;
    d.lines.forEach(function (line) {
      var li = el("li", undefined, "digest-line " + line.kind);
      var button = el("button", undefined, "jump");
      button.type = "button";
      button.append(el("span", line.clock, "at"), el("span", line.text, "line"));
      button.addEventListener("click", function () { ctx.jump(line.atMs); });
      li.appendChild(button);
      list.appendChild(li);
    });
    if (d.leftOut) list.appendChild(el("li", "… " + d.leftOut + " more lines left out", "note"));
    if (root.veilViewer) root.veilViewer.digest = d.lines.length;
  }

  function renderViewers(rows) {
    var list = document.getElementById("viewers");
    list.textContent = "";
    if (!rows.length) list.appendChild(el("li", "Nobody yet.", "note"));
    rows.forEach(function (row) {
      list.appendChild(el("li", when(row.at) + " · " + row.who + " · " + row.what));
    });
  }

  function renderLinks(links) {
    var body = document.querySelector("#share-links tbody");
    body.textContent = "";
    document.getElementById("share-links").hidden = links.length === 0;
    links.forEach(function (link) {
      var row = document.createElement("tr");
      row.dataset.link = link.id;
      [link.id, link.createdBy, when(link.createdAt), when(link.expiresAt), link.state].forEach(function (text) {
        row.appendChild(el("td", text));
      });
      var cell = el("td");
      if (link.state === "open") {
        var revoke = el("button", "Revoke", "revoke");
        revoke.type = "button";
        revoke.addEventListener("click", function () {
          ctx.api("/v1/shares/" + encodeURIComponent(link.id), { method: "DELETE" }).then(refreshSharing, showShareError);
        });
        cell.appendChild(revoke);
      }
      row.appendChild(cell);
      body.appendChild(row);
    });
  }

  function showShareError(err) {
    document.getElementById("share-error").textContent = String(err && err.message || err);
  }

  function refreshSharing() {
    var session = ctx.session;
    var path = "/v1/sessions/" + encodeURIComponent(session);
    ctx.api(path + "/viewers").then(function (rows) { if (ctx.session === session) renderViewers(rows); }, function () {});
    if (ctx.role === "admin") {
      ctx.api(path + "/shares").then(function (links) { if (ctx.session === session) renderLinks(links); }, showShareError);
    }
  }

  function createLink(e) {
    e.preventDefault();
    var body = { hours: Number(document.getElementById("share-hours").value) };
    if (document.getElementById("share-at").checked && root.veilViewer && root.veilViewer.player) {
      body.atMs = Math.round(root.veilViewer.player.getReplayer().getCurrentTime());
    }
    document.getElementById("share-error").textContent = "";
    ctx.api("/v1/sessions/" + encodeURIComponent(ctx.session) + "/shares", {
      method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json" },
    }).then(function (link) {
      var out = document.getElementById("share-url");
      out.value = location.origin + location.pathname + "#" + link.fragment;
      out.hidden = false;
      out.select();
      document.getElementById("share-made").textContent = "Link made: view only, this visit only, until " +
        when(link.expiresAt) + ". It is shown once: copy it now.";
      refreshSharing();
    }, showShareError);
  }

  /** A visit was opened by an operator: fill its panel. ``c``: {session, api, jump, role}. */
  function opened(c) {
    ctx = c;
    document.getElementById("visit-panel").hidden = false;
    document.getElementById("sharing").hidden = c.role !== "admin";
    document.getElementById("share-url").hidden = true;
    document.getElementById("share-made").textContent = "";
    document.getElementById("share-error").textContent = "";
    document.getElementById("digest").textContent = "";
    c.api("/v1/sessions/" + encodeURIComponent(c.session) + "/digest").then(function (d) {
      if (ctx === c) renderDigest(d);
    }, function (err) {
      document.getElementById("digest-header").textContent = "The digest could not be read: " + err.message;
    });
    refreshSharing();
  }

  /** Shared mode: one visit through a link, no operator. ``c``: {session, api, jump, link}. */
  function shared(c) {
    ctx = c;
    document.getElementById("visit-panel").hidden = false;
    document.getElementById("sharing").hidden = true;
    document.getElementById("who-viewed").hidden = true;
    var banner = document.getElementById("shared-banner");
    banner.hidden = false;
    banner.textContent = "A visit shared with you by " + c.link.createdBy + ": view only, this visit only, until " +
      when(c.link.expiresAt) + ". Opening it is recorded in the collector's audit log.";
    c.api("/v1/shared/digest").then(function (d) { if (ctx === c) renderDigest(d); }, function () {});
  }

  function setup() {
    var form = document.getElementById("share-form");
    if (form) form.addEventListener("submit", createLink);
  }

  root.veilVisit = { opened: opened, shared: shared };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})(window);
