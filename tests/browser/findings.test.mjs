// The province's inspection committee opens a denunciation naming a counter officer, records
// its finding on the case page (founded, a warning, referred to the investigation agency) after
// a discipline on an "unfounded" conclusion is refused in words, and finds it in the officer's
// record reached from the staff page. With the WASM app and with JavaScript off. Then a
// province administrator adds a discipline measure and retires another on the settings page.

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
  apiAs,
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

/** A denunciation at the counter naming the officer, sent as the report page's client does. */
async function denunciation(counter, officer) {
  const form = new FormData();
  form.append(
    "report",
    JSON.stringify({
      kind: "denunciation",
      category: "asking_money",
      counter_token: counter.qr_token,
      staff_id: officer.id,
      description: "Cán bộ đòi thêm 500.000 đồng mới nhận hồ sơ chuyển nhượng đất của tôi.",
      idempotency_key: crypto.randomUUID().replaceAll("-", ""),
    }),
  );
  const res = await fetch(`${server.base}/api/v1/reports`, { method: "POST", body: form });
  assert.equal(res.status, 200, await res.clone().text());
  return res.json();
}

async function committeeRecordsAFinding({ js, tag }) {
  const { api, province, counter, officers } = await communeWithCounter(server.base, tag);
  const committee = { username: `ubkt.${tag.toLowerCase()}`, password: "mat-khau-uy-ban-123" };
  await api.post("/accounts", { ...committee, full_name: `Hà Thị Kiểm ${tag}`, role: "committee", unit_id: province.id });
  const officer = officers[0];
  const receipt = await denunciation(counter, officer);
  const inbox = await (await apiAs(server.base, committee)).get("/cases?status=all");
  const caseId = inbox.items.find((c) => c.tracking_code === receipt.tracking_code).id;

  const context = await newContext(browser, server.base, { ...DESKTOP, javaScriptEnabled: js });
  const page = await context.newPage();
  await signIn(page, server.base, committee);
  await page.goto(`${server.base}/admin/cases/${caseId}`);
  if (js) await waitForHydration(page);
  await page.waitForSelector("section.findings");
  assert.match(await page.textContent("section.findings"), /Chưa có kết luận nào/);
  // The form is about the officer the report names unless the committee picks another.
  assert.equal(await page.inputValue("#finding-staff"), officer.id);
  if (js) await assertAccessible(page, "the case page with its findings");

  const note = `Xác minh camera quầy ${tag}: cán bộ đã nhận 500.000 đồng ngoài lệ phí.`;
  // A discipline after an "unfounded" conclusion: refused in words, nothing recorded.
  await page.click("label[for=finding-conclusion-unfounded]");
  await page.selectOption("#finding-discipline", "canh-cao");
  await page.fill("#finding-note", note);
  await page.click("form.new-finding button[type=submit]");
  await page.waitForSelector(".notice.error");
  assert.match(await page.textContent("main"), /Không áp dụng hình thức kỷ luật khi kết luận nội dung phản ánh là sai/);
  if (js) {
    // The section reloads its findings after every answer; start again from a settled page.
    await page.reload();
    await waitForHydration(page);
  }
  await page.waitForSelector("section.findings");
  assert.equal(await page.locator("article.finding").count(), 0);

  // Founded, a warning, and the matter referred to the investigation agency.
  await page.click("label[for=finding-conclusion-founded]");
  await page.selectOption("#finding-discipline", "canh-cao");
  await page.selectOption("#finding-referral-to", "investigation_agency");
  await page.fill("#finding-referral-text", "Có dấu hiệu tội nhận hối lộ; chuyển hồ sơ để điều tra.");
  await page.fill("#finding-note", note);
  await page.click("form.new-finding button[type=submit]");
  await page.waitForSelector("article.finding");
  const finding = await page.textContent("article.finding");
  assert.match(finding, new RegExp(officer.full_name));
  assert.match(await page.textContent("article.finding .conclusion"), /^Đúng$/);
  assert.match(finding, /Cảnh cáo/);
  assert.match(finding, /Cơ quan điều tra — Có dấu hiệu tội nhận hối lộ/);
  assert.match(finding, new RegExp(note));
  assert.match(finding, /Hà Thị Kiểm/);
  // The form is empty again, for the next finding (the general one, since the officer has one).
  assert.equal(await page.inputValue("#finding-note"), "");
  assert.equal(await page.inputValue("#finding-staff"), "");
  await screenshot(page, `findings-case-${tag}`);

  // The officer's record, from the staff page.
  await page.goto(`${server.base}/admin/staff/${officer.id}`);
  if (js) await waitForHydration(page);
  await Promise.all([
    page.waitForURL(`${server.base}/admin/staff/${officer.id}/record`),
    page.click("a[href$='/record']"),
  ]);
  if (js) await waitForHydration(page);
  await page.waitForSelector("table.officer-record");
  assert.match(await page.textContent("h1"), new RegExp(officer.full_name));
  const row = await page.locator("table.officer-record tbody tr", { hasText: receipt.tracking_code }).textContent();
  assert.match(row, /Đúng/);
  assert.match(row, /Kỷ luật: Cảnh cáo/);
  assert.match(row, /Chuyển: Cơ quan điều tra/);
  assert.match(row, /Người dân nêu tên/);
  const summary = await page.textContent("table.record-counts");
  assert.match(summary, /Bị kỷ luật\s*1/);
  assert.match(summary, /Chuyển cơ quan có thẩm quyền\s*1/);
  if (js) await assertAccessible(page, "the officer's record");
  await screenshot(page, `findings-record-${tag}`);
  assert.deepEqual(context.foreignRequests, []);
  await context.close();
}

