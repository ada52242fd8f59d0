// The consent rules under Node's own test runner: what a CMP answer becomes, what the gate's
// decision then does, that Veil.stop() outranks the CMP, and when an opt-in is remembered.
import { fakeWorker, tick } from "./setup.mjs";
import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";
import { cmpAction, currentTcf, forgetConsent, listenToCmp, rememberConsent, tcfFact } from "../../shim/veil/consent.mjs";
import { addErrorListener } from "../../shim/veil/errors.mjs";
import { call, connect, disconnect, onWorkerMessage } from "../../shim/veil/rpc.mjs";

const errors = [];
addErrorListener((report) => errors.push(report));
let settings;
let status;

/** The lifecycle as the CMP's answers see it: its status, its serial queue, the gate, withdraw and begin. */
const follower = {
  status: () => status,
  serially: (fn) => Promise.resolve().then(fn),
  gate: () => call("gate", { facts: { href: "https://shop.example/checkout", tcf: currentTcf() } }),
  withdraw: (next) => { status = next; return call("stop", null); },
  begin: () => { status = "recording"; },
};

beforeEach(() => {
  errors.length = 0;
  status = "idle";
  settings = { consent: "tcf", persistConsent: false };
  window.localStorage.removeItem("veil:consent");
});

/** A CMP stand-in: Veil's listener is kept so the test can answer as the CMP would. */
function fakeCmp() {
  const cmp = { listener: null, calls: [] };
  cmp.api = (command, version, listener) => {
    cmp.calls.push([command, version]);
    cmp.listener = listener;
  };
  return cmp;
}

test("a CMP answer becomes the tcf fact; a failed or empty answer says nothing", () => {
  assert.equal(tcfFact({ gdprApplies: true }, false), null);
  assert.equal(tcfFact(null, true), null);
  assert.deepEqual(tcfFact({ gdprApplies: true, purpose: { consents: { 1: true, 8: false } } }, true),
    { gdprApplies: true, purposeConsents: { 1: true, 8: false } });
  assert.deepEqual(tcfFact({ gdprApplies: false }, true), { gdprApplies: false, purposeConsents: {} });
});

test("the gate's decision after a CMP answer: withdraw while recording, begin while not, else nothing", () => {
  assert.equal(cmpAction({ record: false }, "recording"), "withdraw");
  assert.equal(cmpAction({ record: true }, "idle"), "begin");
  assert.equal(cmpAction({ record: true }, "declined"), "begin");
  assert.equal(cmpAction({ record: true }, "recording"), null);
  assert.equal(cmpAction({ record: false }, "declined"), null);
});

test("a page without a CMP: nothing is listened to and nothing fails", () => {
  listenToCmp(undefined, follower);
  assert.deepEqual(errors, []);
});

test("a CMP that says no while recording withdraws: stop goes to the core, status becomes declined", async () => {
  const worker = fakeWorker({ gate: { record: false, reason: "tcf-declined", status: "declined" }, stop: null }, onWorkerMessage);
  connect(/** @type {any} */ (worker));
  status = "recording";
  const cmp = fakeCmp();
  listenToCmp(cmp.api, follower);
  assert.deepEqual(cmp.calls, [["addEventListener", 2]]);
  cmp.listener(null, false); // a failed answer: no new gate decision
  await tick(5);
  assert.deepEqual(worker.sent, []);
  cmp.listener({ gdprApplies: true, purpose: { consents: { 1: false } } }, true);
  await tick(10);
  assert.deepEqual(worker.sent.map((m) => m.type), ["gate", "stop"]);
  assert.deepEqual(worker.sent[0].payload.facts.tcf, { gdprApplies: true, purposeConsents: { 1: false } });
  assert.equal(status, "declined");
  disconnect("test over");
});

test("Veil.stop() outranks the CMP: a stopped Veil does not even ask the gate", async () => {
  const worker = fakeWorker({ gate: { record: true } }, onWorkerMessage);
  connect(/** @type {any} */ (worker));
  status = "stopped";
  const cmp = fakeCmp();
  listenToCmp(cmp.api, follower);
  cmp.listener({ gdprApplies: true, purpose: { consents: { 1: true, 8: true, 10: true } } }, true);
  await tick(10);
  assert.deepEqual(worker.sent, []);
  assert.equal(status, "stopped");
  disconnect("test over");
});

test("a CMP that throws is counted as a consent error and never reaches the page", () => {
  listenToCmp(() => {
    throw new Error("cmp broke");
  }, follower);
  assert.deepEqual(errors, [{ message: "cmp broke", where: "consent" }]);
});

test("an opt-in is remembered only with persistConsent under opt-in, and forgotten on stop", () => {
  rememberConsent(settings);
  assert.equal(window.localStorage.getItem("veil:consent"), null, "tcf mode: never stored");
  settings = { ...settings, consent: "opt-in" };
  rememberConsent(settings);
  assert.equal(window.localStorage.getItem("veil:consent"), null, "no persistConsent: never stored");
  settings = { ...settings, persistConsent: true };
  rememberConsent(settings);
  assert.equal(window.localStorage.getItem("veil:consent"), '"granted"');
  forgetConsent(settings);
  assert.equal(window.localStorage.getItem("veil:consent"), null);
});
