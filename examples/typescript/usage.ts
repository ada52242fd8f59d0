// How a TypeScript project uses Veil with dist/veil.d.ts; tests/unit/test_types.py type-checks it
// with `tsc --strict`, including the lines that must NOT compile (@ts-expect-error).
import Veil, { type VeilConfig, type StartResult, type VeilError } from "../../shim/veil.js";

const config: VeilConfig = {
  endpoint: "/collect",
  clientToken: "pk_test",
  consent: "opt-in",
  defaultPrivacy: "mask",
  blockSelectors: [".payment"],
  excludeUrls: ["/admin", /\/account\//],
  sampleRate: 50,
  beforeSend: (events) => events.filter((e) => e.type !== 4),
  debug: false,
};

async function main(): Promise<void> {
  await Veil.init(config);
  const started: StartResult = await Veil.start();
  if (!started.recording) console.log(started.reason);
  const off = Veil.on("error", (err: VeilError) => console.warn(err.where, err.message));
  const explained = await Veil.explain(document.body);
  console.log(explained.level, explained.secret, Veil.status, Veil.stats().batchesSent);
  const preview = await Veil.preview();
  for (const v of preview.verdicts) if (v.kind === "clear") console.log(v.element.localName, v.rule, v.clear.map((c) => c.text));
  await Veil.preview(false);
  await Veil.flush();
  await Veil.stop();
  off();
}

// @ts-expect-error: unknown config keys are rejected by the types, as by Veil.init
const typo: VeilConfig = { endpoint: "/c", endpiont: "/c" };
// @ts-expect-error: "block" is not a valid defaultPrivacy
const wrongLevel: VeilConfig = { endpoint: "/c", defaultPrivacy: "block" };
// @ts-expect-error: endpoint is required
const missing: VeilConfig = { clientToken: "x" };

void main;
void typo;
void wrongLevel;
void missing;
