// Two `minhbach` processes on one database behind nginx (the deployment's own proxy settings,
// on loopback): a citizen rates and reports with a photo on a phone, the head of the commune
// signs in and accepts the case, one process is killed with SIGKILL, and the journey goes on
// through the other: the citizen follows the report, the head's session still holds, the
// head answers. Both processes must have served the journey.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  startCluster,
  launchBrowser,
  newContext,
  waitForHydration,
  communeWithCounter,
  signIn,
  repoRoot,
  PHONE,
  DESKTOP,
} from "./harness.mjs";

let cluster;
let browser;

before(async () => {
  cluster = await startCluster(2);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await cluster?.stop();
});

/** Requests this process has answered, from its own /metrics (nginx does not serve it). */
async function answered(server) {
  const body = await (await fetch(`${server.base}/metrics`)).text();
  return body
    .split("\n")
    .filter((l) => l.startsWith("minhbach_http_requests_total{") && !l.includes('route="/metrics"'))
    .reduce((sum, l) => sum + Number(l.split(" ").pop()), 0);
}

test("a citizen's journey runs across two processes behind nginx, and survives one being killed", async () => {
  const { base, servers } = cluster;
  const metricsOnProxy = await fetch(`${base}/metrics`);
  assert.equal(metricsOnProxy.status, 404, "the proxy must not publish /metrics");

  const { api, commune, counter, officers } = await communeWithCounter(base, "SO");
  const head = { username: "chutich.so", password: "mat-khau-chu-tich-123" };
  await api.post("/accounts", { ...head, full_name: "Đỗ Văn Trưởng SO", role: "head", unit_id: commune.id });

  // The citizen: rate, then report with a photo, on a phone with JavaScript on.
  const phone = await newContext(browser, base, { ...PHONE });
  const page = await phone.newPage();
  await page.goto(`${base}/q/${counter.qr_token}`);
  await waitForHydration(page);
  await page.tap(`label[for="officer-${officers[0].id}"]`);
  await page.tap("button[value=not_satisfied]");
  await page.waitForURL(/\/thanks\//);
  await page.tap("text=Phản ánh sự việc");
  await page.waitForURL(/\/report\?counter=/);
  await waitForHydration(page);
  await page.tap("label[for=kind-feedback]");
  await page.selectOption("#category", "late_dossier");
  await page.fill("#description", "Hồ sơ cấp đổi sổ đỏ của tôi trễ hẹn ba tuần mà không có phiếu hẹn lại.");
  await page.setInputFiles("#photos", [join(repoRoot, "../shared/testdata/photos/Canon_40D.jpg")]);
  await page.tap("form.report-form button[type=submit]");
  await page.waitForSelector("#tracking-code", { timeout: 60_000 });
  const code = (await page.textContent("#tracking-code")).trim();
  const secret = (await page.textContent("#secret")).trim();
  assert.match(await page.textContent("main"), /Ảnh đã gửi: 1/);

  // The head, at a desk: signs in and accepts the case.
  const staff = await newContext(browser, base, { ...DESKTOP });
  const desk = await staff.newPage();
  await signIn(desk, base, head);
  await desk.goto(`${base}/admin/cases`);
  await waitForHydration(desk);
  const row = desk.locator("tr", { hasText: code });
  await Promise.all([desk.waitForURL(/\/admin\/cases\/.+/), row.locator("a").click()]);
  await waitForHydration(desk);
  await desk.click("form.case-action:has(input[value=accept]) button");
  await desk.waitForSelector("dl.facts >> text=Đã thụ lý");

  // Both processes took part (nginx alternates between them).
  const served = await Promise.all(servers.map(answered));
  assert.ok(served.every((n) => n > 5), `requests answered per process: ${served}`);

  // One process dies without warning; nginx sends everything to the other.
  await servers[0].kill("SIGKILL");

  // The citizen follows the report: the head's acceptance is there, and the photo.
  await page.goto(`${base}/track`);
  await page.fill("#tracking_code", code);
  await page.fill("#secret", secret);
  await page.tap("form button[type=submit]");
  await page.waitForSelector("ol.timeline");
  const tracked = await page.textContent("main");
  assert.match(tracked, /trễ hẹn ba tuần/);
  assert.match(tracked, /thụ lý/i);
  assert.match(await page.textContent("dl.facts"), /Ảnh\s*1/, "the photo is counted");

  // The head's session (made on whichever process) holds on the survivor; the answer goes in.
  await desk.reload();
  await waitForHydration(desk);
  assert.match(desk.url(), /\/admin\/cases\/.+/, "the head was sent to sign in again");
  await desk.fill("#answer-text", "Hồ sơ đã có kết quả; mời bà đến nhận tại Quầy 2 sáng thứ Năm.");
  await desk.click("form.case-action:has(input[value=answer]) button");
  await desk.waitForSelector("dl.facts >> text=Đã trả lời");

  await page.reload();
  await page.waitForSelector("ol.timeline");
  assert.match(await page.textContent("ol.timeline"), /mời bà đến nhận/);
  assert.ok((await answered(servers[1])) > served[1], "the survivor served the rest");
  await phone.close();
  await staff.close();
});
