// A national administrator edits a year of the working-day calendar (days off, make-up
// days), with the WASM app and with JavaScript off; a bad line is refused by its number.

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

async function editCalendar({ js }) {
  const context = await newContext(browser, server.base, { ...DESKTOP, javaScriptEnabled: js });
  const page = await context.newPage();
  await signIn(page, server.base);
  await page.goto(`${server.base}/admin/calendar?year=2027`);
  if (js) await waitForHydration(page);
  const seeded = await page.inputValue("#days_off");
  assert.match(seeded, /Tết Nguyên đán/);
  if (js) await assertAccessible(page, "the calendar page");

  // A line that does not start with a date is refused by its number, and nothing is saved.
  await page.fill("#days_off", `${seeded}\nngày mai Nghỉ thử`);
  await page.click(".calendar-form button[type=submit]");
  await page.waitForSelector(".notice.error");
  assert.match(await page.textContent("main"), /Dòng \d+/);
  await page.goto(`${server.base}/admin/calendar?year=2027`);
  assert.doesNotMatch(await page.inputValue("#days_off"), /Nghỉ thử/);

  // Ngày Văn hóa Việt Nam (24/11), a day off from 2026 on: added by one line.
  const line = js ? "24/11/2027 Ngày Văn hóa Việt Nam | Vietnam Culture Day" : "24/11/2027 Ngày Văn hóa Việt Nam";
  const edited = (await page.inputValue("#days_off")).split("\n").filter((l) => !l.startsWith("24/11/2027")).concat(line).join("\n");
  await page.fill("#days_off", edited);
  await page.click(".calendar-form button[type=submit]");
  await page.waitForSelector(".notice.ok");
  await page.goto(`${server.base}/admin/calendar?year=2027`);
  assert.match(await page.inputValue("#days_off"), /24\/11\/2027 Ngày Văn hóa Việt Nam/);
  assert.deepEqual(context.foreignRequests, []);
  await context.close();
}

test("a national administrator edits a year of days off on the calendar page", async () => {
  await editCalendar({ js: true });
});

test("the calendar page works with JavaScript off", async () => {
  await editCalendar({ js: false });
});
