// Bounded loopback load test of `audiogan serve`: 500 generate requests from 16 concurrent
// clients, each followed by static requests (its WAV and PNG, the run's history and a run file),
// against a server on a free loopback port. Records latency percentiles per request type, errors
// and the server's peak resident memory; stops by itself; exits non-zero on any error.
//
// Usage: node bench/serve_load.mjs <path-to-audiogan> <runs-dir> [requests=500] [clients=16]
// The runs dir must hold at least one trained run (tests/browser/serve_page.test.mjs leaves one
// under its work dir, e.g. build/browser-test/runs).
import { spawn } from "node:child_process";
import fs from "node:fs";

const [audiogan, runs, requestsArg = "500", clientsArg = "16"] = process.argv.slice(2);
if (!audiogan || !runs) {
  console.error("usage: node bench/serve_load.mjs <path-to-audiogan> <runs-dir> [requests] [clients]");
  process.exit(2);
}
const totalRequests = Number(requestsArg);
const clients = Number(clientsArg);

const server = spawn(audiogan, ["serve", "--runs", runs, "--port", "0", "--quiet"],
                     { stdio: ["ignore", "pipe", "inherit"] });
const base = await new Promise((resolve, reject) => {
  let out = "";
  server.stdout.on("data", (chunk) => {
    out += chunk;
    const match = /http:\/\/127\.0\.0\.1:\d+/.exec(out);
    if (match) resolve(match[0]);
  });
  server.on("exit", (code) => reject(new Error("server exited with " + code)));
});

function rssKiB() {
  try {
    const status = fs.readFileSync("/proc/" + server.pid + "/status", "utf8");
    return Number(/VmRSS:\s+(\d+)/.exec(status)[1]);
  } catch (e) {
    return 0;
  }
}
const rssSamples = [];
const sampler = setInterval(() => rssSamples.push(rssKiB()), 100);

const latencies = {};  // type -> [ms]
let errors = 0;
const errorExamples = [];
async function timed(type, url, options, expectType) {
  const started = performance.now();
  try {
    const response = await fetch(base + url, options);
    const body = Buffer.from(await response.arrayBuffer());
    (latencies[type] ??= []).push(performance.now() - started);
    if (!response.ok || (expectType && !response.headers.get("content-type").startsWith(expectType))) {
      errors++;
      if (errorExamples.length < 5) errorExamples.push(type + " " + url + " -> " + response.status + " " + body.toString().slice(0, 200));
      return null;
    }
    return body;
  } catch (error) {
    errors++;
    if (errorExamples.length < 5) errorExamples.push(type + " " + url + " -> " + error.message);
    return null;
  }
}

const runList = JSON.parse((await timed("runs", "/api/runs")).toString()).runs;
if (!runList.length) throw new Error("no runs under " + runs);
const run = runList[0];
const history = JSON.parse((await timed("history", "/api/runs/" + encodeURIComponent(run.name) + "/history")).toString());
const staticFiles = history.epochs.flatMap((e) => [e.plot, ...e.audio.map((a) => a.url)]).filter(Boolean);
if (history.loss_plot) staticFiles.push(history.loss_plot);
console.log("load: " + base + " run " + run.name + ", classes " + run.classes.join(",") + ", " +
            totalRequests + " generate requests from " + clients + " clients");

let next = 0;
const started = performance.now();
async function client(index) {
  while (next < totalRequests) {
    const i = next++;
    // Mostly fresh seeds (real generation) and every fifth a repeat (served from the cache).
    const seed = i % 5 === 4 ? i - 1 : 1000 + i;
    const body = JSON.stringify({ run: run.name, class: run.classes[i % run.classes.length], count: 1, seed });
    const answer = await timed("generate", "/api/generate",
                               { method: "POST", headers: { "Content-Type": "application/json" }, body });
    if (answer) {
      const clip = JSON.parse(answer.toString()).clips[0];
      await timed("clip.wav", clip.wav, undefined, "audio/wav");
      await timed("clip.png", clip.png, undefined, "image/png");
    }
    await timed("history", "/api/runs/" + encodeURIComponent(run.name) + "/history");
    if (staticFiles.length) await timed("run file", staticFiles[(i + index) % staticFiles.length]);
  }
}
await Promise.all(Array.from({ length: clients }, (_, i) => client(i)));
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);
const health = JSON.parse((await timed("health", "/health")).toString());
server.kill("SIGTERM");
const exitCode = await new Promise((resolve) => server.on("exit", (code) => resolve(code)));

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(p / 100 * sorted.length))];
console.log("| request | count | p50 ms | p90 ms | p99 ms | max ms |");
console.log("|---|---|---|---|---|---|");
for (const [type, values] of Object.entries(latencies)) {
  const sorted = values.sort((a, b) => a - b);
  console.log(`| ${type} | ${sorted.length} | ${pct(sorted, 50).toFixed(1)} | ${pct(sorted, 90).toFixed(1)} | ` +
              `${pct(sorted, 99).toFixed(1)} | ${sorted[sorted.length - 1].toFixed(1)} |`);
}
const peak = Math.max(...rssSamples);
console.log(`total ${seconds.toFixed(1)} s, ${(totalRequests / seconds).toFixed(1)} generate req/s, ` +
            `errors ${errors}, server RSS start ${(rssSamples[0] / 1024).toFixed(0)} MiB peak ${(peak / 1024).toFixed(0)} MiB ` +
            `end ${(rssSamples[rssSamples.length - 1] / 1024).toFixed(0)} MiB, cache ${health.cache.clips} clips ` +
            `${(health.cache.bytes / 1048576).toFixed(1)} MiB, server exit ${exitCode}`);
for (const example of errorExamples) console.log("error: " + example);
process.exit(errors === 0 && exitCode === 0 ? 0 : 1);
