// An administrator sets up a unit, a counter and a staff member, in Debian's headless Chromium:
// on a desktop, on a 360 px phone with touch, and with JavaScript off (the pages must work
// before, or without, the WASM bundle). Every page is checked with axe-core (WCAG 2.1 AA), and
// no page may send a request to any host but the platform.

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
  ADMIN,
  PHONE,
  DESKTOP,
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

/** Sends the form whose submit button is `button`: a tap on a phone, a click elsewhere. */
async function press(page, button, touch) {
  if (touch) await page.tap(button);
  else await page.click(button);
}

async function setUpUnitCounterStaff({ options, js, tag }) {
  const touch = !!options.hasTouch;
  const context = await newContext(browser, server.base, { ...options, javaScriptEnabled: js });
  const page = await context.newPage();
  const base = server.base;
  const province = `Tỉnh Thử ${tag}`;
  const commune = `Xã Hòa Bình ${tag}`;
  const counter = `Quầy 1 - Tư pháp ${tag}`;
  const officer = `Trần Thị Hồng ${tag}`;

  await page.goto(`${base}/login`);
  assert.equal(await page.getAttribute("html", "lang"), "vi");
  if (js) await assertAccessible(page, "the sign-in page");
  await signIn(page, base);
  if (js) await waitForHydration(page);

  // The header names who is signed in and their role.
  const who = await page.textContent(".who");
  assert.match(who, /Nguyễn Văn Quản Trị/);
  assert.match(who, /Quản trị viên/);
  if (js) await assertAccessible(page, "the admin home");

  // A province, then a commune under it.
  await page.goto(`${base}/admin/units`);
  if (js) await waitForHydration(page);
  if (js) await assertAccessible(page, "the units page");
  await page.selectOption("#kind", "province");
  await page.fill("#code", `T-${tag}`);
  await page.fill("#name", province);
  await press(page, "section[aria-labelledby=new-unit] button[type=submit]", touch);
  await page.waitForSelector(`h1:text-is("${province}")`);
  await screenshot(page, `unit-${tag}`);

  await page.goto(`${base}/admin/units`);
  if (js) await waitForHydration(page);
  await page.selectOption("#parent_id", { label: `${province} (T-${tag})` });
  await page.selectOption("#kind", "commune");
  await page.fill("#code", `X-${tag}`);
  await page.fill("#name", commune);
  await page.selectOption("#reception_weekday", "3");
  await press(page, "section[aria-labelledby=new-unit] button[type=submit]", touch);
  await page.waitForSelector(`h1:text-is("${commune}")`);
  const facts = await page.textContent("dl.facts");
  assert.match(facts, new RegExp(province));
  assert.match(facts, /Thứ Tư/);

  // A refused form says why, in Vietnamese, and keeps the page usable.
  await page.goto(`${base}/admin/units`);
  if (js) await waitForHydration(page);
  await page.selectOption("#kind", "commune");
  await page.fill("#code", `X-${tag}`);
  await page.fill("#name", "Trùng mã");
  await press(page, "section[aria-labelledby=new-unit] button[type=submit]", touch);
  const refusal = await page.waitForSelector("section[aria-labelledby=new-unit] .notice.error");
  assert.match(await refusal.textContent(), /[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/i);

  // A counter of the commune; its QR token is random, not a guessable id.
  await page.goto(`${base}/admin/counters`);
  if (js) await waitForHydration(page);
  if (js) await assertAccessible(page, "the counters page");
  await page.selectOption("#new-unit_id", { label: `— ${commune} (X-${tag})` });
  await page.fill("#new-name", counter);
  await press(page, "section[aria-labelledby=new-counter] button[type=submit]", touch);
  const counterRow = page.locator("tbody tr", { hasText: counter });
  await counterRow.waitFor();
  const token = (await counterRow.locator("code").textContent()).trim();
  assert.ok(token.length >= 20, `QR token too short: ${token}`);
  // Its printable A4 poster: the unit, the counter and a QR code of the counter page.
  const posterHref = await counterRow.locator("a", { hasText: "Áp phích A4" }).getAttribute("href");
  const poster = await context.newPage();
  await poster.goto(`${base}${posterHref}`);
  assert.equal(await poster.locator(".poster svg").count(), 1);
  assert.match(await poster.textContent(".poster"), new RegExp(`${commune}[\\s\\S]*${counter}`));
  assert.match(await poster.textContent(".poster .url"), new RegExp(`/q/${token}$`));
  await poster.close();

  // A staff member serving at that counter.
  await page.goto(`${base}/admin/staff`);
  if (js) await waitForHydration(page);
  if (js) await assertAccessible(page, "the staff page");
  await page.selectOption("#new-unit_id", { label: `— ${commune} (X-${tag})` });
  await page.fill("#full_name", officer);
  await page.fill("#title", "Công chức Tư pháp - Hộ tịch");
  await page.fill("#badge_number", `B-${tag}`);
  await page.selectOption("#counter_id", { label: `${counter} — ${commune}` });
  await press(page, "section[aria-labelledby=new-staff] button[type=submit]", touch);
  const staffRow = page.locator("tbody tr", { hasText: officer });
  await staffRow.waitFor();
  assert.match(await staffRow.textContent(), new RegExp(`B-${tag}`));
  assert.match(await staffRow.textContent(), new RegExp(counter));
  // The form is empty again, so a second tap cannot send the same person twice.
  assert.equal(await page.inputValue("#full_name"), "");
  await screenshot(page, `staff-${tag}`);

  // Nothing horizontal to scroll on a phone: the page fits 360 px.
  if (options.viewport.width <= 360) {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `the staff page is ${overflow}px wider than the phone`);
  }

  // English is one tap away and comes back to the same page.
  await press(page, `a[hreflang=en]`, touch);
  await page.waitForSelector("h1:text-is('Staff')");
  assert.equal(await page.getAttribute("html", "lang"), "en");

  assert.deepEqual(context.foreignRequests, [], "a page asked another host for something");
  await context.close();
}

