/*
 * The replay viewer: lists visits (one row per session, with its number of page views) and plays a
 * whole visit with rrweb-player (vendored, unmodified): the collector serves the page views in the
 * order they began, each starting with its own meta event and full snapshot, as one event list.
 *
 * Rules: the operator token comes from the URL fragment (#token=..., never sent to a server, and
 * removed from the address bar at once) or the form, and is kept in sessionStorage for this tab.
 * Every API call carries it as a Bearer token. Recorded content is only ever handed to
 * rrweb-player, which replays it in a sandboxed iframe without scripts.
 */
(function () {
  "use strict";
  var TOKEN_KEY = "veil-viewer-token";
  var REFRESH_MS = 3000;
  // Masked boxes: block and media placeholders are marked by the core with this class.
  var PLACEHOLDER_RULE = ".veil-placeholder { background: repeating-linear-gradient(45deg, #c9ced6 0 6px, #e4e7eb 6px 12px) !important; outline: 1px dashed #8a94a3; }";

  var params = new URLSearchParams(location.hash.slice(1));
  if (params.get("token")) {
    sessionStorage.setItem(TOKEN_KEY, params.get("token"));
    params.delete("token");
    history.replaceState(null, "", location.pathname + (params.toString() ? "#" + params.toString() : ""));
  }
  var wanted = params.get("session");
  var current = null;
  var player = null;

  function api(path) {
    return fetch(path, { headers: { Authorization: "Bearer " + sessionStorage.getItem(TOKEN_KEY) }, cache: "no-store" })
      .then(function (r) {
        if (r.status === 401) throw new Error("unauthorized");
        if (r.status === 429) throw new Error("Too many wrong tokens from this address: wait a minute.");
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      });
  }

  function cell(row, text, code) {
    var td = document.createElement("td");
    if (code) {
      var c = document.createElement("code");
      c.textContent = text;
      td.appendChild(c);
    } else {
      td.textContent = text;
    }
    row.appendChild(td);
  }

  function renderSessions(sessions) {
    var body = document.querySelector("#sessions tbody");
    body.textContent = "";
    document.getElementById("empty").hidden = sessions.length > 0;
    sessions.forEach(function (s) {
      var row = document.createElement("tr");
      row.dataset.session = s.session;
      if (s.session === current) row.className = "current";
      cell(row, s.start ? new Date(s.start).toLocaleString() : "?");
      cell(row, (s.durationMs / 1000).toFixed(1) + " s");
      cell(row, String(s.views || s.pages));
      cell(row, String(s.events));
      cell(row, String(s.bytes));
      cell(row, s.session.slice(0, 12) + "…", true);
      row.addEventListener("click", function () {
        play(s.session);
      });
      body.appendChild(row);
    });
    if (!current && sessions.length) play(wanted || sessions[0].session);
  }

  function play(session) {
    current = session;
    document.querySelectorAll("#sessions tbody tr").forEach(function (row) {
      row.className = row.dataset.session === session ? "current" : "";
    });
    return api("/v1/sessions/" + encodeURIComponent(session) + "/events").then(function (events) {
      var target = document.getElementById("player");
      target.textContent = "";
      if (player && player.$destroy) player.$destroy();
      document.getElementById("playing").textContent = "Replay of " + session.slice(0, 12) + "…";
      var Player = window.rrwebPlayer.Player || window.rrwebPlayer.default;
      player = new Player({
        target: target,
        props: {
          events: events,
          width: Math.min(1000, window.innerWidth - 64),
          height: 560,
          autoPlay: true,
          insertStyleRules: [PLACEHOLDER_RULE],
        },
      });
      window.veilViewer = { player: player, session: session, events: events.length };
    });
  }

  function refresh() {
    return api("/v1/sessions").then(renderSessions);
  }

  function open() {
    api("/v1/whoami").then(function (me) {
      document.getElementById("operator").textContent = "Signed in as " + me.name + " (" + me.role + "). Every replay you open is recorded in the audit log.";
    }, function () {});
    document.getElementById("login").hidden = true;
    document.getElementById("main").hidden = false;
    refresh().catch(showLogin);
    setInterval(function () {
      refresh().catch(function () {});
    }, REFRESH_MS);
  }

  function showLogin(err) {
    document.getElementById("main").hidden = true;
    document.getElementById("login").hidden = false;
    if (err) document.getElementById("login-error").textContent = err.message === "unauthorized" ? "Wrong operator token." : String(err.message);
  }

  document.getElementById("login").addEventListener("submit", function (e) {
    e.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, document.getElementById("token").value);
    api("/v1/sessions").then(open, showLogin);
  });

  if (sessionStorage.getItem(TOKEN_KEY)) api("/v1/sessions").then(open, showLogin);
  else showLogin();
})();
