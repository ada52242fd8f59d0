// The loader snippet (shim/loader.js) under Node's own test runner, in a fake page: it requests
// veil.js only once the load event has ended, queues calls in order, and on a failed load rejects
// them all and says "failed" without throwing; and veil.js's side (shim/veil/stub.mjs) replays the
// queue in order, settling each promise with the real result.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { test } from "node:test";
import vm from "node:vm";
import { takeOver } from "../../shim/veil/stub.mjs";

const SOURCE = readFileSync(new URL("../../shim/loader.js", import.meta.url), "utf8");

/** A fake document's <head> and createElement: what is appended lands in ``appended``. */
function documentParts(appended) {
  return {
    head: {
      appendChild(el) {
        appended.push(el);
        el.parentNode = this;
      },
      removeChild(el) {
        el.parentNode = null;
      },
    },
    createElement: (tag) => ({ tagName: tag }),
  };
}

/** Run the stub (``source``: shim/loader.js by default) in a fake page whose document is in
 * ``readyState``; returns the page's pieces. */
function page(readyState = "loading", source = SOURCE.replace("__VEIL_INTEGRITY__", "sha384-test")) {
  const appended = [];
  const listeners = {};
  const timers = [];
  const window = {
    addEventListener: (type, fn) => {
      listeners[type] = listeners[type] || [];
      listeners[type].push(fn);
    },
  };
  const document = {
    readyState,
    ...documentParts(appended),
  };
  const context = vm.createContext({ window, document, Promise, Error, TypeError, setTimeout: (fn) => timers.push(fn) });
  vm.runInContext(source, context);
  return {
    window,
    appended,
    timers,
    /** The load event fires, then its queued timers run. */
    load() {
      (listeners.load || []).forEach((fn) => {
        fn();
      });
      timers.splice(0).forEach((fn) => {
        fn();
      });
    },
  };
}

const settled = (promise) =>
  promise.then(
    (value) => ({ value }),
    (error) => ({ error }),
  );

test("veil.js is requested only after the load event ended, with its integrity", () => {
  const p = page("loading");
  assert.equal(p.appended.length, 0);
  assert.equal(p.window.Veil.status, "loading");
  assert.equal(p.window.Veil.version, null);
  assert.equal(JSON.stringify(p.window.Veil.stats()), "{}"); // another realm: compare the text
  p.load();
  assert.equal(p.appended.length, 1);
  const script = p.appended[0];
  assert.equal(script.src, "/static/veil/veil.js");
  assert.equal(script.integrity, "sha384-test");
  assert.equal(script.crossOrigin, "anonymous");
});

test("a page already loaded requests veil.js on the next task; a second snippet changes nothing", () => {
  const p = page("complete");
  const stub = p.window.Veil;
  assert.equal(p.appended.length, 0);
  vm.runInContext(SOURCE, vm.createContext({ window: p.window, document: {}, setTimeout() {} }));
  assert.equal(p.window.Veil, stub);
  p.timers.splice(0).forEach((fn) => {
    fn();
  });
  assert.equal(p.appended.length, 1);
});

test("veil.js replays the queued calls in order and settles each promise with the real result", async () => {
  const p = page();
  const Veil = p.window.Veil;
  const calls = [];
  const config = { endpoint: "/collect", beforeSend: (e) => e };
  const errors = [];
  const off = Veil.on("error", (report) => errors.push(report));
  const cancelled = Veil.on("error", () => errors.push("cancelled listener"));
  cancelled();
  const results = [Veil.init(config), Veil.start(), Veil.explain("el"), Veil.stop()].map(settled);
  const real = {
    status: "idle",
    version: "9.9.9",
    init: (c) => {
      calls.push(["init", c]);
      return Promise.resolve(undefined);
    },
    start: () => {
      calls.push(["start"]);
      return Promise.resolve({ recording: true });
    },
    explain: () => {
      calls.push(["explain"]);
      throw new TypeError("Veil.explain: expected an Element");
    },
    stop: () => {
      calls.push(["stop"]);
      return Promise.resolve();
    },
    on: (event, listener) => {
      calls.push(["on", event]);
      listener({ message: "m", where: "api" });
      return () => calls.push(["off"]);
    },
    stats: () => ({ errors: 1 }),
  };
  p.load();
  takeOver(Veil, real);
  assert.deepEqual(
    calls.map((c) => c[0]),
    ["on", "init", "start", "explain", "stop"],
  );
  assert.equal(calls[1][1], config, "the page's config object itself (its functions kept)");
  assert.deepEqual(await Promise.all(results), [
    { value: undefined },
    { value: { recording: true } },
    { error: new TypeError("Veil.explain: expected an Element") },
    { value: undefined },
  ]);
  assert.deepEqual(errors, [{ message: "m", where: "api" }]);
  off();
  assert.deepEqual(calls.at(-1), ["off"], "the stub's unsubscribe reaches the real listener's");
  // A reference kept from before forwards to the real Veil.
  assert.equal(Veil.status, "idle");
  assert.equal(Veil.version, "9.9.9");
  assert.deepEqual(Veil.stats(), { errors: 1 });
  assert.deepEqual(await Veil.start(), { recording: true });
  // The script's own load event after the take-over fails nothing, and takes its element out.
  p.appended[0].onload();
  assert.equal(Veil.status, "idle");
  assert.equal(p.appended[0].parentNode, null);
});

