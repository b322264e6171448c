// A member of the inspection committee reads the audit log at /admin/audit, with the WASM app
// and with JavaScript off: the failed sign-in of someone guessing a password is there with its
// address, the filters narrow the list, and "older" pages on by cursor. A head of unit finds no
// such page.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, newContext, assertAccessible, waitForHydration, signIn, apiAs, DESKTOP } from "./harness.mjs";

let server;
let browser;
let committee;
let head;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  const api = await apiAs(server.base);
  const province = await api.post("/units", { kind: "province", code: "P-KT", name: "Tỉnh Kiểm Tra" });
  committee = { username: "ubkt.kiemtra", password: "mat-khau-rat-dai-123" };
  head = { username: "chutich.kiemtra", password: "mat-khau-rat-dai-123" };
  await api.post("/accounts", { ...committee, full_name: "Đỗ Thị Kiểm Tra", role: "committee", unit_id: province.id });
  await api.post("/accounts", { ...head, full_name: "Lê Văn Thủ Trưởng", role: "head", unit_id: province.id });
  // Someone guessing the head's password.
  const res = await fetch(`${server.base}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: head.username, password: "doan-mat-khau-sai" }),
  });
  assert.equal(res.status, 401);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function readLog({ js }) {
  const context = await newContext(browser, server.base, { ...DESKTOP, javaScriptEnabled: js });
  const page = await context.newPage();
  await signIn(page, server.base, committee);
  await page.click("a[href='/admin/audit']");
  await page.waitForURL(`${server.base}/admin/audit`);
  if (js) await waitForHydration(page);
  await page.waitForSelector("table");
  assert.match(await page.textContent("h1"), /Nhật ký kiểm toán/);
  if (js) await assertAccessible(page, "the audit log");

  // Filtered to failed sign-ins: the guess at the head's password, from this machine.
  await page.fill("#action", "auth.login_failed");
  await Promise.all([page.waitForURL(/action=auth.login_failed/), page.click(".filters button[type=submit]")]);
  await page.waitForSelector("table");
  const rows = await page.$$eval("tbody tr", (trs) => trs.map((tr) => tr.textContent));
  assert.equal(rows.length, 1, rows.join("\n"));
  assert.match(rows[0], /chutich\.kiemtra/);
  assert.match(rows[0], /Đăng nhập thất bại/);
  assert.match(rows[0], /127\.0\.0\.1/);

  // Two to a page: "Cũ hơn" goes on from the last entry shown, never repeating one.
  await page.goto(`${server.base}/admin/audit?per_page=2`);
  await page.waitForSelector("table");
  const first = await page.$$eval("tbody tr td:first-child", (tds) => tds.map((td) => Number(td.textContent)));
  assert.equal(first.length, 2);
  await Promise.all([page.waitForURL(/after=/), page.click("a[rel=next]")]);
  await page.waitForSelector("table");
  const second = await page.$$eval("tbody tr td:first-child", (tds) => tds.map((td) => Number(td.textContent)));
  assert.ok(second.length >= 1);
  assert.ok(Math.max(...second) < Math.min(...first), `${first} then ${second}`);
  assert.deepEqual(context.foreignRequests, []);
  await context.close();
}

test("a committee member reads and filters the audit log", async () => {
  await readLog({ js: true });
});

test("the audit log works with JavaScript off", async () => {
  await readLog({ js: false });
});

test("a head of unit has no audit log", async () => {
  const context = await newContext(browser, server.base, { ...DESKTOP, javaScriptEnabled: false });
  const page = await context.newPage();
  await signIn(page, server.base, head);
  assert.equal(await page.$("a[href='/admin/audit']"), null);
  await page.goto(`${server.base}/admin/audit`);
  assert.match(await page.textContent("main"), /Chỉ thành viên ủy ban kiểm tra/);
  assert.equal(await page.$("tbody tr"), null);
  await context.close();
});
