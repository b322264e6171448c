// Figures on a 360 px phone. Citizens rate two communes' counters (four ratings in one, one in
// the other; the minimum is three). The province's head opens the dashboard: the province's
// satisfaction rate with its sample and interval, the communes ranked (the one with a single
// rating last, "chưa đủ"), then one commune's counters and officers, then an officer's monthly
// scorecard. Anyone, signed in or not, opens the public pages of the province and the commune:
// the rates in words, "Chưa đủ đánh giá" for the commune with one rating, no rank for it. With
// the WASM app and with JavaScript off.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  startServer,
  launchBrowser,
  newContext,
  assertAccessible,
  waitForHydration,
  signIn,
  screenshot,
  communeWithCounter,
  PHONE,
} from "./harness.mjs";

// Small, so that a handful of ratings make a rate and one does not.
process.env.MINHBACH_MIN_RATINGS = "3";

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

async function rate(token, overall, staffId) {
  const res = await fetch(`${server.base}/api/v1/ratings`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-device-id": crypto.randomUUID().replaceAll("-", "") },
    body: JSON.stringify({ counter_token: token, overall, staff_id: staffId, idempotency_key: crypto.randomUUID() }),
  });
  assert.equal(res.status, 200, await res.text());
}

/** No horizontal scrolling of the page itself at phone width (wide tables scroll in their box). */
async function fitsThePhone(page, what) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 362, `${what} is ${width} px wide on a 360 px phone`);
}

