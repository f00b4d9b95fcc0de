// The page's HTML, served at "/". Kept as a raw string so the binary needs no files at run time.
#pragma once

namespace audiogan::serve::web {

inline constexpr const char kIndexHtml[] = R"AGWEB(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>audiogan</title>
<link rel="stylesheet" href="/style.css">
<script src="/app.js" defer></script>
</head>
<body>
<header class="top">
  <h1>audiogan</h1>
  <nav class="tabs" role="tablist">
    <button class="tab active" data-tab="generate" role="tab">Generate</button>
    <button class="tab" data-tab="history" role="tab">Training history</button>
  </nav>
  <span id="status" class="status">connecting…</span>
</header>

<main>
  <div id="error" class="error" role="alert" hidden></div>

  <section id="tab-generate" class="panel">
    <form id="generate-form" class="controls" autocomplete="off">
      <label>Run <select id="run" required></select></label>
      <label>Checkpoint <select id="checkpoint" required></select></label>
      <label>Class <select id="class" required></select></label>
      <label>Clips <input id="count" type="number" min="1" max="16" value="4" required></label>
      <label>Seed
        <span class="seed-row">
          <input id="seed" type="text" inputmode="numeric" placeholder="random" pattern="[0-9]*">
          <button type="button" id="seed-clear" class="ghost" title="Use a random seed">random</button>
        </span>
      </label>
      <label>Truncation <input id="truncation" type="number" min="0" max="10" step="0.1" value=""
             placeholder="model's" title="Empty = the model's default; 0 = off; smaller values give safer, less varied clips"></label>
      <label>Seconds <input id="seconds" type="number" min="0.01" max="600" step="0.01" value=""
             placeholder="class's" title="Empty = each clip's length drawn from its class's real clips; a length needs a model trained with --lengths variable"></label>
      <button id="generate" type="submit" class="primary">
        <span class="spinner" id="spinner" hidden></span><span id="generate-label">Generate</span>
      </button>
    </form>
    <p id="summary" class="summary"></p>
    <div id="clips" class="clips"></div>
    <p id="empty" class="empty">Pick a run and a class, then press Generate. The same seed always gives the same clip.</p>
  </section>

  <section id="tab-history" class="panel" hidden>
    <div class="controls">
      <label>Run <select id="history-run"></select></label>
      <label>Compare epoch <select id="epoch-a"></select></label>
      <label>with epoch <select id="epoch-b"></select></label>
    </div>
    <div id="history-empty" class="empty" hidden>This run has no per-epoch samples yet.</div>
    <div class="compare">
      <div class="epoch-card" id="card-a"></div>
      <div class="epoch-card" id="card-b"></div>
    </div>
    <h2>Loss curves</h2>
    <div id="loss" class="figure"></div>
    <div id="metrics" class="metrics"></div>
    <h2>Evaluation report</h2>
    <div id="eval" class="eval"></div>
    <h2>All epochs</h2>
    <div id="epochs" class="epoch-list"></div>
  </section>
</main>
<footer>Served locally by <code>audiogan serve</code>. API: <code>/api/runs</code>, <code>/api/generate</code> (see docs/api.md).</footer>
</body>
</html>
)AGWEB";

}  // namespace audiogan::serve::web
