/*
 * clickmap.js: the clicks of many visits on one page, drawn over a replayed snapshot of that page.
 *
 * Rules: the clicks come from the collector's index (GET /v1/clickmap: positions, viewport, kind and
 * the target's name where it was recorded in clear); the page under them is one stored snapshot of
 * that page (GET /v1/sessions/{s}/views/{v}/snapshot), replayed by rrweb-player in its sandboxed
 * iframe without scripts, so masked content stays masked and nothing recorded runs. The dots are
 * the viewer's own elements on top of the replay. By position: every click is a dot at its place on
 * the page (rage, dead and error clicks ringed by kind); a click from a viewport of another width is
 * placed in proportion. By target: the targets by recorded name, with their counts; choosing one
 * shows its clicks alone. The wheel over the map scrolls the replayed page under the dots.
 */
(function (root) {
  "use strict";
  var PLACEHOLDER_RULE = ".veil-placeholder { background: repeating-linear-gradient(45deg, #c9ced6 0 6px, #e4e7eb 6px 12px) !important; outline: 1px dashed #8a94a3; }";
  var MAX_WIDTH = 1000;
  var state = { player: null, data: null, only: undefined, layer: null, win: null };

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function stop() {
    if (state.player && state.player.$destroy) {
      try { state.player.$destroy(); } catch (err) { /* dropped either way */ }
    }
    state.player = null;
    state.layer = null;
    state.win = null;
    document.getElementById("clickmap").textContent = "";
  }

  function place(p, base) {
    var x = p.pageX !== null && p.pageX !== undefined ? p.pageX : p.x;
    var y = p.pageY !== null && p.pageY !== undefined ? p.pageY : p.y;
    if (typeof x !== "number" || typeof y !== "number") return null;
    if (p.width && base.width && p.width !== base.width) x = x * base.width / p.width;
    return { x: x, y: y };
  }

  function draw() {
    var layer = state.layer;
    var data = state.data;
    if (!layer || !data) return;
    layer.textContent = "";
    var sx = state.win ? state.win.scrollX || 0 : 0;
    var sy = state.win ? state.win.scrollY || 0 : 0;
    var drawn = 0;
    data.points.forEach(function (p) {
      if (state.only !== undefined && p.name !== state.only) return;
      var at = place(p, data.base);
      if (!at) return;
      var left = at.x - sx;
      var top = at.y - sy;
      if (left < 0 || top < 0 || left > data.base.width || top > data.base.height) return;
      var dot = el("span", undefined, "click-dot " + p.kind);
      dot.style.left = left + "px";
      dot.style.top = top + "px";
      dot.title = p.kind + (p.name ? " on '" + p.name + "'" : "");
      layer.appendChild(dot);
      drawn += 1;
    });
    if (root.veilViewer) root.veilViewer.clickmap = { points: data.points.length, drawn: drawn, scrollY: sy };
  }

  function renderTargets(data) {
    var body = document.querySelector("#clickmap-targets tbody");
    body.textContent = "";
    data.targets.forEach(function (t) {
      var row = el("tr");
      row.dataset.name = t.name === null ? "" : t.name;
      [t.name === null ? "(no name recorded in clear)" : t.name, String(t.clicks), String(t.rage), String(t.dead),
        String(t.errorClicks)].forEach(function (text) { row.appendChild(el("td", text)); });
      row.addEventListener("click", function () {
        state.only = state.only === t.name ? undefined : t.name;
        document.querySelectorAll("#clickmap-targets tbody tr").forEach(function (r) {
          r.className = state.only !== undefined && r === row ? "current" : "";
        });
        draw();
      });
      body.appendChild(row);
    });
  }

  function showMap(data, events) {
    stop();
    var target = document.getElementById("clickmap");
    var Player = root.rrwebPlayer.Player || root.rrwebPlayer.default;
    var width = Math.min(MAX_WIDTH, data.base.width);
    var scale = width / data.base.width;
    state.player = new Player({
      target: target,
      props: { events: events, width: width, height: Math.round(data.base.height * scale), autoPlay: false,
        showController: false, insertStyleRules: [PLACEHOLDER_RULE] },
    });
    var replayer = state.player.getReplayer();
    replayer.pause(0);
    state.win = replayer.iframe.contentWindow;
    var layer = el("div", undefined, "clickmap-layer");
    layer.style.width = data.base.width + "px";
    layer.style.height = data.base.height + "px";
    replayer.wrapper.appendChild(layer);
    state.layer = layer;
    layer.addEventListener("wheel", function (e) {
      e.preventDefault();
      if (state.win) state.win.scrollBy(0, e.deltaY);
      draw();
    }, { passive: false });
    draw();
  }

  function show(e) {
    if (e) e.preventDefault();
    var q = new URLSearchParams();
    q.append("page", document.getElementById("clickmap-page").value.trim());
    ["from", "to"].forEach(function (name) {
      var value = document.getElementById("clickmap-" + name).value.trim();
      if (value) q.append(name, value);
    });
    var device = document.getElementById("clickmap-device").value;
    if (device !== "all") q.append("device", device);
    var out = document.getElementById("clickmap-error");
    out.textContent = "";
    state.only = undefined;
    return root.veilApi("/v1/clickmap?" + q.toString()).then(function (data) {
      state.data = data;
      renderTargets(data);
      document.getElementById("clickmap-summary").textContent = data.clicks + (data.clicks === 1 ? " click" : " clicks") +
        " from " + data.visits + (data.visits === 1 ? " visit" : " visits") + (data.truncated ? " (the latest " + data.limit + ")" : "") + (data.base ? ", drawn on " +
        data.base.path + " as a " + data.base.width + "×" + data.base.height + " viewport showed it" : "");
      if (!data.base) {
        stop();
        return;
      }
      var view = "/v1/sessions/" + encodeURIComponent(data.base.session) + "/views/" + encodeURIComponent(data.base.view) + "/snapshot";
      return root.veilApi(view).then(function (events) { showMap(data, events); });
    }).catch(function (err) {
      out.textContent = String(err && err.message || err);
    });
  }

  function setup() {
    var form = document.getElementById("clickmap-form");
    if (form) form.addEventListener("submit", show);
  }

  root.veilClickmap = { show: show };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})(window);
