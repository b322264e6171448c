// The answering side meets the citizen's: the head of a commune opens the inbox, reads a new
// anonymous report (the citizen's timeline then says the head read it, never who), accepts it
// and answers; the citizen, on a 360 px phone, says the answer did not satisfy them and
// reopens the report once. The head's part runs with the WASM app and with JavaScript off.

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

/** An anonymous report at the counter, sent as the report page's client sends it; `fields`
 * change or add to the defaults. */
async function anonymousReport(counter, fields = {}) {
  const form = new FormData();
  form.append(
    "report",
    JSON.stringify({
      kind: "feedback",
      category: "late_dossier",
      counter_token: counter.qr_token,
      description: "Hồ sơ cấp giấy chứng nhận của tôi quá hẹn 12 ngày mà không ai giải thích.",
      idempotency_key: crypto.randomUUID().replaceAll("-", ""),
      ...fields,
    }),
  );
  const res = await fetch(`${server.base}/api/v1/reports`, { method: "POST", body: form });
  assert.equal(res.status, 200, await res.clone().text());
  return res.json();
}

async function headHandlesAndCitizenReopens({ js, tag }) {
  const { api, commune, counter } = await communeWithCounter(server.base, tag);
  const head = { username: `chutich.${tag.toLowerCase()}`, password: "mat-khau-chu-tich-123" };
  const headName = `Đỗ Văn Trưởng ${tag}`;
  await api.post("/accounts", { ...head, full_name: headName, role: "head", unit_id: commune.id });
  const receipt = await anonymousReport(counter);

  // The head: the inbox, then the case.
  const staff = await newContext(browser, server.base, { ...DESKTOP, javaScriptEnabled: js });
  const desk = await staff.newPage();
  await signIn(desk, server.base, head);
  await desk.goto(`${server.base}/admin/cases`);
  if (js) await waitForHydration(desk);
  const row = desk.locator("tr", { hasText: receipt.tracking_code });
  assert.match(await row.textContent(), /Chưa xem/);
  assert.match(await row.textContent(), /Hạn:/);
  if (js) await assertAccessible(desk, "the inbox");
  await screenshot(desk, `cases-inbox-${tag}`);
  await Promise.all([desk.waitForURL(/\/admin\/cases\/.+/), row.locator("a").click()]);
  if (js) await waitForHydration(desk);
  await desk.waitForSelector("ol.timeline");
  if (js) await assertAccessible(desk, "the case page");
  // Only the actions the state machine allows now: no "close" before an answer.
  const buttons = await desk.locator("form.case-action button").allTextContents();
  assert.ok(buttons.includes("Thụ lý"), buttons.join(", "));
  assert.ok(!buttons.includes("Đóng đơn"), buttons.join(", "));

  await desk.click("form.case-action:has(input[value=accept]) button");
  await desk.waitForSelector("dl.facts >> text=Đã thụ lý");
  await desk.fill("#answer-text", "Hồ sơ đã có kết quả; mời ông đến nhận tại Quầy 2 sáng thứ Năm.");
  await desk.click("form.case-action:has(input[value=answer]) button");
  await desk.waitForSelector("dl.facts >> text=Đã trả lời");
  await screenshot(desk, `case-answered-${tag}`);
  assert.match(await desk.textContent("ol.timeline"), /mời ông đến nhận/);

  // The citizen, on a phone: the head read it (by role), the answer, then "not satisfied".
  const phone = await newContext(browser, server.base, { ...PHONE, javaScriptEnabled: js });
  const page = await phone.newPage();
  await page.goto(`${server.base}/track`);
  await page.fill("#tracking_code", receipt.tracking_code);
  await page.fill("#secret", receipt.secret);
  await page.tap("form button[type=submit]");
  await page.waitForSelector("ol.timeline");
  const seen = await page.textContent("main");
  assert.match(seen, /Đơn vị đã mở xem phản ánh \(thủ trưởng đơn vị\)/);
  assert.match(seen, /mời ông đến nhận/);
  assert.ok(!seen.includes(headName), "the head's name reached the citizen");
  if (js) await assertAccessible(page, "the tracking page with the answer");
  await screenshot(page, `track-answered-${tag}`);

  await page.tap("form.citizen-feedback button[value=false]");
  await page.waitForSelector("text=Bạn chưa hài lòng với câu trả lời");
  await page.fill("#reopen-reason", "Tôi đã đến Quầy 2 nhưng hồ sơ vẫn chưa có kết quả.");
  await page.tap("form:has(#reopen-reason) button[type=submit]");
  await page.waitForSelector("text=Bạn đã yêu cầu mở lại");
  assert.match(await page.textContent("dl.facts"), /Mở lại/);
  assert.equal(await page.locator("#reopen-reason").count(), 0, "reopening is offered only once");

  // Back at the desk: the case is open again, with its clock running.
  await desk.goto(`${server.base}/admin/cases`);
  assert.match(await desk.locator("tr", { hasText: receipt.tracking_code }).textContent(), /Mở lại/);

  assert.deepEqual(staff.foreignRequests, [], "a staff page asked another host for something");
  assert.deepEqual(phone.foreignRequests, [], "a citizen page asked another host for something");
  await staff.close();
  await phone.close();
}

