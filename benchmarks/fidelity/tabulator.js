// A data grid: Tabulator 6 (virtual-DOM renderer, widths and heights as inline styles, progress
// and star formatters drawing with styles and SVG). change() sorts, edits a cell's data, adds a
// row, selects two and scrolls the grid's body after recording started: rows re-rendered,
// re-ordered, and the scroll position of an element other than the document.
import { TabulatorFull as Tabulator } from "tabulator-tables";
import "tabulator-tables/dist/css/tabulator.min.css";
import { expose, h, withTimeout } from "./common.js";

const CITIES = ["Lisbon", "Oslo", "Kyoto", "Quito", "Accra", "Perth", "Tallinn", "Lima"];
const DATA = Array.from({ length: 14 }, (_, i) => ({
  id: i + 1,
  name: ["Ada", "Alan", "Barbara", "Claude", "Donald", "Edsger", "Frances", "Grace", "Hedy", "John", "Katherine", "Leslie", "Margaret", "Niklaus"][i],
  city: CITIES[i % CITIES.length],
  progress: (i * 37) % 100,
  rating: (i % 5) + 1,
  active: i % 3 !== 0,
}));

let table;

function build() {
  document.title = "Tabulator";
  document.body.append(h("h1", {}, "Tabulator 6 (data grid)"), h("div", { id: "grid", style: "max-width:900px" }));
  const built = new Promise((resolve) => {
    table = new Tabulator("#grid", {
      data: DATA, height: "440px", layout: "fitColumns", selectableRows: true, index: "id",
      columns: [
        { title: "Name", field: "name", headerFilter: "input" },
        { title: "City", field: "city" },
        { title: "Progress", field: "progress", formatter: "progress", formatterParams: { color: ["#ef4444", "#f59e0b", "#22c55e"] } },
        { title: "Rating", field: "rating", formatter: "star", hozAlign: "center" },
        { title: "Active", field: "active", formatter: "tickCross", hozAlign: "center" },
      ],
    });
    table.on("tableBuilt", resolve);
  });
  return withTimeout(built, 15000, "tableBuilt");
}

async function change() {
  table.setSort("city", "asc");
  await table.updateData([{ id: 3, progress: 95, rating: 5 }]);
  await table.addRow({ id: 99, name: "Added while recording", city: "Zurich", progress: 64, rating: 4, active: true }, true);
  table.selectRow([2, 5]);
  await table.scrollToRow(9, "top", true);
}

expose(build, change);
