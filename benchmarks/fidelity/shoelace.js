// Web components with adopted stylesheets: Shoelace (Lit). Every component styles its shadow
// root through adoptedStyleSheets (one constructed sheet per component class); the theme is a
// plain stylesheet of custom properties. change() adds components after recording started (new
// shadow roots adopting the same sheets), switches a tab and changes properties.
import "@shoelace-style/shoelace/dist/themes/light.css";
import "@shoelace-style/shoelace/dist/components/badge/badge.js";
import "@shoelace-style/shoelace/dist/components/button/button.js";
import "@shoelace-style/shoelace/dist/components/card/card.js";
import "@shoelace-style/shoelace/dist/components/checkbox/checkbox.js";
import "@shoelace-style/shoelace/dist/components/divider/divider.js";
import "@shoelace-style/shoelace/dist/components/input/input.js";
import "@shoelace-style/shoelace/dist/components/option/option.js";
import "@shoelace-style/shoelace/dist/components/progress-bar/progress-bar.js";
import "@shoelace-style/shoelace/dist/components/select/select.js";
import "@shoelace-style/shoelace/dist/components/switch/switch.js";
import "@shoelace-style/shoelace/dist/components/tab/tab.js";
import "@shoelace-style/shoelace/dist/components/tab-group/tab-group.js";
import "@shoelace-style/shoelace/dist/components/tab-panel/tab-panel.js";
import "@shoelace-style/shoelace/dist/components/tag/tag.js";
import { expose, h } from "./common.js";

const TAGS = ["sl-badge", "sl-button", "sl-card", "sl-checkbox", "sl-divider", "sl-input", "sl-option", "sl-progress-bar",
  "sl-select", "sl-switch", "sl-tab", "sl-tab-group", "sl-tab-panel", "sl-tag"];

async function rendered() {
  await Promise.all(TAGS.map((tag) => customElements.whenDefined(tag)));
  // Lit renders asynchronously; a component's update may define others' (nested) updates.
  for (let round = 0; round < 3; round++) {
    await Promise.all([...document.querySelectorAll("*")].filter((el) => el.updateComplete).map((el) => el.updateComplete));
  }
}

function build() {
  document.title = "Shoelace";
  const app = h("div", { style: "display:grid;grid-template-columns:1fr 1fr;gap:16px;max-width:960px" });
  app.append(
    h("sl-card", { id: "profile" },
      h("strong", { slot: "header" }, "Profile"),
      h("sl-input", { label: "Display name", value: "Grace Hopper" }),
      h("br"),
      h("sl-select", { label: "Team", value: "compilers" },
        h("sl-option", { value: "compilers" }, "Compilers"),
        h("sl-option", { value: "navy" }, "Navy")),
      h("br"),
      h("sl-checkbox", { checked: true }, "Send weekly digest"),
      h("div", { slot: "footer" },
        h("sl-button", { variant: "primary" }, "Save"), " ",
        h("sl-button", { variant: "default" }, "Cancel"))),
    h("sl-card", {},
      h("strong", { slot: "header" }, "Status"),
      h("p", {}, "Build ", h("sl-badge", { variant: "success" }, "passing"), " ", h("sl-badge", { variant: "warning", pill: true }, "3 warnings")),
      h("sl-progress-bar", { id: "progress", value: "40", label: "Upload" }),
      h("sl-divider"),
      h("sl-switch", { id: "notify" }, "Notifications"),
      h("p", {}, h("sl-tag", { variant: "primary" }, "lit"), " ", h("sl-tag", { variant: "neutral" }, "shadow DOM"))),
    h("sl-tab-group", { id: "tabs", style: "grid-column:1 / span 2" },
      h("sl-tab", { slot: "nav", panel: "general" }, "General"),
      h("sl-tab", { slot: "nav", panel: "advanced" }, "Advanced"),
      h("sl-tab-panel", { name: "general" }, "General settings live here."),
      h("sl-tab-panel", { name: "advanced" }, h("sl-input", { label: "API base", value: "/api/v2", size: "small" }))),
    h("div", { id: "later", style: "grid-column:1 / span 2" }),
  );
  document.body.append(h("h1", {}, "Shoelace 2 (web components, adopted stylesheets)"), app);
  return rendered();
}

function change() {
  document.getElementById("later").append(
    h("sl-card", { style: "width:100%" },
      h("strong", { slot: "header" }, "Added while recording"),
      h("sl-button", { variant: "success" }, "Deploy"), " ",
      h("sl-button", { variant: "danger", outline: true }, "Roll back"), " ",
      h("sl-badge", { variant: "danger" }, "new"), " ",
      h("sl-tag", { variant: "success", size: "large" }, "ready")),
  );
  document.getElementById("tabs").show("advanced");
  document.getElementById("notify").checked = true;
  document.getElementById("progress").value = 80;
  return rendered();
}

expose(build, change);
