/*
 * The replay viewer: lists visits (one row per session, with its number of page views) and plays a
 * whole visit with rrweb-player (vendored, unmodified): the collector serves the page views in the
 * order they began, each starting with its own meta event and full snapshot, as one event list.
 *
 * Rules: the operator token comes from the URL fragment (#token=..., never sent to a server, and
 * removed from the address bar at once) or the form, and is kept in sessionStorage for this tab.
 * Every API call carries it as a Bearer token. Recorded content is only ever handed to
 * rrweb-player, which replays it in a sandboxed iframe without scripts, or written as text
 * (textContent, never HTML) in the context panel: errors, console messages, network requests,
 * clicks and frustration signals (custom events veil:error, veil:console, veil:network,
 * veil:frustration; rrweb's click interactions), each a button that jumps the replay to its moment,
 * errors and frustration also marked on a timeline under the player. A click's target is named in
 * words from the replay's own nodes (names.js), never by a node id alone. A visit the player
 * cannot take (a malformed full snapshot, or an error the player throws while replaying) is
 * described in words in its place: the list and every other replay keep working.
 * Search (search.js), the digest, who viewed a visit and share links (visit.js) and click maps
 * (clickmap.js) live in modules of their own. A share link's token (#share=...) opens shared mode:
 * that one visit, with the token in X-Veil-Share and no operator token, no list, no search and no
 * click map.
 */