test("the head reads, accepts and answers; the citizen is not satisfied and reopens once", async () => {
  await headHandlesAndCitizenReopens({ js: true, tag: "CJS" });
});

test("the same with JavaScript off", async () => {
  await headHandlesAndCitizenReopens({ js: false, tag: "CNOJS" });
});

async function receptionSession({ js, tag }) {
  const { api, commune, counter } = await communeWithCounter(server.base, tag);
  const head = { username: `chutich.${tag.toLowerCase()}`, password: "mat-khau-chu-tich-123" };
  await api.post("/accounts", { ...head, full_name: `Lại Văn Tiếp ${tag}`, role: "head", unit_id: commune.id });
  const receipt = await anonymousReport(counter, {
    kind: "complaint",
    description: "Tôi muốn gặp chủ tịch xã về hồ sơ đất đai chậm trả kết quả.",
    wants_meeting: true,
  });

  const staff = await newContext(browser, server.base, { ...DESKTOP, javaScriptEnabled: js });
  const desk = await staff.newPage();
  await signIn(desk, server.base, head);
  await desk.goto(`${server.base}/admin/reception`);
  if (js) await waitForHydration(desk);
  await Promise.all([desk.waitForURL(/\/admin\/reception\/.+/), desk.click("#open-session")]);
  if (js) await waitForHydration(desk);
  await desk.waitForSelector("#booked");
  assert.match(await desk.textContent("#booked"), new RegExp(receipt.tracking_code));
  if (js) await assertAccessible(desk, "the reception session");

  const outcome = "Đã giao địa chính trả kết quả trước thứ Sáu; đơn vị xin lỗi ông vì chậm trễ.";
  const caseOption = await desk.locator("#report_id option", { hasText: receipt.tracking_code }).getAttribute("value");
  await desk.selectOption("#report_id", caseOption);
  await desk.fill("#citizen_name", "Nguyễn Hữu Đức");
  await desk.fill("#citizen_address", "Xóm 3, xã Yên Thành");
  await desk.fill("#matter", "Hồ sơ cấp giấy chứng nhận chậm trả kết quả");
  await desk.fill("#action_taken", "Gọi công chức địa chính vào làm việc ngay trong buổi tiếp");
  await desk.fill("#outcome", outcome);
  await desk.check("input[name=public]");
  await desk.click(".reception-form button[type=submit]");
  await desk.waitForSelector("#reception-log >> text=Nguyễn Hữu Đức");
  assert.match(await desk.textContent("#reception-log"), /Xóm 3, xã Yên Thành/);
  await screenshot(desk, `reception-${tag}`);
  assert.equal(await desk.inputValue("#citizen_name"), "", "the form is empty for the next meeting");

  const phone = await newContext(browser, server.base, { ...PHONE, javaScriptEnabled: js });
  const page = await phone.newPage();
  await page.goto(`${server.base}/track`);
  await page.fill("#tracking_code", receipt.tracking_code);
  await page.fill("#secret", receipt.secret);
  await page.tap("form button[type=submit]");
  await page.waitForSelector("ol.timeline");
  const seen = await page.textContent("main");
  assert.match(seen, /xin lỗi ông vì chậm trễ/);
  assert.match(seen, /Trả lời công khai \(thủ trưởng đơn vị\)/);
  assert.deepEqual(staff.foreignRequests, []);
  assert.deepEqual(phone.foreignRequests, []);
  await staff.close();
  await phone.close();
}

test("the head holds this week's reception, records a meeting and the citizen reads the outcome", async () => {
  await receptionSession({ js: true, tag: "TJS" });
});

test("the reception session works with JavaScript off", async () => {
  await receptionSession({ js: false, tag: "TNOJS" });
});