async function figuresOnPhone({ js, tag }) {
  const { api, province, commune, counter, officers } = await communeWithCounter(server.base, tag);
  const other = await api.post("/units", { parent_id: province.id, kind: "ward", code: `W-${tag}`, name: `UBND phường Đông Thành ${tag}` });
  const otherCounter = await api.post("/counters", { unit_id: other.id, name: `Quầy 1 ${tag}` });
  await rate(counter.qr_token, "very_satisfied", officers[0].id);
  await rate(counter.qr_token, "satisfied", officers[0].id);
  await rate(counter.qr_token, "satisfied", null);
  await rate(counter.qr_token, "not_satisfied", officers[1].id);
  await rate(otherCounter.qr_token, "very_satisfied", null);
  const head = { username: `chutich.tinh.${tag.toLowerCase()}`, password: "mat-khau-rat-dai-789" };
  await api.post("/accounts", { ...head, full_name: `Đỗ Văn Tỉnh ${tag}`, role: "head", unit_id: province.id });

  const context = await newContext(browser, server.base, { ...PHONE, javaScriptEnabled: js });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => process.env.DEBUG_CONSOLE && console.error("console:", m.text().slice(0, 1500)));
  await signIn(page, server.base, head);
  await page.goto(`${server.base}/admin/figures`);
  if (js) await waitForHydration(page);
  assert.match(await page.textContent("#figures-heading"), new RegExp(province.name));
  // 4 of 5 satisfied across the province: 80,0%, with the sample and the interval in words.
  const key = page.locator(".key-figure").first();
  assert.equal((await key.locator(".key-value").textContent()).trim(), "80,0%");
  assert.match(await key.locator(".key-detail").textContent(), /khoảng tin cậy 95%: .*; 5 đánh giá/);
  // The ranking: the commune with four ratings first; the ward with one last, without a rate.
  const rows = page.locator("table.figures-units tbody tr");
  assert.equal(await rows.count(), 2);
  assert.match(await rows.nth(0).textContent(), new RegExp(`${commune.name}.*75,0%`));
  assert.match(await rows.nth(1).textContent(), /chưa đủ \(1\/3\)/);
  await fitsThePhone(page, "the dashboard");
  if (js) await assertAccessible(page, "the dashboard");
  // The same figures as files, through the page's own links (the session cookie is enough):
  // the whole workbook, the ranking as CSV, and the month's five ratings one per row.
  const download = async (selector) => {
    const res = await page.request.get(`${server.base}${await page.getAttribute(selector, "href")}`);
    assert.equal(res.status(), 200, selector);
    return res;
  };
  const workbook = await download(".downloads a.button");
  assert.match(workbook.headers()["content-type"], /spreadsheetml/);
  assert.equal((await workbook.body()).subarray(0, 2).toString(), "PK");
  const ranking = await (await download('.downloads a[href*="table=units"][href$="format=csv"]')).text();
  assert.match(ranking, new RegExp(commune.name));
  const ratingsCsv = await (await download('.downloads a[href*="exports/ratings"][href$="format=csv"]')).text();
  assert.equal(ratingsCsv.trim().split("\n").length, 1 + 5, ratingsCsv);
  await screenshot(page, `figures-dashboard-${tag}`);

  // Into the commune: its counter and its officers.
  await Promise.all([page.waitForURL(/unit_id=/), page.click(`table.figures-units a:has-text("${commune.name}")`)]);
  if (js) await waitForHydration(page);
  assert.match(await page.textContent("table.figures-counters"), /75,0%/);
  const officerRow = page.locator("table.figures-officers tbody tr", { hasText: officers[0].full_name });
  assert.match(await officerRow.textContent(), /\b2\b/);

  // The officer's scorecard for the month, printable.
  await Promise.all([page.waitForURL(/figures\/officers\//), officerRow.locator("a").click()]);
  if (js) await waitForHydration(page);
  assert.match(await page.textContent("h1"), /Phiếu tổng hợp/);
  assert.match(await page.textContent(".scorecard-who"), new RegExp(officers[0].full_name));
  assert.match(await page.textContent(".scorecard-rate"), /Chưa đủ đánh giá \(2\/3\)/);
  await fitsThePhone(page, "the scorecard");
  const card = await download(".downloads a.button");
  assert.equal((await card.body()).subarray(0, 2).toString(), "PK");
  if (js) await assertAccessible(page, "the scorecard");
  await page.emulateMedia({ media: "print" });
  assert.equal(await page.locator("form.no-print").isVisible(), false, "the month form is not printed");
  await page.emulateMedia({ media: "screen" });
  await context.close();

  // The public pages, no sign-in.
  const visitor = await newContext(browser, server.base, { ...PHONE, javaScriptEnabled: js });
  const pub = await visitor.newPage();
  pub.on("pageerror", (e) => errors.push(e.message));
  await pub.goto(`${server.base}/cong-khai/${commune.code}`);
  if (js) await waitForHydration(pub);
  assert.equal(await pub.getAttribute("html", "lang"), "vi");
  assert.equal((await pub.textContent(".unit-name")).trim(), commune.name);
  const month = pub.locator(".public-period").first();
  assert.equal((await month.locator(".public-value").first().textContent()).trim(), "75,0%");
  assert.match(await month.locator(".public-detail").first().textContent(), /Tính trên 4 đánh giá\. Khoảng tin cậy 95%: từ/);
  assert.match(await pub.textContent(".public-reception"), /Thứ/);
  await fitsThePhone(pub, "the public page");
  if (js) await assertAccessible(pub, "the public page");
  await screenshot(pub, `figures-public-${tag}`);

  await pub.goto(`${server.base}/cong-khai/${other.code}`);
  assert.match(await pub.locator(".public-period").first().textContent(), /Chưa đủ đánh giá/);
  assert.match(await pub.locator(".public-period").first().textContent(), /Mới có 1 đánh giá; cần ít nhất 3/);

  await pub.goto(`${server.base}/cong-khai/${province.code}`);
  const ranked = pub.locator(".public-units tbody tr");
  assert.equal(await ranked.count(), 2);
  assert.match(await ranked.nth(0).textContent(), new RegExp(`^\\s*1\\s*${commune.name}`));
  assert.match(await ranked.nth(1).textContent(), /^\s*—.*Chưa đủ đánh giá/);

  const missing = await pub.goto(`${server.base}/cong-khai/KHONG-CO-${tag}`);
  assert.equal(missing.status(), 404);
  assert.match(await pub.textContent("h1"), /Không tìm thấy đơn vị/);
  await visitor.close();
  assert.deepEqual(errors, [], "no page errors (a hydration mismatch shows only there)");
}

test("dashboard, scorecard and public pages on a phone, with the WASM app", async () => {
  await figuresOnPhone({ js: true, tag: "FJ" });
});

test("dashboard, scorecard and public pages on a phone, with JavaScript off", async () => {
  await figuresOnPhone({ js: false, tag: "FN" });
});
