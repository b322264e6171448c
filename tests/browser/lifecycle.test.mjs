// A citizen who reported by name asks, from the tracking page on a 360 px phone, for their
// personal data to be erased (Decree 13/2023), with JavaScript on and off: the page says when
// it will be done (within 72 hours), the lifecycle job (every second here) erases the name,
// phone and photo, and the report itself is still there to follow.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import {
  startServer,
  launchBrowser,
  newContext,
  assertAccessible,
  waitForHydration,
  communeWithCounter,
  repoRoot,
  PHONE,
} from "./harness.mjs";

let server;
let browser;

before(async () => {
  server = await startServer({ MINHBACH_LIFECYCLE_INTERVAL: "1" });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** A named report with one photo, sent as the report page sends it; its receipt. */
async function namedReport(counter) {
  const form = new FormData();
  form.append(
    "report",
    JSON.stringify({
      kind: "feedback",
      category: "late_dossier",
      counter_token: counter.qr_token,
      description: "Hồ sơ cấp phép xây dựng của tôi trễ hẹn ba tuần, không có phiếu hẹn lại.",
      idempotency_key: crypto.randomUUID().replaceAll("-", ""),
      reporter: { full_name: "Vũ Thị Mai", phone: "0987123456", consent: true },
    }),
  );
  const photo = readFileSync(join(repoRoot, "../shared/testdata/photos/Canon_40D.jpg"));
  form.append("photos", new Blob([photo], { type: "image/jpeg" }), "anh.jpg");
  const res = await fetch(`${server.base}/api/v1/reports`, { method: "POST", body: form });
  assert.equal(res.status, 200, await res.clone().text());
  return res.json();
}

async function eraseOnPhone({ js, tag }) {
  const { counter } = await communeWithCounter(server.base, tag);
  const receipt = await namedReport(counter);
  const context = await newContext(browser, server.base, { ...PHONE, javaScriptEnabled: js });
  const page = await context.newPage();
  const open = async () => {
    await page.goto(`${server.base}/track`);
    if (js) await waitForHydration(page);
    await page.fill("#tracking_code", receipt.tracking_code);
    await page.tap("form button[type=submit]");
    await page.waitForSelector("ol.timeline");
  };
  await open();
  assert.match(await page.textContent("dl.facts"), /Ảnh\s*1/);
  await page.tap("details.erase summary");
  assert.match(await page.textContent("details.erase"), /trong vòng 72 giờ/);
  if (js) await assertAccessible(page, "the tracking page with the erasure form");
  await page.tap("details.erase button[type=submit]");
  const notice = await page.waitForSelector("#erasure-requested, #personal-data-erased");
  assert.match(await notice.textContent(), /yêu cầu xoá|đã được xoá/);

  // The job runs every second here: the data goes, the report stays.
  let erased = false;
  for (let i = 0; i < 20 && !erased; i++) {
    await new Promise((r) => setTimeout(r, 500));
    await open();
    erased = (await page.locator("#personal-data-erased").count()) === 1;
  }
  assert.ok(erased, "the personal data was not erased");
  assert.match(await page.textContent("dl.facts"), /Ảnh\s*0/);
  assert.match(await page.textContent("main"), /trễ hẹn ba tuần/);
  assert.equal(await page.locator("details.erase").count(), 0, "erasure offered again");
  if (js) await assertAccessible(page, "the tracking page after erasure");
  assert.deepEqual(context.foreignRequests, []);
  await context.close();
}

test("a citizen erases their personal data from the tracking page, JavaScript on", async () => {
  await eraseOnPhone({ js: true, tag: "LCJ" });
});

test("a citizen erases their personal data from the tracking page, JavaScript off", async () => {
  await eraseOnPhone({ js: false, tag: "LCN" });
});
