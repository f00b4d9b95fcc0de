// The page's script, served at "/app.js": talks to the JSON API (docs/api.md) only.
#pragma once

namespace audiogan::serve::web {

inline constexpr const char kAppJs[] = R"AGWEB("use strict";
const $ = (id) => document.getElementById(id);
const state = { runs: [], history: null };

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

function showError(message) {
  const box = $("error");
  box.textContent = message || "";
  box.hidden = !message;
}

async function api(path, options) {
  let response;
  try {
    response = await fetch(path, options);
  } catch (e) {
    throw new Error("The server cannot be reached (" + e.message + "). Is audiogan serve still running?");
  }
  let body = null;
  try { body = await response.json(); } catch (e) { body = null; }
  if (!response.ok) {
    const reason = body && body.error ? body.error : response.statusText;
    throw new Error(reason + " (HTTP " + response.status + ")");
  }
  return body;
}

function fillSelect(select, items, keep) {
  const previous = keep ? select.value : null;
  select.replaceChildren();
  for (const item of items) {
    const option = el("option", { value: item.value, text: item.label });
    select.append(option);
  }
  if (previous && items.some((item) => String(item.value) === previous)) select.value = previous;
}

function currentRun(selectId) {
  return state.runs.find((run) => run.name === $(selectId).value);
}

function checkpointLabel(checkpoint) {
  if (checkpoint.name === "last.pt") return "latest (last.pt)";
  return checkpoint.epoch != null ? "epoch " + checkpoint.epoch + " (" + checkpoint.name + ")" : checkpoint.name;
}

async function loadRuns() {
  const body = await api("/api/runs");
  state.runs = body.runs;
  const items = state.runs.map((run) => ({ value: run.name, label: run.name }));
  fillSelect($("run"), items, true);
  fillSelect($("history-run"), items, true);
  if (!state.runs.length) {
    showError("No runs found. Train one with `audiogan train`, then reload this page.");
    return;
  }
  onRunChange();
  loadHistory();
}

function onRunChange() {
  const run = currentRun("run");
  if (!run) return;
  fillSelect($("checkpoint"), run.checkpoints.map((c) => ({ value: c.name, label: checkpointLabel(c) })), false);
  fillClasses(run.classes, run.classes_error);
}

function fillClasses(classes, error) {
  fillSelect($("class"), classes.map((name) => ({ value: name, label: name })), true);
  if (error) showError("This run's checkpoint cannot be read: " + error);
}

async function onCheckpointChange() {
  const run = currentRun("run");
  if (!run) return;
  try {
    const body = await api("/api/runs/" + encodeURIComponent(run.name) + "/classes?checkpoint=" +
                           encodeURIComponent($("checkpoint").value));
    fillClasses(body.classes);
  } catch (e) { showError(e.message); }
}

function setBusy(busy, count) {
  $("generate").disabled = busy;
  $("spinner").hidden = !busy;
  $("generate-label").textContent = busy ? "Generating " + count + " clip" + (count > 1 ? "s" : "") + "…" : "Generate";
}

function clipCard(body, clip) {
  const name = body.run + "_" + body.class + "_seed" + clip.seed + ".wav";
  const img = el("img", { src: clip.png, alt: "log-mel spectrogram of " + body.class + " seed " + clip.seed, loading: "lazy" });
  const audio = el("audio", { controls: "", preload: "auto", src: clip.wav });
  const title = el("h3", {}, el("span", { text: body.class }), el("small", { text: "seed " + clip.seed }));
  const link = el("a", { class: "download", href: clip.wav, download: name, text: "Download WAV" });
  const card = el("div", { class: "clip", "data-clip-id": clip.id }, title, img, audio, link);
  return card;
}

async function onGenerate(event) {
  event.preventDefault();
  showError("");
  const count = Number($("count").value);
  if (!Number.isInteger(count) || count < 1 || count > 16) {
    showError("Clips must be a whole number from 1 to 16.");
    return;
  }
  const seedText = $("seed").value.trim();
  if (seedText && !/^[0-9]+$/.test(seedText)) {
    showError("Seed must be a non-negative whole number, or empty for a random one.");
    return;
  }
  const request = {
    run: $("run").value,
    checkpoint: $("checkpoint").value,
    class: $("class").value,
    count,
    seed: seedText ? seedText : null,
    truncation: $("truncation").value === "" ? null : Number($("truncation").value),
    seconds: $("seconds").value === "" ? null : Number($("seconds").value),
  };
  setBusy(true, count);
  $("summary").textContent = "";
  try {
    const started = performance.now();
    const body = await api("/api/generate", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(request),
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    $("summary").textContent = body.clips.length + " clip(s) of " + body.class + " from " + body.run +
      " / " + body.checkpoint + ", seed " + body.seed + (body.truncation ? ", truncation " + body.truncation : "") +
      " in " + seconds + " s. Clip i uses seed + i.";
    $("seed").placeholder = "random (last: " + body.seed + ")";
    $("empty").hidden = true;
    $("clips").replaceChildren(...body.clips.map((clip) => clipCard(body, clip)));
  } catch (e) {
    showError("Generation failed: " + e.message);
  } finally {
    setBusy(false, count);
  }
}

function epochCard(epoch, label) {
  const card = $(label);
  card.replaceChildren();
  if (!epoch) return;
  card.append(el("h3", { text: "Epoch " + epoch.epoch }));
  if (epoch.plot) card.append(el("img", { src: epoch.plot, alt: "spectrograms at epoch " + epoch.epoch }));
  for (const clip of epoch.audio) {
    card.append(el("div", { class: "audio-row" }, el("span", { text: clip.class }),
                   el("audio", { controls: "", preload: "none", src: clip.url })));
  }
}

function renderCompare() {
  const history = state.history;
  if (!history) return;
  const find = (value) => history.epochs.find((e) => String(e.epoch) === value);
  epochCard(find($("epoch-a").value), "card-a");
  epochCard(find($("epoch-b").value), "card-b");
}

function renderMetrics(metrics) {
  const box = $("metrics");
  box.replaceChildren();
  if (!metrics.length) return;
  const last = metrics[metrics.length - 1];
  const rows = Object.entries(last).filter(([, v]) => typeof v !== "object");
  const table = el("table", {}, el("tr", {}, el("th", { text: "latest metric" }), el("th", { text: "value" })));
  for (const [key, value] of rows) {
    const shown = typeof value === "number" && !Number.isInteger(value) ? value.toPrecision(4) : String(value);
    table.append(el("tr", {}, el("td", { text: key }), el("td", { text: shown })));
  }
  box.append(el("p", { class: "empty", text: metrics.length + " entries in metrics.jsonl; the latest:" }), table);
}

async function renderEval(evalInfo) {
  const box = $("eval");
  box.replaceChildren();
  if (!evalInfo) {
    box.append(el("p", { class: "empty", text: "No evaluation report yet (run `audiogan evaluate`)." }));
    return;
  }
  if (evalInfo.markdown_url) {
    try {
      const text = await (await fetch(evalInfo.markdown_url)).text();
      box.append(el("pre", { text }));
    } catch (e) { /* the JSON below still shows */ }
  } else if (evalInfo.report) {
    box.append(el("pre", { text: JSON.stringify(evalInfo.report, null, 2) }));
  }
  for (const file of evalInfo.files) {
    if (file.name.endsWith(".png")) box.append(el("img", { src: file.url, alt: file.name }));
  }
}

async function loadHistory() {
  const name = $("history-run").value;
  if (!name) return;
  try {
    const history = await api("/api/runs/" + encodeURIComponent(name) + "/history");
    state.history = history;
    const items = history.epochs.map((e) => ({ value: String(e.epoch), label: "epoch " + e.epoch }));
    fillSelect($("epoch-a"), items, false);
    fillSelect($("epoch-b"), items, false);
    if (items.length) {
      $("epoch-a").value = items[0].value;
      $("epoch-b").value = items[items.length - 1].value;
    }
    $("history-empty").hidden = items.length > 0;
    renderCompare();
    $("loss").replaceChildren(history.loss_plot ? el("img", { src: history.loss_plot, alt: "loss curves" })
                                                : el("p", { class: "empty", text: "No loss plot yet." }));
    renderMetrics(history.metrics);
    renderEval(history.eval);
    $("epochs").replaceChildren(...history.epochs.map((epoch) => {
      const card = el("div", { class: "epoch-card" }, el("h3", { text: "Epoch " + epoch.epoch }));
      if (epoch.plot) card.append(el("img", { src: epoch.plot, alt: "epoch " + epoch.epoch, loading: "lazy" }));
      card.append(el("span", { class: "empty", text: epoch.audio.length + " audio clip(s)" }));
      return card;
    }));
  } catch (e) { showError("Cannot load the history of " + name + ": " + e.message); }
}

function selectTab(name) {
  for (const tab of document.querySelectorAll(".tab")) tab.classList.toggle("active", tab.dataset.tab === name);
  $("tab-generate").hidden = name !== "generate";
  $("tab-history").hidden = name !== "history";
}

async function checkHealth() {
  try {
    const body = await api("/health");
    $("status").textContent = "server ok · " + body.cache.clips + " clips cached";
    $("status").className = "status ok";
  } catch (e) {
    $("status").textContent = "server unreachable";
    $("status").className = "status down";
  }
}

window.addEventListener("DOMContentLoaded", () => {
  for (const tab of document.querySelectorAll(".tab")) tab.addEventListener("click", () => selectTab(tab.dataset.tab));
  $("run").addEventListener("change", () => { showError(""); onRunChange(); });
  $("checkpoint").addEventListener("change", onCheckpointChange);
  $("generate-form").addEventListener("submit", onGenerate);
  $("seed-clear").addEventListener("click", () => { $("seed").value = ""; });
  $("history-run").addEventListener("change", loadHistory);
  $("epoch-a").addEventListener("change", renderCompare);
  $("epoch-b").addEventListener("change", renderCompare);
  loadRuns().catch((e) => showError("Cannot list runs: " + e.message));
  checkHealth();
  setInterval(checkHealth, 15000);
});
)AGWEB";

}  // namespace audiogan::serve::web
