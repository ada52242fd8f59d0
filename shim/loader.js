/*
 * loader.js: Veil's recommended snippet, the loader stub. A page inlines everything below this
 * comment in a <script> (README "Adding Veil to a site"; examples/demo/index.html), followed by
 * its own Veil.init(...) call. build.py writes it minified, with this build's integrity of veil.js
 * filled in, to dist/veil-loader.js; tests/unit/test_loader_snippet.py keeps the README's and the
 * demo's copies equal to this file.
 *
 * Rules: ES5 and no dependency (it runs before anything else of Veil's). It never delays the
 * page's load event: veil.js is requested only after the load event ended (a synchronous or async
 * script, even an empty one, holds the load event up). Until veil.js arrives window.Veil is this
 * plain, configurable object (recognised by veil.js through `_q`, shim/veil/stub.mjs): the promise
 * methods queue their calls, in order, for veil.js to replay and settle; on() queues its listener;
 * stats() is {} (no counters yet); status is "loading"; version is null. If veil.js does not load
 * (network error, integrity mismatch, or something that is not Veil) status becomes "failed" and
 * every queued promise rejects with one Error; nothing ever throws into the page. The page's
 * arguments are kept as given (a config's functions included). The script element it inserts is
 * removed once veil.js has run (or failed), so the page's DOM, and what Veil records of it, holds
 * no tag of Veil's (its integrity attribute would look like a token to the collector's
 * defence-in-depth scrub, sdk/veil_collector/scrub.py). Keep it small: pages paste it.
 *
 * Shadow roots: it wraps Element.prototype.attachShadow and keeps every root attached from then on,
 * closed ones included, so that Veil's observer can record a closed root at its host's level. The
 * roots stay in this closure (no property of any object reaches them) and are handed over once,
 * as a lookup, to the script element this stub inserted while it runs (veil.js: the native
 * currentScript getter, read here before any page script, names it), else to nobody. Built-ins
 * are read here too, so a page script that replaces them later learns nothing of the roots
 * through this stub. Like any script of the page's realm, Veil cannot hide what it reads from a
 * script that replaced built-ins before Veil ran; such a script could wrap attachShadow itself.
 */

(function (w, d, src, integrity) {
  if (w.Veil) return; // veil.js itself, or this stub, is already on the page
  var queue = [], failure = null, script = null;
  var E = w.Element && Element.prototype, attach = E && E.attachShadow, call = w.Reflect && Reflect.apply;
  var roots = call && new WeakMap(), put = roots && roots.set, get = roots && roots.get;
  var current = w.Document && Object.getOwnPropertyDescriptor(Document.prototype, "currentScript");
  if (attach && roots) {
    E.attachShadow = function attachShadow() {
      var root = call(attach, this, arguments);
      call(put, roots, [this, root]);
      return root;
    };
  }
  function queued(method) {
    return function () {
      var args = [].slice.call(arguments);
      return new Promise(function (resolve, reject) {
        if (failure) reject(failure);
        else queue.push({ method: method, args: args, resolve: resolve, reject: reject });
      });
    };
  }
  var stub = w.Veil = {
    _q: queue, status: "loading", version: null,
    init: queued("init"), start: queued("start"), stop: queued("stop"),
    flush: queued("flush"), explain: queued("explain"), capture: queued("capture"),
    stats: function () { return {}; },
    _roots: function () {
      if (!roots || !script || !current || call(current.get, d, []) !== script) return null;
      script = null; // once
      return function (host) { return call(get, roots, [host]); };
    },
    on: function (event, listener) {
      if (event !== "error" || typeof listener !== "function") throw new TypeError('Veil.on: expected ("error", function)');
      var entry = { method: "on", args: [event, listener], resolve: function (off) { entry.off = off; }, reject: function () {} };
      queue.push(entry);
      return function () { entry.cancelled = true; if (entry.off) entry.off(); };
    }
  };
  function fail() {
    if (w.Veil !== stub || failure) return; // veil.js took over (or this already failed)
    failure = new Error("Veil: " + src + " did not load (network error, integrity mismatch, or not veil.js)");
    stub.status = "failed";
    queue.splice(0).forEach(function (entry) { entry.reject(failure); });
  }
  function load() {
    var s = script = d.createElement("script");
    s.src = src;
    if (integrity) { s.integrity = integrity; s.crossOrigin = "anonymous"; }
    s.onload = s.onerror = function () {
      if (s.parentNode) s.parentNode.removeChild(s); // run (or failed): no element of Veil's stays in the page
      fail();
    };
    d.head.appendChild(s);
  }
  // Once the load event has ended: a request made inside a load listener would start before its end.
  if (d.readyState === "complete") setTimeout(load, 0);
  else w.addEventListener("load", function () { setTimeout(load, 0); });
})(window, document, "/static/veil/veil.js", "__VEIL_INTEGRITY__");