test("the committee records a finding on the case page and sees it in the officer's record", async () => {
  await committeeRecordsAFinding({ js: true, tag: "FJS" });
});

test("the same with JavaScript off", async () => {
  await committeeRecordsAFinding({ js: false, tag: "FNOJS" });
});

async function adminEditsTheList({ js, tag, retire }) {
  const api = await apiAs(server.base);
  const province = await api.post("/units", { kind: "province", code: `P-${tag}`, name: `Tỉnh ${tag}` });
  const admin = { username: `quantri.${tag.toLowerCase()}`, password: "mat-khau-quan-tri-123" };
  await api.post("/accounts", { ...admin, full_name: `Quản Trị ${tag}`, role: "admin", unit_id: province.id });
  const context = await newContext(browser, server.base, { ...DESKTOP, javaScriptEnabled: js });
  const page = await context.newPage();
  await signIn(page, server.base, admin);
  await page.goto(`${server.base}/admin/discipline`);
  if (js) await waitForHydration(page);
  assert.match(await page.textContent("table.discipline-measures"), /Buộc thôi việc/);
  if (js) await assertAccessible(page, "the discipline list");

  await page.fill("#new-name_vi", `Tạm đình chỉ công tác ${tag}`);
  await page.fill("#new-name_en", `Suspension from duty ${tag}`);
  await page.click("form.new-measure button[type=submit]");
  await page.waitForSelector(`table.discipline-measures input[value="Tạm đình chỉ công tác ${tag}"]`);
  assert.equal(await page.inputValue("#new-name_vi"), "", "the add form is empty again");

  const row = page.locator("table.discipline-measures tr", { has: page.locator(`input[value="${retire}"]`) });
  await row.locator("button", { hasText: "Thôi áp dụng" }).click();
  await page.waitForSelector(`table.discipline-measures tr.retired input[value="${retire}"]`);
  assert.match(await page.locator("tr.retired", { has: page.locator(`input[value="${retire}"]`) }).textContent(), /Đã thôi áp dụng/);
  const list = await api.get("/discipline-measures");
  assert.equal(list.items.find((m) => m.name_vi === retire).active, false);
  assert.ok(list.items.some((m) => m.name_vi === `Tạm đình chỉ công tác ${tag}` && m.active));
  await screenshot(page, `discipline-${tag}`);
  assert.deepEqual(context.foreignRequests, []);
  await context.close();
}

test("a province administrator adds a discipline measure and retires another", async () => {
  await adminEditsTheList({ js: true, tag: "DJS", retire: "Giáng chức" });
});

test("the discipline list with JavaScript off", async () => {
  await adminEditsTheList({ js: false, tag: "DNOJS", retire: "Cách chức" });
});
