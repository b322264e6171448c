// A citizen denounces the commune's chair from the counter's report form, by name, ticking
// "about the unit's leaders", with a photo. The province's inspection committee finds it in its
// workspace's review queue, opens it (photo included), reveals who sent it by writing why (the
// reveal is listed with the reason; a printout leaves it out), and records its finding (founded,
// referred to the investigation agency); the chair, signed in, finds no
// trace of it: not in the inbox, not at the case's address, not its photo, no workspace. With
// the WASM app and with JavaScript off.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  startServer,
  launchBrowser,
  newContext,
  assertAccessible,
  waitForHydration,
  signIn,
  screenshot,
  communeWithCounter,
  repoRoot,
  PHONE,
  DESKTOP,
} from "./harness.mjs";

const photos = join(repoRoot, "..", "shared", "testdata", "photos");

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

async function reportAboutTheHead({ js, tag }) {
  const { api, province, commune, counter } = await communeWithCounter(server.base, tag);
  const password = "mat-khau-rat-dai-456";
  const head = { username: `chutich.${tag.toLowerCase()}`, password };
  const committee = { username: `ubkt.${tag.toLowerCase()}`, password };
  await api.post("/accounts", { ...head, full_name: `Bùi Văn Chủ ${tag}`, role: "head", unit_id: commune.id });
  await api.post("/accounts", { ...committee, full_name: `Hà Thị Kiểm ${tag}`, role: "committee", unit_id: province.id });

  // The citizen, on a phone.
  const phone = await newContext(browser, server.base, { ...PHONE, javaScriptEnabled: js });
  const page = await phone.newPage();
  await page.goto(`${server.base}/report?counter=${counter.qr_token}`);
  if (js) await waitForHydration(page);
  await page.tap("label[for=kind-denunciation]");
  await page.selectOption("#category", "asking_money");
  await page.check("input[name=about_head]");
  const about = await page.textContent("label:has(input[name=about_head])");
  assert.match(about, /không xem được/, "the form tells the citizen the unit will not see it");
  await page.fill("#description", "Chủ tịch xã gợi ý tôi gửi 2 triệu đồng để hồ sơ đất được ký nhanh.");
  await page.tap("label[for=identity-named]");
  await page.fill("#full_name", `Trần Văn Dũng ${tag}`);
  await page.fill("#phone", "0912 345 678");
  await page.check("input[name=consent]");
  await page.setInputFiles("#photos", [join(photos, "gps_DSCN0010.jpg")]);
  await page.tap("form.report-form button[type=submit]");
  await page.waitForSelector("#tracking-code", { timeout: 60_000 });
  const code = (await page.textContent("#tracking-code")).trim();

  // The committee: in its inbox, with the photo.
  const office = await newContext(browser, server.base, { ...DESKTOP, javaScriptEnabled: js });
  const desk = await office.newPage();
  const crashes = [];
  desk.on("pageerror", (e) => crashes.push(String(e)));
  await signIn(desk, server.base, committee);
  await desk.click("nav.site-nav >> text=Không gian ủy ban");
  await desk.waitForURL(/\/admin\/oversight/);
  if (js) await waitForHydration(desk);
  assert.match(await desk.textContent(".queue-total"), /^1 phản ánh$/, "the review queue holds the report");
  if (js) await assertAccessible(desk, "the committee's workspace");
  await Promise.all([desk.waitForURL(/review=true/), desk.click("text=Mở hàng chờ")]);
  if (js) await waitForHydration(desk);
  const row = desk.locator("tr", { hasText: code });
  await row.first().waitFor();
  assert.equal(await row.count(), 1, "the committee's review queue lists the report");
  await Promise.all([desk.waitForURL(/\/admin\/cases\/.+/), row.locator("a").click()]);
  const caseUrl = desk.url();
  await desk.waitForSelector("ol.timeline");
  const thumb = desk.locator("ul.case-photos img");
  assert.equal(await thumb.count(), 1);
  await desk.waitForFunction(() => document.querySelector("ul.case-photos img")?.naturalWidth > 0);
  const photoUrl = new URL(await thumb.getAttribute("src"), server.base).href;
  const sender = `Trần Văn Dũng ${tag}`;
  assert.ok(!(await desk.textContent("main")).includes(sender), "the identity is hidden by default");

  // The reveal: refused without a real reason, then shown with one, and listed for the others.
  await desk.fill("#reveal-reason", "cần xác minh");
  await desk.evaluate(() => document.querySelector("#reveal-reason").removeAttribute("minlength"));
  await desk.click("button:has-text(\"Xem danh tính người gửi\")");
  await desk.waitForSelector("[role=alert]");
  assert.match(await desk.textContent("[role=alert]"), /ít nhất 20 ký tự/);
  assert.ok(!(await desk.textContent("main")).includes(sender));
  const reason = "Cần gọi cho người tố cáo để hẹn buổi làm việc và xác minh người chứng kiến.";
  await desk.fill("#reveal-reason", reason);
  await desk.click("button:has-text(\"Xem danh tính người gửi\")");
  await desk.waitForSelector("p.identity");
  assert.match(await desk.textContent("p.identity"), new RegExp(`${sender} · 0912 345 678`));
  assert.match(await desk.textContent("ol.reveals"), new RegExp(reason));
  // A printout for verification leaves the identity out.
  await desk.emulateMedia({ media: "print" });
  assert.equal(await desk.locator("p.identity").isVisible(), false, "the printout shows the identity");
  assert.equal(await desk.locator("p.description").isVisible(), true);
  await desk.emulateMedia({ media: "screen" });
  // The finding: founded, about the matter (the chair has no staff record linked), referred
  // to the investigation agency.
  await desk.waitForSelector("section.findings");
  await desk.click("label[for=finding-conclusion-founded]");
  await desk.selectOption("#finding-referral-to", "investigation_agency");
  await desk.fill("#finding-referral-text", "Có dấu hiệu tội nhận hối lộ; chuyển hồ sơ để điều tra.");
  await desk.fill("#finding-note", "Đã làm việc với người tố cáo và hai người chứng kiến: nội dung tố cáo là đúng.");
  await desk.click("form.new-finding button[type=submit]");
  await desk.waitForSelector("article.finding");
  assert.match(await desk.textContent("article.finding .conclusion"), /^Đúng$/);
  assert.match(await desk.textContent("article.finding"), /Cơ quan điều tra/);
  if (js) await assertAccessible(desk, "the committee's case page");
  await screenshot(desk, `oversight-committee-${tag}`);
  assert.deepEqual(crashes, [], "the committee's pages ran without an error");

  // The chair: no trace anywhere.
  const own = await newContext(browser, server.base, { ...DESKTOP, javaScriptEnabled: js });
  const chair = await own.newPage();
  await signIn(chair, server.base, head);
  await chair.goto(`${server.base}/admin/cases?status=all`);
  if (js) await waitForHydration(chair);
  assert.ok(!(await chair.textContent("main")).includes(code), "the chair's inbox shows it");
  await chair.goto(caseUrl);
  if (js) await waitForHydration(chair);
  const seen = await chair.textContent("main");
  assert.ok(!seen.includes(code), "the case page shows it to the chair");
  assert.ok(!seen.includes("Cơ quan điều tra") && !seen.includes(sender), "the chair sees the finding or the sender");
  assert.match(seen, /Không tìm thấy/);
  const photo = await chair.request.get(photoUrl);
  assert.equal(photo.status(), 404, "the chair got the photo");
  assert.equal(await chair.locator("nav.site-nav >> text=Không gian ủy ban").count(), 0);
  await chair.goto(`${server.base}/admin/oversight`);
  assert.ok(!(await chair.textContent("main")).includes("phản ánh đang xử lý"), "the chair sees the queue");
  await screenshot(chair, `oversight-chair-${tag}`);

  for (const c of [phone, office, own]) {
    assert.deepEqual(c.foreignRequests, []);
    await c.close();
  }
}

test("a report about the chair reaches the committee and leaves no trace for the chair", async () => {
  await reportAboutTheHead({ js: true, tag: "OJS" });
});

test("the same with JavaScript off", async () => {
  await reportAboutTheHead({ js: false, tag: "ONOJS" });
});