test("admin sets up a unit, counter and staff member on a desktop", async () => {
  await setUpUnitCounterStaff({ options: DESKTOP, js: true, tag: "PC" });
});

test("admin sets up a unit, counter and staff member on a 360 px phone with touch", async () => {
  await setUpUnitCounterStaff({ options: PHONE, js: true, tag: "DT" });
});

test("the same set-up works with JavaScript off (plain HTML form posts)", async () => {
  await setUpUnitCounterStaff({ options: PHONE, js: false, tag: "NOJS" });
});

test("a wrong password is refused with a Vietnamese message and no session", async () => {
  const context = await newContext(browser, server.base, DESKTOP);
  const page = await context.newPage();
  await page.goto(`${server.base}/login`);
  await page.fill("#username", ADMIN.username);
  await page.fill("#password", "sai-mat-khau-roi");
  await page.click("button[type=submit]");
  const alert = await page.waitForSelector(".notice.error");
  assert.match(await alert.textContent(), /mật khẩu/i);
  const cookies = await context.cookies();
  assert.equal(cookies.find((c) => c.name === "mb_session"), undefined);
  // The admin pages send an unsigned visitor to the sign-in page.
  await page.goto(`${server.base}/admin/units`);
  await page.waitForURL(/\/login/);
  await context.close();
});

test("the session cookie is HttpOnly and SameSite, and sign-out ends it", async () => {
  const context = await newContext(browser, server.base, DESKTOP);
  const page = await context.newPage();
  await signIn(page, server.base);
  const session = (await context.cookies()).find((c) => c.name === "mb_session");
  assert.ok(session, "no session cookie after sign-in");
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, "Strict");
  assert.equal(await page.evaluate(() => document.cookie.includes("mb_session")), false);
  await page.click(".who button[type=submit]");
  await page.waitForURL(/\/login\?bye=1/);
  await page.goto(`${server.base}/admin`);
  await page.waitForURL(/\/login/);
  await context.close();
});