/** Walks the inbox two cases at a time with "Trang sau", as a head of a busy commune would. */
async function walkInboxPages({ js, tag }) {
  const { api, commune, counter } = await communeWithCounter(server.base, tag);
  const head = { username: `chutich.${tag.toLowerCase()}`, password: "mat-khau-chu-tich-123" };
  await api.post("/accounts", { ...head, full_name: `Phan Văn Trang ${tag}`, role: "head", unit_id: commune.id });
  const sent = [];
  for (let i = 0; i < 5; i++) sent.push((await anonymousReport(counter)).tracking_code);

  const staff = await newContext(browser, server.base, { ...DESKTOP, javaScriptEnabled: js });
  const desk = await staff.newPage();
  // A hydration mismatch shows only as a panic in the console; the page looks the same.
  const crashes = [];
  desk.on("pageerror", (e) => crashes.push(String(e)));
  await signIn(desk, server.base, head);
  await desk.goto(`${server.base}/admin/cases?per_page=2`);
  if (js) await waitForHydration(desk);
  const seen = [];
  const pageSizes = [];
  for (;;) {
    await desk.waitForSelector("nav.pager");
    assert.match(await desk.textContent("nav.pager"), /5 phản ánh/);
    const codes = await desk.locator("tbody tr td:first-child a").allTextContents();
    pageSizes.push(codes.length);
    seen.push(...codes);
    const next = desk.locator("nav.pager a[rel=next]");
    if ((await next.count()) === 0) break;
    assert.equal(await next.textContent(), "Trang sau ›");
    const before = desk.url();
    await next.click();
    await desk.waitForURL((url) => url.href !== before && url.searchParams.has("after"));
    // The new page is in once its first case is not the last page's (the WASM app fetches it
    // after the address changes, showing "loading" meanwhile).
    await desk.waitForFunction(
      (shown) => {
        const first = document.querySelector("tbody tr td:first-child a");
        return first !== null && !shown.includes(first.textContent);
      },
      codes,
    );
    assert.equal(new URL(desk.url()).searchParams.get("per_page"), "2", "the page size carried over");
    assert.equal(await desk.locator("nav.pager a[rel=first]").count(), 1, "a later page offers the first");
    if (pageSizes.length > 5) assert.fail("the pager did not end");
  }
  assert.deepEqual(pageSizes, [2, 2, 1]);
  assert.deepEqual([...seen].sort(), [...sent].sort(), "every case once, none twice, none missed");
  if (js) await assertAccessible(desk, "the inbox's last page");

  await desk.click("nav.pager a[rel=first]");
  await desk.waitForURL((url) => !url.searchParams.has("after"));
  await desk.waitForFunction(
    (first) => document.querySelector("tbody tr td:first-child a")?.textContent === first,
    seen[0],
  );
  assert.deepEqual(await desk.locator("tbody tr td:first-child a").allTextContents(), seen.slice(0, 2));

  // The counter and officer filters: all five were sent at the counter, none names an officer.
  const filterBy = async (select, value, expected) => {
    await desk.selectOption(select, value);
    const before = desk.url();
    await desk.click("form.filters button[type=submit]");
    await desk.waitForURL((url) => url.href !== before);
    await desk.waitForFunction(
      (text) => document.querySelector("main")?.textContent.includes(text),
      expected,
    );
  };
  assert.deepEqual(
    await desk.locator("#counter_id option").allTextContents(),
    ["Tất cả", counter.name],
    "the counter filter offers the commune's counter",
  );
  await filterBy("#counter_id", counter.id, "5 phản ánh");
  assert.equal(new URL(desk.url()).searchParams.get("counter_id"), counter.id);
  await filterBy("#counter_id", "", "5 phản ánh");
  const officer = (await desk.locator("#staff_id option").allTextContents())[1];
  assert.match(officer, new RegExp(tag), "the officer filter offers the commune's staff");
  await desk.selectOption("#staff_id", { label: officer });
  await Promise.all([desk.waitForURL(/staff_id=/), desk.click("form.filters button[type=submit]")]);
  await desk.waitForSelector("text=Không có phản ánh nào.");
  if (js) await assertAccessible(desk, "the inbox filtered by officer");
  assert.deepEqual(crashes, [], "the inbox page ran without an error");

  assert.deepEqual(staff.foreignRequests, []);
  await staff.close();
}

test("the head walks a long inbox page by page and back to the first", async () => {
  await walkInboxPages({ js: true, tag: "PJS" });
});

test("the inbox pages work with JavaScript off", async () => {
  await walkInboxPages({ js: false, tag: "PNOJS" });
});