test("veil.js not loading: status failed, every queued promise rejects with one Error, later ones too", async () => {
  const p = page();
  const Veil = p.window.Veil;
  const queued = [Veil.init({ endpoint: "/collect" }), Veil.start(), Veil.flush()].map(settled);
  Veil.on("error", () => {});
  p.load();
  p.appended[0].onerror(); // what an integrity mismatch or a network error fires
  assert.equal(Veil.status, "failed");
  assert.equal(p.appended[0].parentNode, null);
  const results = await Promise.all(queued);
  assert.equal(results.length, 3);
  for (const r of results) assert.match(r.error.message, /\/static\/veil\/veil\.js did not load/);
  const later = await settled(Veil.capture("x"));
  assert.equal(later.error, results[0].error);
  assert.equal(JSON.stringify(Veil.stats()), "{}"); // another realm: compare the text
});

test("a script that loads but is not Veil (window.Veil still the stub) counts as a failed load", async () => {
  const p = page();
  const init = settled(p.window.Veil.init({ endpoint: "/collect" }));
  p.load();
  p.appended[0].onload();
  assert.equal(p.window.Veil.status, "failed");
  assert.ok((await init).error instanceof Error);
});

test("Veil.on with the wrong arguments throws at once, as the real one does", () => {
  const p = page();
  assert.throws(() => p.window.Veil.on("ready", () => {}), TypeError);
  assert.throws(() => p.window.Veil.on("error"), TypeError);
});

const MINIFIED = new URL("../../dist/veil-loader.js", import.meta.url);

test("dist/veil-loader.js (the build's minified stub) stands in and loads veil.js the same way", {
  skip: !existsSync(MINIFIED) && "no dist/: run build.py",
}, () => {
  const p = page("loading", readFileSync(MINIFIED, "utf8"));
  const members = Object.keys(p.window.Veil).sort();
  assert.deepEqual(members, Object.keys(page().window.Veil).sort());
  assert.equal(p.window.Veil.status, "loading");
  p.load();
  assert.equal(p.appended[0].src, "/static/veil/veil.js");
  assert.match(p.appended[0].integrity, /^sha384-[A-Za-z0-9+/]{64}$/);
});

/** The stub in a fake page with shadow DOM: Element.prototype.attachShadow, Document's
 * currentScript getter (``current.script`` is what it answers), WeakMap and Reflect. */
function shadowPage() {
  class Element {
    attachShadow(init) {
      if (init && init.fail) throw new TypeError("not supported");
      const root = { mode: init.mode, host: this };
      if (init.mode === "open") this.shadowRoot = root;
      return root;
    }
  }
  const current = { script: null };
  class Document {}
  Object.defineProperty(Document.prototype, "currentScript", {
    get() {
      return current.script;
    },
    configurable: true,
  });
  const appended = [];
  const timers = [];
  const document = Object.assign(new Document(), {
    readyState: "complete",
    ...documentParts(appended),
  });
  const window = { addEventListener() {}, Element, Document, Reflect, WeakMap };
  const context = vm.createContext({
    window,
    document,
    Element,
    Document,
    Reflect,
    WeakMap,
    Object,
    Promise,
    Error,
    TypeError,
    setTimeout: (fn) => timers.push(fn),
  });
  vm.runInContext(SOURCE.replace("__VEIL_INTEGRITY__", "sha384-test"), context);
  return {
    window,
    document,
    Element,
    current,
    appended,
    load: () => {
      for (const fn of timers.splice(0)) fn();
    },
  };
}

test("the stub keeps every shadow root, closed ones too, and hands them only to its own veil.js, once", () => {
  const p = shadowPage();
  const closedHost = new p.Element();
  const openHost = new p.Element();
  const closed = closedHost.attachShadow({ mode: "closed" });
  const open = openHost.attachShadow({ mode: "open" });
  assert.equal(closed.mode, "closed");
  assert.throws(() => new p.Element().attachShadow({ mode: "open", fail: true }), TypeError, "the page's errors stay its own");
  const stub = p.window.Veil;
  assert.equal(stub._roots(), null, "before veil.js is requested: nobody");
  p.load();
  const script = p.appended[0];
  assert.equal(stub._roots(), null, "veil.js requested but not running: nobody");
  p.current.script = { tagName: "script" }; // another script running
  assert.equal(stub._roots(), null);
  // A page that replaced the built-ins after the stub ran learns nothing from the stub's bookkeeping.
  const seen = [];
  const { set, get } = WeakMap.prototype;
  WeakMap.prototype.set = function (k, v) {
    seen.push(v);
    return set.call(this, k, v);
  };
  WeakMap.prototype.get = function (k) {
    seen.push(k);
    return get.call(this, k);
  };
  try {
    const later = new p.Element();
    const laterRoot = later.attachShadow({ mode: "closed" });
    p.current.script = script; // veil.js, while it runs
    const lookup = stub._roots();
    assert.equal(typeof lookup, "function");
    assert.equal(lookup(closedHost), closed);
    assert.equal(lookup(openHost), open);
    assert.equal(lookup(later), laterRoot);
    assert.equal(lookup(new p.Element()), undefined);
    assert.deepEqual(seen, [], "the stub called no built-in the page could replace");
  } finally {
    WeakMap.prototype.set = set;
    WeakMap.prototype.get = get;
  }
  assert.equal(stub._roots(), null, "only once");
  const reachable = Reflect.ownKeys(stub).map((k) => stub[k]);
  assert.ok(!reachable.some((v) => v instanceof WeakMap || (v && v.mode === "closed")), "no property reaches a root");
});
