// The counter page on a cheap phone's first visit: bytes transferred (HTML + CSS + JS + WASM,
// compressed as served) and how soon the rating buttons work, under Chromium's network
// throttling (1.6 Mbps down, 750 kbps up, 150 ms latency), cache empty. The buttons are plain
// form buttons, so they work once the HTML has arrived and rendered; hydration (the WASM app
// taking over) is timed too. Run: node tests/bench/counter-page.mjs [runs]
// (after `bash .ci/test` or `.ci/build-site` + a dev build of the server).

import { startServer, launchBrowser, communeWithCounter, PHONE } from "../browser/harness.mjs";

const runs = Number(process.argv[2] ?? 5);
const server = await startServer();
const browser = await launchBrowser();
const { counter } = await communeWithCounter(server.base, "BENCH");
const results = [];
try {
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ ...PHONE, locale: "vi-VN" });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: 150,
      downloadThroughput: (1.6 * 1e6) / 8,
      uploadThroughput: (750 * 1e3) / 8,
    });
    const bytes = new Map();
    const urls = new Map();
    cdp.on("Network.requestWillBeSent", (e) => urls.set(e.requestId, e.request.url));
    cdp.on("Network.loadingFinished", (e) => bytes.set(e.requestId, e.encodedDataLength));
    const start = Date.now();
    await page.goto(`${server.base}/q/${counter.qr_token}`, { waitUntil: "domcontentloaded" });
    await page.waitForSelector("button[value=very_satisfied]", { state: "visible" });
    const buttons = Date.now() - start;
    await page.waitForFunction(() => document.documentElement.dataset.hydrated === "1", null, { timeout: 60000 });
    const hydrated = Date.now() - start;
    await page.waitForLoadState("networkidle");
    const perFile = {};
    let total = 0;
    for (const [id, n] of bytes) {
      const name = new URL(urls.get(id)).pathname;
      perFile[name] = n;
      total += n;
    }
    results.push({ buttons, hydrated, total, perFile });
    await context.close();
  }
} finally {
  await browser.close();
  await server.stop();
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log("per file (bytes on the wire, last run):", results.at(-1).perFile);
console.log("runs (ms until buttons, ms until hydrated):", results.map((r) => [r.buttons, r.hydrated]));
console.log(
  `counter page, ${runs} cold loads on 1.6 Mbps / 750 kbps / 150 ms: ` +
    `${(median(results.map((r) => r.total)) / 1024).toFixed(0)} KB transferred; ` +
    `rating buttons usable after ${median(results.map((r) => r.buttons))} ms (median); ` +
    `hydrated after ${median(results.map((r) => r.hydrated))} ms (median)`,
);
