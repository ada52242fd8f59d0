// The cross-origin widget embedded by iframe.js, served from the second loopback origin: a small
// styled form. change() (run by the harness in the frame) fills a field and shows a message.
import { expose, h } from "./common.js";

function build() {
  document.title = "widget";
  document.body.style.margin = "12px";
  document.body.append(
    h("h2", { style: "font-size:16px;margin:0 0 10px;color:#0f172a" }, "Pay securely"),
    h("label", { for: "holder", style: "display:block;margin:6px 0 2px" }, "Card holder"),
    h("input", { id: "holder", style: "width:300px;padding:6px;border:1px solid #94a3b8;border-radius:4px" }),
    h("label", { for: "plan", style: "display:block;margin:10px 0 2px" }, "Instalments"),
    h("select", { id: "plan", style: "padding:6px" }, h("option", {}, "Pay now"), h("option", {}, "3 months"), h("option", {}, "6 months")),
    h("p", { id: "note", style: "color:#475569" }, "Your payment is processed by the widget's origin."),
    h("button", { style: "padding:8px 18px;background:#2563eb;color:white;border:0;border-radius:6px" }, "Pay 187.00"),
  );
}

function change() {
  document.getElementById("plan").selectedIndex = 1;
  document.getElementById("note").textContent = "Instalments: 3 × 59.00, no fees.";
  document.getElementById("note").style.color = "#166534";
}

expose(build, change);
