// End-to-end test of the page served by `audiogan serve`, in Debian's chromium driven by
// playwright-core: trains a tiny real run, serves it, generates clips from the page and checks
// that the audio and the spectrogram images load, the history tab shows the run, errors read
// well, and the server stops cleanly on SIGTERM. Screenshots go into the work dir.
//
// Usage: node serve_page.test.mjs <path-to-audiogan> <work-dir>
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";

const [audiogan, workArg] = process.argv.slice(2);
if (!audiogan || !workArg) {
  console.error("usage: node serve_page.test.mjs <path-to-audiogan> <work-dir>");
  process.exit(2);
}
const work = path.resolve(workArg);
const DRUMKITS = "/usr/share/hydrogen/data/drumkits";
let passed = 0;
let failed = 0;

function check(name, condition, detail = "") {
  if (condition) {
    passed++;
    console.log("ok   " + name);
  } else {
    failed++;
    console.log("FAIL " + name + (detail ? ": " + detail : ""));
  }
}

// A tiny two-class dataset of real drum hits: the first few kicks and snares found, sorted so
// the dataset is the same on every machine with hydrogen-drumkits.
function buildDataset(dir) {
  const files = [];
  const walk = (folder) => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(flac|wav)$/i.test(entry.name)) files.push(full);
    }
  };
  walk(DRUMKITS);
  files.sort();
  const classes = { kick: /(kick|_bd_|bd_|bassdrum)/i, snare: /(snare|_sn_|sn_)/i };
  for (const [name, pattern] of Object.entries(classes)) {
    const picked = files.filter((f) => pattern.test(path.basename(f))).slice(0, 4);
    if (picked.length < 2) throw new Error("not enough " + name + " samples under " + DRUMKITS);
    fs.mkdirSync(path.join(dir, name), { recursive: true });
    picked.forEach((f, i) => fs.copyFileSync(f, path.join(dir, name, i + path.extname(f))));
  }
}

function train(data, run) {
  const args = ["train", "--data", data, "--out", run, "--epochs", "2", "--max-steps", "4",
                "--batch", "4", "--width", "8", "--sample-rate", "16000", "--n-fft", "512",
                "--win-length", "512", "--hop", "128", "--n-mels", "32", "--frames", "32",
                "--threads", "2", "--seed", "1"];
  const result = spawnSync(audiogan, args, { encoding: "utf8", timeout: 300000 });
  if (result.status !== 0) {
    throw new Error("audiogan " + args.join(" ") + " failed (" + result.status + "):\n" +
                    (result.stderr || "") + (result.stdout || ""));
  }
}

// Starts the server on a free port (--port 0) and reads the URL from its first line.
function startServer(runs) {
  const server = spawn(audiogan, ["serve", "--runs", runs, "--port", "0", "--threads", "2", "--quiet"],
                       { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  const url = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("server did not start:\n" + log)), 60000);
    server.stdout.on("data", (chunk) => {
      log += chunk;
      const match = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(log);
      if (match) { clearTimeout(timer); resolve(match[0]); }
    });
    server.stderr.on("data", (chunk) => { log += chunk; });
    server.on("exit", (code) => { clearTimeout(timer); reject(new Error("server exited " + code + ":\n" + log)); });
  });
  return { server, url, log: () => log };
}

function stopServer(server) {
  return new Promise((resolve) => {
    if (server.exitCode !== null) return resolve(server.exitCode);
    const timer = setTimeout(() => { server.kill("SIGKILL"); resolve("killed"); }, 15000);
    server.once("exit", (code, signal) => { clearTimeout(timer); resolve(code ?? signal); });
    server.kill("SIGTERM");
  });
}

