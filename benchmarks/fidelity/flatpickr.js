// A date picker: flatpickr 4. Two inline calendars (one a two-month range) and a popup one.
// change() picks other dates, moves a month and opens the popup after recording started: day
// cells rebuilt, classes toggled, the popup positioned with inline styles.
import flatpickr from "flatpickr";
import "flatpickr/dist/flatpickr.min.css";
import { expose, h } from "./common.js";

let single, range, popup;

function build() {
  document.title = "flatpickr";
  document.body.append(
    h("h1", {}, "flatpickr 4 (date picker)"),
    h("div", { style: "display:flex;gap:24px;align-items:flex-start" },
      h("div", {}, h("p", {}, "Departure"), h("input", { id: "single" })),
      h("div", {}, h("p", {}, "Stay"), h("input", { id: "range" }))),
    h("p", {}, "Return ", h("input", { id: "popup", style: "padding:6px;width:180px" })),
  );
  // A fixed "today", so the page looks the same whatever day the benchmark runs.
  const now = new Date(2026, 2, 10);
  single = flatpickr("#single", { now, inline: true, defaultDate: "2026-03-14", minDate: "2026-03-03" });
  range = flatpickr("#range", { now, inline: true, mode: "range", showMonths: 2, defaultDate: ["2026-04-06", "2026-04-11"] });
  popup = flatpickr("#popup", { now, defaultDate: new Date(2026, 3, 20), dateFormat: "D j M Y" });
}

function change() {
  single.setDate("2026-03-27", true);
  range.setDate(["2026-05-12", "2026-05-19"], true);
  range.jumpToDate("2026-05-01");
  popup.open();
}

expose(build, change);
