// A citizen on a 360 px phone scans a counter's QR code and rates the service: in at most three
// taps with the WASM app, and the same with JavaScript off (plain HTML form posts).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  startServer,
  launchBrowser,
  newContext,
  assertAccessible,
  waitForHydration,
  communeWithCounter,
  PHONE,
} from "./harness.mjs";

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function rateOnPhone({ js, tag }) {
  const { counter, commune, officers } = await communeWithCounter(server.base, tag);
  const context = await newContext(browser, server.base, { ...PHONE, javaScriptEnabled: js });
  const page = await context.newPage();
  let taps = 0;
  const tap = async (selector) => {
    taps += 1;
    await page.tap(selector);
  };

  // The scan: the QR code opens the counter's page by its random token.
  await page.goto(`${server.base}/q/${counter.qr_token}`);
  if (js) await waitForHydration(page);
  assert.equal(await page.getAttribute("html", "lang"), "vi");
  assert.equal((await page.textContent(".unit-name")).trim(), commune.name);
  for (const o of officers) {
    const card = page.locator("label.officer", { hasText: o.full_name });
    assert.match(await card.textContent(), new RegExp(o.badge_number));
  }
  if (js) await assertAccessible(page, "the counter page");
  for (const label of ["Rất hài lòng", "Hài lòng", "Không hài lòng"]) {
    const button = page.locator("button.rate", { hasText: new RegExp(`^\\s*${label}\\s*$`) });
    const box = await button.boundingBox();
    assert.ok(box.height >= 48 && box.width >= 48, `${label} is too small to tap: ${JSON.stringify(box)}`);
  }

  // Who served me, then how it went: two taps.
  await tap(`label[for="officer-${officers[1].id}"]`);
  await tap("button[value=very_satisfied]");
  await page.waitForURL(/\/thanks\//);
  assert.ok(taps <= 3, `rating took ${taps} taps`);
  assert.match(await page.textContent("h1"), /Cảm ơn/);
  assert.match(await page.textContent(".chosen"), /Rất hài lòng/);
  if (js) await assertAccessible(page, "the thanks page");

  // The optional detail: one SIPAS criterion and a comment.
  await page.tap("details.detail summary");
  await page.tap("label[for=sipas_attitude-5]");
  await page.fill("#comment", "Cán bộ hướng dẫn rất tận tình");
  await page.tap("details.detail button[type=submit]");
  await page.waitForURL(/ok=saved/);

  // Rating the same counter again from the same phone is refused, politely.
  await page.goto(`${server.base}/q/${counter.qr_token}`);
  if (js) await waitForHydration(page);
  await page.tap("button[value=satisfied]");
  const notice = await page.waitForSelector(".notice.error");
  assert.match(await notice.textContent(), /đã đánh giá quầy này/);

  assert.deepEqual(context.foreignRequests, [], "the counter page asked another host for something");
  await context.close();
}

test("scan to rating in at most three taps on a 360 px phone", async () => {
  await rateOnPhone({ js: true, tag: "JS" });
});

test("the same rating works with JavaScript off", async () => {
  await rateOnPhone({ js: false, tag: "NOJS" });
});

test("an unknown or rotated QR code gives a friendly page", async () => {
  const { api, counter } = await communeWithCounter(server.base, "ROT");
  const old = counter.qr_token;
  await api.post(`/counters/${counter.id}/rotate-token`);
  const context = await newContext(browser, server.base, PHONE);
  const page = await context.newPage();
  const res = await page.goto(`${server.base}/q/${old}`);
  assert.equal(res.status(), 404);
  assert.match(await page.textContent("h1"), /Không tìm thấy quầy/);
  assert.match(await page.textContent("main"), /quét mã QR đang dán tại quầy/);
  await context.close();
});
