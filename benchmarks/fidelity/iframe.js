// A page with a cross-origin iframe (a second loopback origin): the parent shows a checkout
// summary and embeds a payment-style widget from the other origin (iframe-child.js). Both run the
// recorder: Veil records them as one replay after its handshake (iframeOrigins in the parent,
// parentOrigin in the child); rrweb with recordCrossOriginIframes in both. change() updates the
// parent; the harness changes the child too.
import { expose, h } from "./common.js";

function build() {
  document.title = "cross-origin iframe";
  const child = new URL(location.href).searchParams.get("child");
  document.body.append(
    h("h1", {}, "Checkout with an embedded widget (cross-origin iframe)"),
    h("div", { style: "display:grid;grid-template-columns:360px 480px;gap:24px;align-items:start" },
      h("div", { style: "border:1px solid #cbd2d9;border-radius:8px;padding:12px 16px" },
        h("h2", { style: "font-size:16px;margin:0 0 8px" }, "Order summary"),
        h("p", {}, "2 × Trail shoes — 178.00"), h("p", {}, "1 × Socks — 9.00"), h("p", { id: "total" }, "Total: 187.00")),
      h("iframe", { id: "widget", src: child, width: 480, height: 360, style: "border:1px solid #94a3b8;border-radius:8px" })),
  );
  return new Promise((resolve) => { document.getElementById("widget").addEventListener("load", resolve, { once: true }); });
}

function change() {
  document.getElementById("total").textContent = "Total: 177.00 (voucher applied)";
}

expose(build, change);
