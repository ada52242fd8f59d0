// CSS-in-JS in production mode: @emotion/css bundled with NODE_ENV=production, where emotion's
// sheet is "speedy": every rule goes in through CSSStyleSheet.insertRule into an empty <style>,
// so no rule is in the DOM as text. change() creates new classes (new rules inserted after
// recording started), a new global rule, and restyles existing elements with them.
import { css, cx, injectGlobal } from "@emotion/css";
import { expose, h } from "./common.js";

const card = css`
  background: #ffffff;
  border-radius: 10px;
  box-shadow: 0 2px 8px rgba(15, 23, 42, 0.15);
  padding: 16px 20px;
  border-top: 4px solid #6366f1;
`;
const grid = css`display: grid; grid-template-columns: repeat(3, 1fr); gap: 16px; max-width: 960px;`;
const figure = css`font-size: 30px; font-weight: 700; color: #312e81; margin: 4px 0;`;
const muted = css`color: #64748b; font-size: 12px; text-transform: uppercase; letter-spacing: 0.08em;`;
const button = css`
  border: 0; border-radius: 6px; padding: 8px 14px; margin-right: 8px;
  background: #4f46e5; color: #fff; font-weight: 600; font-size: 13px;
  &:hover { background: #4338ca; }
`;
const ghost = css`background: transparent; color: #4f46e5; box-shadow: inset 0 0 0 2px #4f46e5;`;
const banner = css`
  background: linear-gradient(90deg, #0ea5e9, #6366f1);
  color: #fff; padding: 18px 22px; border-radius: 12px; margin-bottom: 16px; max-width: 920px;
  @media (min-width: 600px) { font-size: 16px; }
`;

function build() {
  document.title = "Emotion";
  injectGlobal`body { background: #f1f5f9; } html { background: #f1f5f9; }`;
  const stats = [["Visitors", "12,408"], ["Conversion", "3.9%"], ["Revenue", "€48k"]].map(([label, value]) =>
    h("div", { class: card }, h("div", { class: muted }, label), h("div", { class: figure }, value)));
  document.body.append(
    h("div", { class: banner, id: "banner" }, "Emotion 11 in production mode: rules inserted with insertRule"),
    h("div", { class: grid, id: "grid" }, ...stats),
    h("p", {}, h("button", { class: button }, "Export"), h("button", { class: cx(button, ghost) }, "Share")),
    h("div", { id: "later" }),
  );
}

function change() {
  // Classes that did not exist when recording started: new rules, inserted now.
  const alert = css`
    margin-top: 16px; max-width: 920px; padding: 14px 18px; border-radius: 8px;
    background: #fef3c7; color: #92400e; border-left: 6px solid #f59e0b; font-weight: 600;
  `;
  const highlighted = css`border-top-color: #10b981; background: #ecfdf5; transform: translateY(-2px);`;
  const darkBanner = css`background: linear-gradient(90deg, #111827, #7c3aed); letter-spacing: 0.02em;`;
  injectGlobal`#grid > div:last-child { outline: 3px dashed #f43f5e; outline-offset: 3px; }`;
  document.getElementById("later").append(h("div", { class: alert }, "Quota at 82%: rules for this box were inserted after the snapshot"));
  const first = document.querySelector("#grid > div");
  first.className = cx(first.className, highlighted);
  const banner = document.getElementById("banner");
  banner.className = cx(banner.className, darkBanner);
}

expose(build, change);
