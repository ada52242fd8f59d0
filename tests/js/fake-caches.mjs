// Cache Storage in memory, for the worker modules' tests under Node (snapshot.test.mjs,
// cssvisit.test.mjs, csskeeper.test.mjs). One stand-in for all three: the memory snapshot's
// store and the visit's stylesheets use Cache Storage the same way.
import assert from "node:assert/strict";

/**
 * @param {{ name: string, text?: boolean, faults?: { open?: Function, match?: Function, put?: Function } }} options
 *   ``name``: the one cache the module under test may open; ``text``: bodies kept as text (else
 *   bytes); ``faults`` replace open, match or put to fail or hang.
 */
export function fakeCaches({ name, text = false, faults = {} }) {
  const entries = new Map();
  /** @param {string | { url: string }} key */
  const keyOf = (key) => (typeof key === "string" ? key : key.url);
  const cache = {
    entries,
    puts: 0,
    match:
      faults.match ||
      (async (key) => {
        const e = entries.get(keyOf(key));
        return e && new Response(e.body, { headers: e.headers });
      }),
    put:
      faults.put ||
      (async (key, response) => {
        cache.puts += 1;
        const body = text ? await response.text() : new Uint8Array(await response.arrayBuffer());
        entries.set(String(key), { body, headers: new Headers(response.headers) });
      }),
    delete: async (key) => entries.delete(keyOf(key)),
    keys: async () => [...entries.keys()].map((url) => ({ url })),
  };
  const opened = new Set();
  return {
    cache,
    open:
      faults.open ||
      (async (asked) => {
        assert.equal(asked, name);
        opened.add(asked);
        return cache;
      }),
    // As Cache Storage's: true when the cache was there.
    delete: async (asked) => {
      entries.clear();
      return opened.delete(asked);
    },
  };
}