(function () {
  "use strict";
  var TOKEN_KEY = "veil-viewer-token";
  var REFRESH_MS = 3000;
  // Masked boxes: block and media placeholders are marked by the core with this class.
  var PLACEHOLDER_RULE = ".veil-placeholder { background: repeating-linear-gradient(45deg, #c9ced6 0 6px, #e4e7eb 6px 12px) !important; outline: 1px dashed #8a94a3; }";

  var params = new URLSearchParams(location.hash.slice(1));
  if (params.get("token")) {
    sessionStorage.removeItem("veil-viewer-share");  // an operator's own link leaves shared mode
    sessionStorage.setItem(TOKEN_KEY, params.get("token"));
    params.delete("token");
    history.replaceState(null, "", location.pathname + (params.toString() ? "#" + params.toString() : ""));
  }
  var wanted = params.get("session");
  // A share link: kept for this tab only, and out of the address bar like the operator token.
  var SHARE_KEY = "veil-viewer-share";
  if (params.get("share")) {
    sessionStorage.setItem(SHARE_KEY, params.get("share"));
    params.delete("share");
    history.replaceState(null, "", location.pathname + (params.toString() ? "#" + params.toString() : ""));
  }
  var shareToken = sessionStorage.getItem(SHARE_KEY);
  var role = "";
  var CONTEXT_TAGS = { "veil:error": "error", "veil:console": "console", "veil:network": "network", "veil:frustration": "frustration" };
  var CLICK = 2; // rrweb's MouseInteraction.Click, of incremental source 2
  var channel = "";
  var current = null;
  var player = null;

  function api(path, options) {
    var init = Object.assign({ cache: "no-store" }, options || {});
    init.headers = Object.assign({}, init.headers || {}, shareToken ? { "X-Veil-Share": shareToken }
      : { Authorization: "Bearer " + sessionStorage.getItem(TOKEN_KEY) });
    return fetch(path, init)
      .then(function (r) {
        if (r.status === 401) throw new Error("unauthorized");
        if (r.status === 429) throw new Error("Too many wrong tokens from this address: wait a minute.");
        if (!r.ok) {
          // The collector's 4xx says what was wrong, in words: show them.
          return r.json().then(function (body) { throw new Error(body && body.error || "HTTP " + r.status); },
            function () { throw new Error("HTTP " + r.status); });
        }
        return r.json();
      });
  }
  window.veilApi = api;

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
      cell(row, String(s.errors || 0));
      if (s.errors) row.lastChild.className = "flag";
      cell(row, String(s.frustrations || 0));
      if (s.frustrations) row.lastChild.className = "flag";
      cell(row, s.session.slice(0, 12) + "…", true);
      row.addEventListener("click", function () {
        play(s.session);
      });
      body.appendChild(row);
    });
    if (window.veilSearch) window.veilSearch.shown(sessions.length);
    if (!current && sessions.length) play(wanted || sessions[0].session);
  }

  function play(session) {
    current = session;
    document.querySelectorAll("#sessions tbody tr").forEach(function (row) {
      row.className = row.dataset.session === session ? "current" : "";
    });
    var eventsPath = shareToken ? "/v1/shared/events" : "/v1/sessions/" + encodeURIComponent(session) + "/events";
    return api(eventsPath).then(function (events) {
      if (current !== session) return;  // another visit was chosen meanwhile
      var target = document.getElementById("player");
      stopPlayer();
      document.getElementById("playing").textContent = "Replay of " + session.slice(0, 12) + "…";
      var problem = replayProblem(events);
      if (problem) return unplayable(session, problem);
      var Player = window.rrwebPlayer.Player || window.rrwebPlayer.default;
      var width = Math.min(1000, window.innerWidth - 64);
      document.getElementById("marks").style.width = width + "px";
      try {
        player = new Player({
          target: target,
          props: {
            events: events,
            width: width,
            height: 560,
            autoPlay: true,
            insertStyleRules: [PLACEHOLDER_RULE],
            // Canvas frames, shown from this page: the replay itself still runs no script (canvas-replay.js).
            plugins: window.veilCanvasReplay ? [window.veilCanvasReplay()] : [],
          },
        });
      } catch (err) {
        return unplayable(session, "the player stopped on it (" + String(err && err.message || err).slice(0, 200) + ")");
      }
      var entries = contextEntries(events);
      window.veilViewer = { player: player, session: session, events: events.length, context: entries };
      renderContext(entries);
      if (window.veilVisit && shareToken) window.veilVisit.shared(sharedLink);
      else if (window.veilVisit) window.veilVisit.opened({ session: session, api: api, jump: jump, role: role });
    });
  }

  function stopPlayer() {
    if (player && player.$destroy) {
      try {
        player.$destroy();
      } catch (err) { /* a player that broke may not tear down cleanly: it is dropped either way */ }
    }
    player = null;
    document.getElementById("player").textContent = "";
    document.getElementById("marks").textContent = "";
  }

  // -- a recording the player cannot take -------------------------------------------------
  // A batch the collector accepted is valid rrweb-shaped JSON, but a full snapshot can still be
  // one rrweb's rebuild throws on (a node without its children list, a child that is not a node,
  // an impossible tag name). Such a recording is described in words instead of handed to the
  // player; an error the player throws later (an incremental event it chokes on) is caught below.
  var TAG_NAME = /^[A-Za-z][A-Za-z0-9._:-]*$/;

  function nodeProblem(root) {
    if (!root || typeof root !== "object" || root.type !== 0) return "does not start with a document node";
    var stack = [root];
    var seen = 0;
    while (stack.length) {
      var node = stack.pop();
      seen += 1;
      if (!node || typeof node !== "object" || Array.isArray(node)) return "holds a child that is not a node";
      if (typeof node.id !== "number") return "holds a node without a numeric id";
      if ([0, 1, 2, 3, 4, 5].indexOf(node.type) < 0) return "holds a node of unknown type " + JSON.stringify(node.type);
      if (node.type === 0 && node !== root) return "holds a document inside the document";
      if (node.type === 2 && (typeof node.tagName !== "string" || !TAG_NAME.test(node.tagName))) {
        return "holds an element whose tag name is not one (node " + node.id + ")";
      }
      if (node.type === 0 || node.type === 2) {
        if (!Array.isArray(node.childNodes)) return "holds a node without its list of children (node " + node.id + ")";
        for (var i = 0; i < node.childNodes.length; i++) stack.push(node.childNodes[i]);
      }
    }
    return seen ? null : "is empty";
  }

  function replayProblem(events) {
    if (!Array.isArray(events) || events.length < 2) return "it holds fewer than the two events a replay needs";
    var start = null;
    for (var i = 0; i < events.length; i++) {
      var e = events[i];
      if (!e || typeof e !== "object" || typeof e.timestamp !== "number" || !e.data || typeof e.data !== "object") {
        return "event " + (i + 1) + " is not an rrweb event";
      }
      if (start === null) start = e.timestamp;
      if (e.type !== 2) continue;
      var offset = e.data.initialOffset;
      var problem = nodeProblem(e.data.node);
      if (!problem && offset !== undefined && (!offset || typeof offset !== "object" ||
          typeof offset.top !== "number" || typeof offset.left !== "number")) problem = "has no usable scroll offset";
      if (problem) return "its full snapshot at " + clock(Math.max(0, e.timestamp - start)) + " " + problem;
    }
    return null;
  }

  function unplayable(session, why) {
    if (current !== session) return;
    stopPlayer();
    var message = document.createElement("p");
    message.className = "error unplayable";
    message.setAttribute("role", "alert");
    message.textContent = "This visit cannot be replayed: " + why + ". Its recording is stored as received; " +
      "the other visits are not affected.";
    document.getElementById("player").appendChild(message);
    document.getElementById("playing").textContent = "Replay of " + session.slice(0, 12) + "… (cannot be played)";
    document.getElementById("context-panel").hidden = true;
    window.veilViewer = { player: null, session: session, events: 0, context: [], error: message.textContent };
  }

  // The player replays on timers: what it throws there reaches no caller, only this listener.
  window.addEventListener("error", function (e) {
    if (player && current) unplayable(current, "the player stopped on it (" + String(e.message || "an error").slice(0, 200) + ")");
  });

  // -- context: errors, console, network, frustration ---------------------------------------
  function text(value) {
    return value === undefined || value === null ? "" : String(value);
  }

  function bytes(n) {
    return typeof n === "number" ? (n < 1024 ? n + " B" : (n / 1024).toFixed(1) + " kB") : "?";
  }

  // One line of text and, for some, details (frames, headers, bodies): all recorded text, masked upstream.
  // ``target`` names a node in words from the replay's own nodes (names.js).
  function describe(kind, p, target) {
    if (kind === "error") {
      return {
        css: "error", label: p.kind === "capture" ? "capture" : "error",
        line: (p.kind === "capture" ? "Veil.capture: " : text(p.type) + ": ") + text(p.message) + (p.kind === "unhandledrejection" ? " (unhandled rejection)" : "") + (p.suppressed ? " (" + p.suppressed + " more before it left out)" : ""),
        details: (p.frames || []).map(function (f) { return "at " + text(f.fn) + " (" + text(f.file) + ":" + text(f.line) + ":" + text(f.col) + ")"; }),
      };
    }
    if (kind === "console") return { css: "console", label: text(p.level), line: text(p.message), details: [] };
    if (kind === "network") {
      var details = [];
      ["requestHeaders", "responseHeaders"].forEach(function (key) {
        if (p[key] && typeof p[key] === "object") {
          Object.keys(p[key]).forEach(function (name) { details.push(key.replace("Headers", "") + " header " + name + ": " + text(p[key][name])); });
        }
      });
      ["requestBody", "responseBody"].forEach(function (key) {
        if (p[key] !== undefined) details.push(key.replace("Body", "") + " body: " + (typeof p[key] === "string" ? p[key] : JSON.stringify(p[key], null, 2)));
      });
      return {
        css: "network" + (!p.status || p.status >= 400 ? " failed" : ""), label: text(p.initiator) || "request",
        line: text(p.method) + " " + text(p.url) + " → " + (p.status ? p.status : "failed") + " · " + Math.round(p.durationMs || 0) + " ms · ↑" + bytes(p.requestBytes) + " ↓" + bytes(p.responseBytes),
        details: details,
      };
    }
    if (kind === "click") return { css: "click", label: "click", line: "click on " + target(p.id), details: [] };
    var names = { rage: "rage click", dead: "dead click", error: "error click" };
    return {
      css: "frustration " + (p.kind === "error" ? "error-click" : text(p.kind)), label: names[p.kind] || "frustration",
      line: (names[p.kind] || text(p.kind)) + (p.clicks ? " ×" + p.clicks : "") + " on " + target(p.id),
      details: [],
    };
  }

  function contextEntries(events) {
    var start = events.reduce(function (min, e) { return Math.min(min, e.timestamp); }, Infinity);
    var out = [];
    // The replay's nodes as of each event, to name targets from what was stored.
    var mirror = new window.veilNames.Mirror();
    var target = function (id) { return mirror.describe(id); };
    events.forEach(function (e) {
      mirror.feed(e);
      var click = e.type === 3 && e.data && e.data.source === 2 && e.data.type === CLICK;
      var kind = click ? "click" : e.type === 5 && e.data ? CONTEXT_TAGS[e.data.tag] : undefined;
      var payload = click ? e.data : e.data && e.data.payload;
      if (!kind || !payload || typeof payload !== "object") return;
      var d = describe(kind, payload, target);
      d.channel = kind;
      d.at = Math.max(0, e.timestamp - start);
      d.mark = kind === "error" || kind === "frustration" ? (kind === "error" ? "error" : (e.data.payload.kind === "error" ? "error-click" : text(e.data.payload.kind))) : "";
      out.push(d);
    });
    return out.sort(function (a, b) { return a.at - b.at; });
  }

  function clock(ms) {
    var s = Math.floor(ms / 1000);
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0") + "." + String(Math.floor(ms % 1000 / 100));
  }

  function jump(at) {
    if (!player) return;
    player.goto(at, false);
    if (window.veilViewer) window.veilViewer.jumpedTo = at;
  }

  function renderContext(entries) {
    var list = document.getElementById("context");
    var marks = document.getElementById("marks");
    list.textContent = "";
    marks.textContent = "";
    document.getElementById("context-panel").hidden = entries.length === 0;
    var total = player && player.getMetaData ? player.getMetaData().totalTime : 0;
    entries.forEach(function (entry) {
      var li = document.createElement("li");
      li.className = "entry " + entry.css;
      li.dataset.channel = entry.channel;
      li.hidden = channel !== "" && channel !== entry.channel;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "jump";
      var at = document.createElement("span");
      at.className = "at";
      at.textContent = clock(entry.at);
      var badge = document.createElement("span");
      badge.className = "channel";
      badge.textContent = entry.label;
      var line = document.createElement("span");
      line.className = "line";
      line.textContent = entry.line;
      button.append(at, badge, line);
      button.addEventListener("click", function () { jump(entry.at); });
      li.appendChild(button);
      if (entry.details.length) {
        var details = document.createElement("details");
        var summary = document.createElement("summary");
        summary.textContent = entry.channel === "error" ? "stack" : "details";
        var pre = document.createElement("pre");
        pre.textContent = entry.details.join("\n");
        details.append(summary, pre);
        li.appendChild(details);
      }
      list.appendChild(li);
      if (entry.mark && total > 0) {
        var mark = document.createElement("button");
        mark.type = "button";
        mark.className = "mark " + entry.mark;
        mark.title = clock(entry.at) + " " + entry.line;
        mark.style.left = Math.min(100, entry.at / total * 100) + "%";
        mark.addEventListener("click", function () { jump(entry.at); });
        marks.appendChild(mark);
      }
    });
  }

  document.querySelectorAll("#channels button").forEach(function (button) {
    button.addEventListener("click", function () {
      channel = button.dataset.channel;
      document.querySelectorAll("#channels button").forEach(function (b) { b.className = b === button ? "on" : ""; });
      document.querySelectorAll("#context li").forEach(function (li) { li.hidden = channel !== "" && channel !== li.dataset.channel; });
    });
  });

  function listPath() {
    if (window.veilSearch) return "/v1/sessions?" + window.veilSearch.query();
    var query = [];
    if (document.getElementById("only-errors").checked) query.push("errors=1");
    if (document.getElementById("only-frustrations").checked) query.push("frustrations=1");
    return "/v1/sessions" + (query.length ? "?" + query.join("&") : "");
  }

  ["only-errors", "only-frustrations"].forEach(function (id) {
    document.getElementById(id).addEventListener("change", function () {
      refresh().catch(function () {});
    });
  });

  if (window.veilSearch) window.veilSearch.onChange(function () { refresh().catch(function () {}); });

  function refresh() {
    return api(listPath()).then(function (sessions) {
      if (window.veilSearch) window.veilSearch.refused("");
      renderSessions(sessions);
    }, function (err) {
      if (window.veilSearch && err.message !== "unauthorized") window.veilSearch.refused(err.message);
      throw err;
    });
  }

  function open() {
    api("/v1/whoami").then(function (me) {
      role = me.role;
      if (current && window.veilVisit) window.veilVisit.opened({ session: current, api: api, jump: jump, role: role });
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
    sessionStorage.removeItem(SHARE_KEY);
    shareToken = null;
    api("/v1/sessions").then(open, showLogin);
  });

  // Shared mode: the link's one visit, and nothing else.
  var sharedLink = null;
  function openShared() {
    document.getElementById("login").hidden = true;
    document.getElementById("main").hidden = false;
    document.body.classList.add("shared");
    api("/v1/shared").then(function (link) {
      sharedLink = { session: link.session, api: api, jump: jump, link: link };
      return play(link.session).then(function () {
        if (player && link.atMs !== null && link.atMs !== undefined) jump(link.atMs);
      });
    }).catch(function (err) {
      var message = document.createElement("p");
      message.className = "error shared-refused";
      message.setAttribute("role", "alert");
      message.textContent = "This share link cannot be opened: " + err.message + ".";
      document.getElementById("player").textContent = "";
      document.getElementById("player").appendChild(message);
      window.veilViewer = { player: null, session: null, events: 0, context: [], error: message.textContent };
    });
  }

  if (shareToken) openShared();
  else if (sessionStorage.getItem(TOKEN_KEY)) api("/v1/sessions").then(open, showLogin);
  else showLogin();
})();
