// A citizen reports misconduct from a counter with two phone photos, anonymously, on a 360 px
// phone, gets a tracking code and secret once, and follows the report with them.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { existsSync } from "node:fs";
import {
  startServer,
  launchBrowser,
  newContext,
  axeViolations,
  waitForHydration,
  communeWithCounter,
  repoRoot,
  PHONE,
} from "./harness.mjs";

const photos = join(repoRoot, "..", "shared", "testdata", "photos");

let server;
let browser;

before(async () => {
  assert.ok(existsSync(photos), `the test photos must be in ${photos}`);
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function reportAndTrack({ js, tag }) {
  const { counter, officers, commune } = await communeWithCounter(server.base, tag);
  const context = await newContext(browser, server.base, { ...PHONE, javaScriptEnabled: js });
  const page = await context.newPage();

  // Not satisfied at the counter, then on to a report with the counter and officer filled in.
  await page.goto(`${server.base}/q/${counter.qr_token}`);
  if (js) await waitForHydration(page);
  await page.tap(`label[for="officer-${officers[0].id}"]`);
  await page.tap("button[value=not_satisfied]");
  await page.waitForURL(/\/thanks\//);
  await page.tap("text=Phản ánh sự việc");
  await page.waitForURL(/\/report\?counter=/);
  if (js) await waitForHydration(page);
  assert.equal((await page.textContent(".unit-name")).trim(), commune.name);
  assert.equal(await page.inputValue("#staff_id"), officers[0].id);
  if (js) assert.deepEqual(await axeViolations(page), [], "axe-core on the report form");

  await page.tap("label[for=kind-denunciation]");
  await page.selectOption("#category", "asking_money");
  await page.fill(
    "#description",
    "Cán bộ yêu cầu tôi nộp thêm 300.000 đồng ngoài lệ phí thì mới nhận hồ sơ.",
  );
  await page.setInputFiles("#photos", [join(photos, "gps_DSCN0010.jpg"), join(photos, "orientation_portrait_6.jpg")]);
  await page.tap("form.report-form button[type=submit]");
  await page.waitForSelector("#tracking-code");
  const code = (await page.textContent("#tracking-code")).trim();
  const secret = (await page.textContent("#secret")).trim();
  assert.match(code, /^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
  assert.match(secret, /^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
  assert.match(await page.textContent("main"), /Ảnh đã gửi: 2/);
  assert.ok(!page.url().includes(secret.replace(/-/g, "")), "the secret is in the URL");
  if (js) assert.deepEqual(await axeViolations(page), [], "axe-core on the receipt");

  // Following it: the code and the secret, typed in.
  await page.goto(`${server.base}/track`);
  await page.fill("#tracking_code", code.toLowerCase());
  await page.fill("#secret", secret);
  await page.tap("form button[type=submit]");
  await page.waitForSelector("ol.timeline");
  const main = await page.textContent("main");
  assert.match(main, /Đã tiếp nhận/);
  assert.match(main, /Hệ thống đã tiếp nhận/);
  assert.match(main, /300\.000 đồng/);

  // A wrong secret shows nothing of the report.
  await page.goto(`${server.base}/track`);
  await page.fill("#tracking_code", code);
  await page.fill("#secret", "AAAA-BBBB-CCCC-DDDD");
  await page.tap("form button[type=submit]");
  await page.waitForSelector(".notice.error");
  assert.doesNotMatch(await page.textContent("main"), /300\.000/);

  assert.deepEqual(context.foreignRequests, [], "a page asked another host for something");
  await context.close();
}

test("an anonymous report with two photos, then tracking it, on a phone", async () => {
  await reportAndTrack({ js: true, tag: "RJS" });
});

test("the same with JavaScript off", async () => {
  await reportAndTrack({ js: false, tag: "RNOJS" });
});
