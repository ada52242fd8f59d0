// Web components with closed shadow roots (vanilla custom elements: no recorder can read a closed
// root, so the benchmark inlines Veil's loader snippet first in <head>, which keeps them for
// Veil's observer). Each component styles its own root (a <style>, and an adopted sheet for the
// cards), renders slots and nested components; change() adds components while recording, changes
// text inside closed roots and switches a tab.
import { expose, h } from "./common.js";

const cardSheet = new CSSStyleSheet();
cardSheet.replaceSync(`:host { display: block; border: 1px solid #cbd2d9; border-radius: 8px; padding: 12px 16px; background: #f8fafc; }
  header { font-weight: bold; color: #1e3a8a; margin-bottom: 6px; } ::slotted(p) { margin: 4px 0; color: #334155; }`);

const roots = new WeakMap(); // element -> its closed root (the components' own handle)

class XCard extends HTMLElement {
  connectedCallback() {
    if (roots.has(this)) return;
    const root = this.attachShadow({ mode: "closed" });
    roots.set(this, root);
    root.adoptedStyleSheets = [cardSheet];
    root.innerHTML = `<header></header><slot></slot><footer><x-badge></x-badge></footer>`;
    root.querySelector("header").textContent = this.getAttribute("title") || "";
    root.querySelector("x-badge").setAttribute("label", this.getAttribute("status") || "ok");
  }
}

class XBadge extends HTMLElement {
  static get observedAttributes() { return ["label"]; }
  connectedCallback() { this.render(); }
  attributeChangedCallback() { this.render(); }
  render() {
    let root = roots.get(this);
    if (!root) {
      root = this.attachShadow({ mode: "closed" });
      roots.set(this, root);
      root.innerHTML = `<style>span { display: inline-block; padding: 2px 10px; border-radius: 999px; font-size: 12px;
        background: #dcfce7; color: #166534; } span.warn { background: #fef3c7; color: #92400e; }</style><span></span>`;
    }
    const label = this.getAttribute("label") || "";
    const span = root.querySelector("span");
    span.textContent = label;
    span.className = label === "ok" ? "" : "warn";
  }
}

class XTabs extends HTMLElement {
  connectedCallback() {
    if (roots.has(this)) return;
    const root = this.attachShadow({ mode: "closed" });
    roots.set(this, root);
    root.innerHTML = `<style>nav { display: flex; gap: 4px; border-bottom: 2px solid #e2e8f0; }
      button { border: 0; background: none; padding: 8px 14px; font: inherit; color: #475569; }
      button[aria-selected="true"] { color: #1d4ed8; border-bottom: 2px solid #1d4ed8; margin-bottom: -2px; }
      section { padding: 10px 4px; }</style><nav></nav><section></section>`;
    this.tabs = JSON.parse(this.getAttribute("tabs") || "[]");
    for (const [i, [label]] of this.tabs.entries()) {
      const button = document.createElement("button");
      button.textContent = label;
      button.addEventListener("click", () => this.select(i));
      root.querySelector("nav").append(button);
    }
    this.select(0);
  }
  select(i) {
    const root = roots.get(this);
    root.querySelectorAll("button").forEach((b, j) => b.setAttribute("aria-selected", String(i === j)));
    root.querySelector("section").textContent = this.tabs[i][1];
  }
}

customElements.define("x-card", XCard);
customElements.define("x-badge", XBadge);
customElements.define("x-tabs", XTabs);

function build() {
  document.title = "closed shadow roots";
  document.body.append(
    h("h1", {}, "Web components with closed shadow roots"),
    h("div", { id: "cards", style: "display:grid;grid-template-columns:repeat(3, 290px);gap:16px" },
      h("x-card", { title: "Orders", status: "ok" }, h("p", {}, "128 orders today"), h("p", {}, "4 waiting for payment")),
      h("x-card", { title: "Stock", status: "low" }, h("p", {}, "Sneakers, size 42: 3 left")),
      h("x-card", { title: "Support", status: "ok" }, h("p", {}, "2 open tickets"))),
    h("x-tabs", { id: "tabs", style: "display:block;margin-top:16px;max-width:600px",
      tabs: JSON.stringify([["Overview", "Everything is running."], ["Settings", "Notifications are on."], ["Billing", "Next invoice on 1 May."]]) }),
  );
}

function change() {
  const cards = document.getElementById("cards");
  cards.append(h("x-card", { title: "Added while recording", status: "new" }, h("p", {}, "A component attached after the snapshot")));
  const stock = cards.children[1];
  roots.get(stock).querySelector("header").textContent = "Stock (updated)";
  roots.get(stock).querySelector("x-badge").setAttribute("label", "ok");
  document.getElementById("tabs").select(1);
}

expose(build, change);
