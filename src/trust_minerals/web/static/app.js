// trust-minerals dashboard: renders the Plotly figures embedded in the page, sorts and filters
// tables, and drives the scenario form. Everything is served by the app itself (no CDN).
"use strict";

// plotly.js fetches a base-map topojson for geo plots; our maps draw the bundled Natural Earth
// GeoJSON instead, so an empty topology stands in for the CDN file.
if (window.Plotly && window.PlotlyGeoAssets) {
  for (const name of ["world_110m", "world_50m"]) {
    window.PlotlyGeoAssets.topojson[name] = {type: "Topology", objects: {}, arcs: [], bbox: [-180, -90, 180, 90]};
  }
}

const PLOT_CONFIG = {displaylogo: false, responsive: true, topojsonURL: "/static/topojson/"};

function renderFigure(div, fig) {
  return Plotly.newPlot(div, fig.data, fig.layout, PLOT_CONFIG);
}

// Each chart gets data-drawn="true" once plotly has drawn it (after the map's GeoJSON has loaded);
// the benchmarks and browser tests wait for it.
function renderAll() {
  document.querySelectorAll(".chart[data-fig]").forEach((div) => {
    const script = document.getElementById(div.dataset.fig);
    if (script) renderFigure(div, JSON.parse(script.textContent)).then(() => { div.dataset.drawn = "true"; });
  });
}

function cellValue(row, col) {
  const v = row.cells[col].dataset.value;
  const n = parseFloat(v);
  return v !== "" && !isNaN(n) && String(n) === v.trim().replace(/\.0+$/, "") || (v !== "" && !isNaN(Number(v))) ? Number(v) : v;
}

function makeSortable(table) {
  table.querySelectorAll("th").forEach((th) => {
    th.addEventListener("click", () => {
      const col = Number(th.dataset.col);
      const asc = th.dataset.sort !== "asc";
      table.querySelectorAll("th").forEach((h) => delete h.dataset.sort);
      th.dataset.sort = asc ? "asc" : "desc";
      const body = table.tBodies[0];
      const rows = Array.from(body.rows);
      rows.sort((a, b) => {
        const x = cellValue(a, col), y = cellValue(b, col);
        if (x === "" && y !== "") return 1;
        if (y === "" && x !== "") return -1;
        const c = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
        return asc ? c : -c;
      });
      rows.forEach((r) => body.appendChild(r));
    });
  });
}

function applyFilters() {
  const table = document.getElementById("overview-table");
  if (!table) return;
  const heads = Array.from(table.tHead.rows[0].cells).map((th) => th.dataset.name);
  const filters = [];
  document.querySelectorAll("[data-filter-col]").forEach((sel) => {
    if (sel.value) filters.push([heads.indexOf(sel.dataset.filterCol), sel.value, sel.dataset.filterCol]);
  });
  const text = (document.getElementById("filter-text") || {}).value || "";
  Array.from(table.tBodies[0].rows).forEach((row) => {
    let show = true;
    for (const [col, value, name] of filters) {
      const cell = row.cells[col].dataset.value;
      if (name === "lists" ? !cell.split(",").includes(value) : cell !== value) show = false;
    }
    const needle = text.toLowerCase();
    if (needle && !row.cells[0].dataset.value.includes(needle) && !row.cells[0].textContent.toLowerCase().includes(needle)) show = false;
    row.hidden = !show;
  });
}

// Sourcing page: the custom max-supplier-share field is used only with "custom share".
function wireOptimiseForm() {
  const form = document.getElementById("optimise-form");
  if (!form) return;
  const cap = document.getElementById("opt-cap");
  const share = document.getElementById("opt-max-share");
  const sync = () => { share.disabled = cap.value !== "custom"; share.required = cap.value === "custom"; };
  cap.addEventListener("change", sync);
  sync();
  form.addEventListener("submit", () => {
    document.getElementById("optimise-status").textContent = "optimising…";
  });
}

// Every server-rendered table gets "CSV · XLSX" links: the same page and parameters with
// ?download=<table id>.<format> (the server converts exactly the rows the page shows).
function downloadHref(id, format) {
  const params = new URLSearchParams(location.search);
  params.set("download", `${id}.${format}`);
  return `${location.pathname}?${params}`;
}

function addDownloadLinks() {
  document.querySelectorAll("table.data[id]").forEach((table) => {
    if (!table.querySelector("th[data-name]")) return;
    const p = document.createElement("p");
    p.className = "downloads";
    p.innerHTML = `Download table: <a data-format="csv">CSV</a> · <a data-format="xlsx">XLSX</a>`;
    p.querySelectorAll("a").forEach((a) => {
      a.href = downloadHref(table.id, a.dataset.format);
      a.id = `${table.id}-${a.dataset.format}`;
      a.setAttribute("download", "");
    });
    const box = table.closest(".table-wrap") || table;
    box.parentNode.insertBefore(p, box);
  });
}

window.trust = {renderFigure};

document.addEventListener("DOMContentLoaded", () => {
  renderAll();
  addDownloadLinks();
  wireOptimiseForm();
  document.querySelectorAll("table.sortable").forEach(makeSortable);
  document.querySelectorAll("[data-filter-col], #filter-text").forEach((el) => el.addEventListener("input", applyFilters));
});
