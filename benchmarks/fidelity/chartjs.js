// Canvas: Chart.js 4 (a bar chart, a line chart and a doughnut, each its own 2D canvas). change()
// feeds the charts new data several times after recording started, so they animate (Chart.js's
// own animations: the page's CSS cannot stop a canvas drawing). The benchmark records it at
// "allow" (a canvas's pixels are recorded at allow and mask-user-input only) and watches for long
// tasks on the page's thread while it animates.
import { Chart, registerables } from "chart.js";
import { expose, h } from "./common.js";

Chart.register(...registerables);
Chart.defaults.font.family = '"DejaVu Sans", "Liberation Sans", Arial, sans-serif';
Chart.defaults.animation.duration = 600;

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug"];
let bar, line, doughnut;

function series(seed, n = MONTHS.length) {
  return Array.from({ length: n }, (_, i) => 20 + ((i * 37 + seed * 53) % 80));
}

function canvas(id) {
  return h("canvas", { id, width: 460, height: 230, style: "width:460px;height:230px" });
}

function build() {
  document.title = "Chart.js";
  document.body.append(
    h("h1", {}, "Chart.js 4 (canvas charts)"),
    h("div", { style: "display:grid;grid-template-columns:460px 460px;gap:20px" },
      h("div", {}, canvas("bar")), h("div", {}, canvas("line")), h("div", {}, canvas("doughnut")),
      h("div", {}, h("p", {}, "Revenue by month, orders and share by channel: three canvases Chart.js draws and animates."))),
  );
  const options = () => ({ responsive: false, animation: false, plugins: { legend: { position: "bottom" } } });
  bar = new Chart(document.getElementById("bar"), {
    type: "bar", options: options(),
    data: { labels: MONTHS, datasets: [{ label: "Revenue", data: series(1), backgroundColor: "#3b82f6" }, { label: "Costs", data: series(2), backgroundColor: "#f97316" }] },
  });
  line = new Chart(document.getElementById("line"), {
    type: "line", options: options(),
    data: { labels: MONTHS, datasets: [{ label: "Orders", data: series(3), borderColor: "#10b981", backgroundColor: "#10b98133", fill: true, tension: 0.3 }] },
  });
  doughnut = new Chart(document.getElementById("doughnut"), {
    type: "doughnut", options: { ...options(), plugins: { legend: { position: "right" } } },
    data: { labels: ["Web", "Store", "Partners", "Phone"], datasets: [{ data: [45, 25, 20, 10], backgroundColor: ["#6366f1", "#ec4899", "#eab308", "#14b8a6"] }] },
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// New data five times, each animated by Chart.js (about 3 s of animation in all).
async function change() {
  for (const chart of [bar, line, doughnut]) chart.options.animation = { duration: 600 };
  for (let round = 4; round < 9; round++) {
    bar.data.datasets[0].data = series(round);
    bar.data.datasets[1].data = series(round + 5);
    line.data.datasets[0].data = series(round + 2);
    doughnut.data.datasets[0].data = [40 + round, 25 - round, 20 + (round % 3), 10 + round];
    for (const chart of [bar, line, doughnut]) chart.update();
    await sleep(650);
  }
}

expose(build, change);
