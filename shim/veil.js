/*
 * veil.js: the entry of Veil's classic script (defines window.Veil). build.py bundles it with
 * esbuild (format iife) and every module under shim/veil/ into dist/veil.js.
 *
 * Rules: the shim observes nothing itself and decides nothing about privacy. It boots the worker
 * (Pyodide + the veil wheel), reports facts to the Python gate, starts the observer once consent
 * allows (before the runtime is ready, buffering in page memory until the gate said yes), carries
 * out what the core decides, and sends only the gzipped batches the core returns. Every file it loads is a sibling of this script's own URL. Errors inside Veil are
 * caught and counted; they never reach the host page except as rejected API promises.
 *
 *   veil/api.mjs               window.Veil (the public API)
 *   veil/stub.mjs              taking over from the loader snippet's stub (shim/loader.js), replaying its queue
 *   veil/lifecycle.mjs         the page's Veil: boot, begin/tick/pause/end/withdraw; owns the recording, the outbox
 *   veil/boot.mjs              starting the worker, the core's judgement of the config
 *   veil/recording.mjs         one recording: its session, its observer, the worker's answers about it
 *   veil/consent.mjs           persisted opt-in and the IAB TCF v2 CMP
 *   veil/early.mjs             observing before the runtime is ready (early-rules.mjs: may it, and the bounded buffer)
 *   veil/observer-options.mjs  the observer's options, loading and stopping it
 *   veil/handover.mjs          cutting batches (take_batch), beforeSend
 *   veil/transport.mjs         the bounded outbox (createOutbox({onOverflow, onSessionRefused}))
 *   veil/delivery.mjs          one POST, isRetryable, backoff, what flush() may tell the page
 *   veil/keepalive.mjs         the hidden or unloading page (standby chunks, keepalive)
 *   veil/navigation.mjs        SPA history hooks, calling the handler they are given
 *   veil/rpc.mjs               the worker link: requests typed by the contract's message map, boot stats
 *   veil/storage.mjs           localStorage/sessionStorage, the session write keys
 *   veil/fidelity.mjs          closed shadow roots (from the loader), canvas frames, cross-origin iframes
 *   veil/embedded.mjs          in a cross-origin iframe: the handshake with the parent page, and delivery to it
 *   veil/errors.mjs            countError(err, where), debug, config errors
 *   veil/base.mjs              veil.js's own URL, the runtime files' URLs
 *
 * No module writes state another owns: each keeps its own (module-private, or an object its
 * factory made) and others use its functions; tests/unit/test_import_graph.py holds the shim
 * free of import cycles.
 */
import { defineVeil } from "./veil/api.mjs";
import { takeShadowRoots } from "./veil/fidelity.mjs";
import { loaderStub } from "./veil/stub.mjs";

// First, while this script runs: the loader snippet hands its shadow roots over only now.
takeShadowRoots();

// No window.Veil yet (a script tag), or the loader snippet's stub (veil.js injected after load).
if (!(/** @type {any} */ (window)).Veil || loaderStub()) defineVeil();
