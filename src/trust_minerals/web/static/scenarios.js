// Scenario builder: runs a preset or composed scenario and a Monte Carlo job through the API.
"use strict";

function apiKey() {
  const key = document.getElementById("api-key").value.trim();
  if (key) localStorage.setItem("trust-api-key", key);
  return key;
}

async function post(url, body) {
  const r = await fetch(url, {method: "POST", headers: {"Content-Type": "application/json", "X-API-Key": apiKey()}, body: JSON.stringify(body)});
  const data = await r.json();
  if (!r.ok) throw new Error(`${data.title || r.status}: ${data.detail || ""}`);
  return data;
}

function names(id) {
  return document.getElementById(id).value.split(",").map((s) => s.trim()).filter(Boolean);
}

function series(monthly, field) {
  const groups = {};
  for (const row of monthly) {
    const key = `${row.consumer} ${row.commodity} ${row.stage}`;
    (groups[key] = groups[key] || {x: [], y: []});
    groups[key].x.push(row.month);
    groups[key].y.push(row[field] === null ? null : row[field] * 100);
  }
  return Object.entries(groups).map(([name, s]) => ({type: "scatter", mode: "lines+markers", name, x: s.x, y: s.y}));
}

async function runScenario() {
  const status = document.getElementById("scenario-status");
  const preset = document.getElementById("preset").value;
  const text = document.getElementById("scenario-json").value.trim();
  const body = {consumers: names("consumers")};
  status.className = "source";
  if (preset) {
    body.preset = preset;
  } else {
    try {
      body.scenario = text ? JSON.parse(text) : null;
    } catch (err) {
      status.textContent = `The composed scenario is not valid JSON: ${err.message}. Fix the text above (it is kept) or choose a preset.`;
      status.className = "source error";
      return;
    }
  }
  status.textContent = "running…";
  try {
    const res = await post("/api/v1/scenarios/run", body);
    const src = {text: `Sources: ${res.source_ids.join(", ")}; price response fitted to observed export-control episodes (simulate/data/price_response.csv)`, showarrow: false, xref: "paper", yref: "paper", x: 0, y: -0.25, font: {size: 10}};
    await Plotly.newPlot("chart-shortfall", series(res.monthly, "shortfall_share"), {title: {text: "Shortfall (% of demand) by month"}, xaxis: {title: {text: "month"}}, yaxis: {title: {text: "%"}}, height: 340, annotations: [src], margin: {b: 80}}, {displaylogo: false});
    await Plotly.newPlot("chart-price", series(res.monthly, "price_change_share"), {title: {text: "Price change (%) by month"}, xaxis: {title: {text: "month"}}, yaxis: {title: {text: "%"}}, height: 340, annotations: [src], margin: {b: 80}}, {displaylogo: false});
    const rows = res.summary.map((r) => `<tr><td>${r.consumer}</td><td>${r.commodity}</td><td>${r.stage}</td><td>${r.shortfall_share === null ? "–" : (r.shortfall_share * 100).toFixed(1) + "%"}</td><td>${r.months_short}</td><td>${r.price_change_share === null ? "–" : (r.price_change_share * 100).toFixed(1) + "%"}</td><td>${r.basis}</td></tr>`).join("");
    document.getElementById("scenario-summary").innerHTML = `<table class="data" id="scenario-table"><thead><tr><th>consumer</th><th>commodity</th><th>stage</th><th>shortfall</th><th>months short</th><th>price change</th><th>basis</th></tr></thead><tbody>${rows}</tbody></table>`;
    status.textContent = `done: ${res.summary.length} rows` + (res.notes.length ? ` — ${res.notes.join("; ")}` : "");
    showRunLink(body);
  } catch (err) {
    status.textContent = String(err);
    status.className = "source error";
  }
}

async function runMonteCarlo() {
  const status = document.getElementById("mc-status");
  const bar = document.querySelector("#mc-progress > div");
  const commodities = names("mc-commodities");
  const body = {draws: Number(document.getElementById("mc-draws").value), seed: Number(document.getElementById("mc-seed").value), consumers: names("mc-consumers"), commodities: commodities.length ? commodities : null};
  try {
    let job = await post("/api/v1/scenarios/montecarlo", body);
    while (job.status === "queued" || job.status === "running") {
      bar.style.width = `${Math.round(job.progress * 100)}%`;
      status.textContent = `${job.status} (${Math.round(job.progress * 100)}%)`;
      await new Promise((r) => setTimeout(r, 300));
      job = await (await fetch(`/api/v1/jobs/${job.id}`)).json();
    }
    bar.style.width = "100%";
    if (job.status === "failed") throw new Error(job.error ? job.error.detail : "failed");
    const rows = job.result.table.filter((r) => r.mean_shortfall_share !== null);
    const labels = rows.map((r) => `${r.consumer} ${r.commodity} ${r.stage}`);
    const pct = (f) => rows.map((r) => (r[f] === null ? null : r[f] * 100));
    await Plotly.newPlot("chart-mc", [
      {type: "bar", name: "mean", x: labels, y: pct("mean_shortfall_share")},
      {type: "bar", name: "p95", x: labels, y: pct("p95")},
      {type: "bar", name: "CVaR 95", x: labels, y: pct("cvar95")},
    ], {title: {text: `Shortfall distribution, ${job.result.n_draws} draws (seed ${job.result.seed})`}, barmode: "group", yaxis: {title: {text: "% of supply"}}, height: 380, annotations: [{text: `Sources: ${job.result.source_ids.join(", ")} (supply shares; governance estimates behind the disruption probabilities)`, showarrow: false, xref: "paper", yref: "paper", x: 0, y: -0.35, font: {size: 10}}], margin: {b: 120}}, {displaylogo: false});
    status.textContent = `done (${job.result.backend})`;
  } catch (err) {
    status.textContent = String(err);
    status.className = "source error";
  }
}

// A run's parameters go into the page URL (?preset=...&consumers=... or ?scenario=<JSON>), so the
// link reproduces the run: opening it fills the form and, with a saved API key, runs it again.
function runUrl(body) {
  const params = new URLSearchParams();
  if (body.preset) params.set("preset", body.preset);
  else if (body.scenario) params.set("scenario", JSON.stringify(body.scenario));
  params.set("consumers", body.consumers.join(","));
  return `${location.pathname}?${params}`;
}

function showRunLink(body) {
  const url = runUrl(body);
  history.replaceState(null, "", url);
  const link = document.getElementById("run-link");
  link.href = url;
  link.textContent = "Link to this run";
  link.hidden = false;
}

function fillFromUrl() {
  const params = new URLSearchParams(location.search);
  if (!params.has("preset") && !params.has("scenario")) return false;
  if (params.has("preset")) document.getElementById("preset").value = params.get("preset");
  if (params.has("scenario")) {
    document.getElementById("preset").value = "";
    document.getElementById("scenario-json").value = params.get("scenario");
  }
  if (params.has("consumers")) document.getElementById("consumers").value = params.get("consumers");
  return true;
}

document.addEventListener("DOMContentLoaded", () => {
  const saved = localStorage.getItem("trust-api-key");
  if (saved) document.getElementById("api-key").value = saved;
  document.getElementById("run-scenario").addEventListener("click", runScenario);
  document.getElementById("run-mc").addEventListener("click", runMonteCarlo);
  if (fillFromUrl()) {
    if (saved) runScenario();
    else document.getElementById("scenario-status").textContent = "Parameters loaded from the link: enter the API key and press Run scenario.";
  }
});
