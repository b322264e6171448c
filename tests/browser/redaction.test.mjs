// A citizen's report arrives with a photo in which a bystander can be seen. The head of the
// commune opens the case, opens "Che ảnh 1", marks a region and saves: with JavaScript off by
// typing the rectangle in percent into the plain form, with the WASM app by dragging across the
// photo (without JavaScript, a region past the photo's edge is refused first, with the reason).
// The case page then shows the redacted thumbnail, and the photo the page links to has the
// region blacked out where the original did not; the head can no longer open the original.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
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
  DESKTOP,
} from "./harness.mjs";

const photos = join(repoRoot, "..", "shared", "testdata", "photos");

let server;
let browser;
let checker;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  // A page with JavaScript on, to decode photos fetched by the no-JS pages.
  const context = await newContext(browser, server.base, DESKTOP);
  checker = await context.newPage();
  await checker.goto(`${server.base}/healthz`);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** The brightest channel value in a rectangle of a JPEG (fractions of its size). */
async function brightest(bytes, [x, y, w, h]) {
  return checker.evaluate(
    async ({ b64, x, y, w, h }) => {
      // Decoded in the page, without a request (the page's policy allows none to data: URLs).
      const raw = atob(b64);
      const bytes = new Uint8Array(raw.length);
      for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
      const bitmap = await createImageBitmap(new Blob([bytes], { type: "image/jpeg" }));
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const ctx = canvas.getContext("2d");
      ctx.drawImage(bitmap, 0, 0);
      const area = ctx.getImageData(
        Math.round(x * bitmap.width),
        Math.round(y * bitmap.height),
        Math.max(1, Math.round(w * bitmap.width)),
        Math.max(1, Math.round(h * bitmap.height)),
      ).data;
      let max = 0;
      for (let i = 0; i < area.length; i += 4) max = Math.max(max, area[i], area[i + 1], area[i + 2]);
      return max;
    },
    { b64: Buffer.from(bytes).toString("base64"), x, y, w, h },
  );
}

async function reportWithPhoto(counter) {
  const form = new FormData();
  form.append(
    "report",
    JSON.stringify({
      kind: "feedback",
      category: "wrong_fee",
      counter_token: counter.qr_token,
      description: "Bảng niêm yết phí ở quầy đã cũ; tôi chụp ảnh, có người đứng cạnh trong ảnh.",
      idempotency_key: crypto.randomUUID().replaceAll("-", ""),
    }),
  );
  form.append("photos", new Blob([readFileSync(join(photos, "gps_DSCN0010.jpg"))], { type: "image/jpeg" }), "anh.jpg");
  const res = await fetch(`${server.base}/api/v1/reports`, { method: "POST", body: form });
  assert.equal(res.status, 200, await res.clone().text());
  return res.json();
}

// The region the head hides, in fractions: from 20 % to 60 % across, 20 % to 70 % down; the
// pixels are checked a little inside it.
const INSIDE = [0.25, 0.25, 0.3, 0.4];