async function main() {
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  const data = path.join(work, "data");
  const runs = path.join(work, "runs");
  buildDataset(data);
  train(data, path.join(runs, "tiny"));
  check("training wrote a checkpoint", fs.existsSync(path.join(runs, "tiny", "checkpoints", "last.pt")));

  const { server, url, log } = startServer(runs);
  let context;
  try {
    const base = await url;
    context = await chromium.launchPersistentContext(path.join(work, "chromium-profile"), {
      executablePath: "/usr/bin/chromium",
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync"],
      viewport: { width: 1280, height: 900 },
      // Playwright evaluates waitForFunction predicates with eval, which the page's Content
      // Security Policy (script-src 'self') forbids; the page itself never needs eval.
      bypassCSP: true,
    });
    const page = context.pages()[0] ?? await context.newPage();
    const pageErrors = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await page.goto(base, { waitUntil: "domcontentloaded" });

    await page.waitForFunction(() => document.querySelectorAll("#class option").length > 0, null, { timeout: 30000 });
    check("the run is listed", await page.locator("#run").inputValue() === "tiny");
    const classes = await page.locator("#class option").allTextContents();
    check("the classes are listed", classes.join(",") === "kick,snare", classes.join(","));

    // Generate two clips of one class from a fixed seed.
    await page.selectOption("#class", "snare");
    await page.fill("#count", "2");
    await page.fill("#seed", "42");
    await page.click("#generate");
    await page.waitForSelector(".clip audio", { timeout: 120000 });
    await page.waitForFunction(() => document.querySelectorAll(".clip").length === 2 &&
                               !document.querySelector("#generate").disabled, null, { timeout: 120000 });
    check("two clip cards appear", await page.locator(".clip").count() === 2);
    check("the spinner is hidden after generating", await page.locator("#spinner").isHidden());
    check("no error is shown", await page.locator("#error").isHidden());

    const duration = await page.evaluate(() => new Promise((resolve) => {
      const audio = document.querySelector(".clip audio");
      const done = () => resolve(audio.duration);
      if (audio.readyState >= 1) return done();
      audio.addEventListener("loadedmetadata", done, { once: true });
      audio.addEventListener("error", () => resolve(-1), { once: true });
      setTimeout(() => resolve(-2), 20000);
    }));
    check("the audio element loads with a positive duration", duration > 0, "duration " + duration);

    const widths = await page.evaluate(() => Promise.all([...document.querySelectorAll(".clip img")].map(
      (img) => new Promise((resolve) => {
        if (img.complete) return resolve(img.naturalWidth);
        img.addEventListener("load", () => resolve(img.naturalWidth), { once: true });
        img.addEventListener("error", () => resolve(0), { once: true });
        setTimeout(() => resolve(-1), 20000);
      }))));
    check("every spectrogram image loads", widths.length === 2 && widths.every((w) => w > 0), widths.join(","));
    const href = await page.locator(".clip a.download").first().getAttribute("href");
    const download = await page.locator(".clip a.download").first().getAttribute("download");
    check("each clip has a WAV download link", /\/api\/clips\/[0-9a-f]{16}\.wav$/.test(href) && /\.wav$/.test(download), href);
    const firstIds = await page.locator(".clip").evaluateAll((cards) => cards.map((c) => c.dataset.clipId));
    await page.screenshot({ path: path.join(work, "serve_generate.png"), fullPage: true });

    // The same seed gives the same clips.
    await page.click("#generate");
    await page.waitForFunction(() => !document.querySelector("#generate").disabled, null, { timeout: 120000 });
    const againIds = await page.locator(".clip").evaluateAll((cards) => cards.map((c) => c.dataset.clipId));
    check("the same seed gives the same clips", firstIds.length === 2 && firstIds.join() === againIds.join(),
          firstIds.join() + " vs " + againIds.join());

    // A server-side refusal is shown as a readable message.
    await page.evaluate(() => {
      const option = document.createElement("option");
      option.value = option.textContent = "cowbell";
      document.querySelector("#class").append(option);
      document.querySelector("#class").value = "cowbell";
    });
    await page.click("#generate");
    await page.waitForSelector("#error:not([hidden])", { timeout: 30000 });
    const message = await page.locator("#error").textContent();
    check("an unknown class shows a readable error", /unknown class 'cowbell'.*kick, snare.*HTTP 404/.test(message), message);
    await page.screenshot({ path: path.join(work, "serve_error.png") });

    // The history tab: epoch plots, per-class audio, loss curves.
    await page.click("button.tab[data-tab=history]");
    await page.waitForFunction(() => document.querySelectorAll("#epoch-b option").length > 0, null, { timeout: 30000 });
    const epochs = await page.locator("#epoch-b option").count();
    check("the history lists the run's epochs", epochs >= 1, String(epochs));
    const historyImages = await page.evaluate(() => Promise.all(
      [...document.querySelectorAll("#card-b img, #loss img")].map((img) => new Promise((resolve) => {
        if (img.complete) return resolve(img.naturalWidth);
        img.addEventListener("load", () => resolve(img.naturalWidth), { once: true });
        img.addEventListener("error", () => resolve(0), { once: true });
        setTimeout(() => resolve(-1), 20000);
      }))));
    check("the epoch plot and loss curves load", historyImages.length >= 2 && historyImages.every((w) => w > 0),
          historyImages.join(","));
    check("the last epoch offers per-class audio", await page.locator("#card-b audio").count() === 2);
    await page.screenshot({ path: path.join(work, "serve_history.png"), fullPage: true });
    check("the page raised no script errors", pageErrors.length === 0, pageErrors.join("; "));
  } catch (error) {
    check("the browser session ran to the end", false, error.stack + "\nserver log:\n" + log());
  } finally {
    if (context) await context.close();
    const code = await stopServer(server);
    check("the server stops cleanly on SIGTERM", code === 0, "exit " + code + "\n" + log());
  }
}

try {
  await main();
} catch (error) {
  check("setup", false, error.stack || String(error));
}
console.log(passed + " passed, " + failed + " failed");
process.exit(failed === 0 ? 0 : 1);
