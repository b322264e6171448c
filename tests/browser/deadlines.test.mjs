// A national administrator changes a deadline on the settings page (the law's values by
// default), with the WASM app and with JavaScript off; a period longer than the law allows is
// refused in words and nothing is saved.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, newContext, assertAccessible, waitForHydration, signIn, DESKTOP } from "./harness.mjs";

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

async function editDeadlines({ js, days }) {
  const context = await newContext(browser, server.base, { ...DESKTOP, javaScriptEnabled: js });
  const page = await context.newPage();
  await signIn(page, server.base);
  await page.goto(`${server.base}/admin/deadlines`);
  if (js) await waitForHydration(page);
  // The law's values, each with its legal basis.
  assert.equal(await page.inputValue("#denunciation_intake_days"), "7");
  assert.equal(await page.inputValue("#denunciation_intake_count"), "working");
  assert.match(await page.textContent("main"), /Luật Tố cáo 2018, Điều 24 khoản 1/);
  assert.match(await page.textContent("main"), /Luật Khiếu nại 2011, Điều 28/);

  if (js) {
    await assertAccessible(page, "the deadline settings page");
    // Beyond the law (the browser's own limit taken off, as a hand-made request would):
    // refused with the law's limit, and nothing saved.
    await page.$eval("#denunciation_intake_days", (el) => el.removeAttribute("max"));
    await page.fill("#denunciation_intake_days", "8");
    await page.click(".deadline-form button[type=submit]");
    await page.waitForSelector(".notice.error");
    assert.match(await page.textContent("main"), /7 ngày làm việc/);
    await page.goto(`${server.base}/admin/deadlines`);
    await waitForHydration(page);
    assert.equal(await page.inputValue("#denunciation_intake_days"), "7");
  }

  // Feedback and suggestions: so many calendar days.
  await page.fill("#feedback_resolve_days", String(days));
  await page.selectOption("#feedback_resolve_count", "calendar");
  await page.click(".deadline-form button[type=submit]");
  await page.waitForSelector(".notice.ok");
  await page.goto(`${server.base}/admin/deadlines`);
  assert.equal(await page.inputValue("#feedback_resolve_days"), String(days));
  assert.equal(await page.inputValue("#feedback_resolve_count"), "calendar");
  // The rest kept the law's values.
  assert.equal(await page.inputValue("#denunciation_intake_days"), "7");
  assert.deepEqual(context.foreignRequests, []);
  await context.close();
}

test("a national administrator changes a deadline on the settings page", async () => {
  await editDeadlines({ js: true, days: 20 });
});

test("the deadline settings page works with JavaScript off", async () => {
  await editDeadlines({ js: false, days: 25 });
});