async function headRedacts({ js, tag }) {
  const { api, commune, counter } = await communeWithCounter(server.base, tag);
  const head = { username: `chutich.${tag.toLowerCase()}`, password: "mat-khau-chu-tich-123" };
  await api.post("/accounts", { ...head, full_name: `Vũ Thị Che ${tag}`, role: "head", unit_id: commune.id });
  const receipt = await reportWithPhoto(counter);

  const staff = await newContext(browser, server.base, { ...DESKTOP, javaScriptEnabled: js });
  const desk = await staff.newPage();
  await signIn(desk, server.base, head);
  await desk.goto(`${server.base}/admin/cases`);
  if (js) await waitForHydration(desk);
  const row = desk.locator("tr", { hasText: receipt.tracking_code });
  await Promise.all([desk.waitForURL(/\/admin\/cases\/.+/), row.locator("a").click()]);
  if (js) await waitForHydration(desk);
  await desk.waitForSelector("ol.timeline");
  const caseUrl = desk.url();

  const thumb = desk.locator("ul.case-photos img");
  assert.equal(await thumb.count(), 1);
  const originalThumbSrc = await thumb.getAttribute("src");
  const fullHref = await desk.locator("ul.case-photos a").first().getAttribute("href");
  const original = await (await desk.request.get(new URL(fullHref, server.base).href)).body();
  assert.ok((await brightest(original, INSIDE)) > 60, "the original has something to hide there");

  await desk.click("details.redact summary");
  assert.match(await desk.textContent("details.redact summary"), /Che ảnh 1/);
  const canvas = desk.locator("details.redact .redact-canvas");
  await canvas.locator("img").waitFor();
  if (js) {
    await desk.waitForFunction(() => document.querySelector(".redact-canvas img")?.naturalWidth > 0);
    await assertAccessible(desk, "the case page with the redaction form open");
    // Drag across the photo from 20 %, 20 % to 60 %, 70 %: the first row fills itself in.
    await canvas.scrollIntoViewIfNeeded();
    const box = await canvas.boundingBox();
    await desk.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.2);
    await desk.mouse.down();
    await desk.mouse.move(box.x + box.width * 0.4, box.y + box.height * 0.45, { steps: 4 });
    await desk.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.7, { steps: 4 });
    await desk.mouse.up();
    const filled = await Promise.all(
      ["x", "y", "w", "h"].map((f) => desk.inputValue(`input[name="regions[0][${f}]"]`)),
    );
    const numbers = filled.map((v) => Number(v.replace(",", ".")));
    for (const [got, want] of numbers.map((n, i) => [n, [20, 20, 40, 50][i]])) {
      assert.ok(Math.abs(got - want) < 1.5, `the dragged region reads ${filled.join(" ")}`);
    }
    assert.equal(await desk.locator(".redact-box.black").count(), 1, "the region is drawn over the photo");
  } else {
    // A region past the right edge first: refused, with the reason, and nothing redacted.
    for (const [f, v] of [["x", "80"], ["y", "20"], ["w", "40"], ["h", "50"]]) {
      await desk.fill(`input[name="regions[0][${f}]"]`, v);
    }
    await desk.click("form.redact-form button[type=submit]");
    await desk.waitForSelector(".notice.error");
    assert.match(await desk.textContent(".notice.error"), /vượt ra ngoài mép phải/);
    assert.equal(await desk.locator("ul.case-photos img[src*='v=']").count(), 0);
    await desk.click("details.redact summary");
    for (const [f, v] of [["x", "20"], ["y", "20"], ["w", "40"], ["h", "50"]]) {
      await desk.fill(`input[name="regions[0][${f}]"]`, v);
    }
  }
  await desk.selectOption(`select[name="regions[0][mode]"]`, "black");
  await screenshot(desk, `redaction-form-${tag}`);
  await desk.click("form.redact-form button[type=submit]");

  // The redacted thumbnail is shown: with the WASM app in place, without it after the form's
  // redirect back to the case.
  await desk.waitForSelector("ul.case-photos img[src*='v=']");
  if (!js) {
    assert.match(desk.url(), /ok=saved/);
    assert.ok(desk.url().startsWith(caseUrl), desk.url());
  } else {
    assert.equal(desk.url(), caseUrl, "the WASM app stays on the page");
  }
  assert.match(await desk.textContent("ul.case-photos"), /Đã che/);
  const thumbSrc = await thumb.getAttribute("src");
  assert.notEqual(thumbSrc, originalThumbSrc);
  const shownThumb = await (await desk.request.get(new URL(thumbSrc, server.base).href)).body();
  assert.ok((await brightest(shownThumb, INSIDE)) < 24, "the thumbnail shown is not redacted");
  const full = await desk.locator("ul.case-photos a").first().getAttribute("href");
  const redacted = await (await desk.request.get(new URL(full, server.base).href)).body();
  assert.ok((await brightest(redacted, INSIDE)) < 24, "the linked photo is not redacted");
  // The head cannot open the original any more.
  const photoPath = new URL(fullHref, server.base).pathname;
  const asked = await desk.request.get(`${server.base}${photoPath}?original=true`);
  assert.equal(asked.status(), 404);
  // The form now holds the saved region.
  const savedWidth = Number((await desk.inputValue(`input[name="regions[0][w]"]`)).replace(",", "."));
  assert.ok(Math.abs(savedWidth - 40) < 1.5, `the saved region's width reads ${savedWidth}`);
  await screenshot(desk, `redaction-saved-${tag}`);
  if (js) await assertAccessible(desk, "the case page after redacting");

  assert.deepEqual(staff.foreignRequests, []);
  await staff.close();
}

test("the head blacks out a region of a photo by dragging on it (WASM app)", async () => {
  await headRedacts({ js: true, tag: "RJS" });
});

test("the head blacks out a region with the plain form (JavaScript off)", async () => {
  await headRedacts({ js: false, tag: "RNOJS" });
});
