// A citizen reports misconduct from a counter with two phone photos, anonymously, on a 360 px
// phone, gets a tracking code and secret once, and follows the report with them.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { existsSync, readFileSync } from "node:fs";
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

const photos = join(repoRoot, "..", "shared", "testdata", "photos");

let server;
let browser;

before(async () => {
  assert.ok(existsSync(photos), `the test photos must be in ${photos}`);
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/// A 12-megapixel camera-like JPEG (4000 x 3000: gradients, shapes, sensor noise), drawn
/// by the browser itself so that no large file lives in the repository.
async function twelveMegapixelJpeg(page) {
  const b64 = await page.evaluate(async () => {
    const c = document.createElement("canvas");
    c.width = 4000;
    c.height = 3000;
    const ctx = c.getContext("2d");
    const g = ctx.createLinearGradient(0, 0, 4000, 3000);
    g.addColorStop(0, "#c9d6df");
    g.addColorStop(0.5, "#52616b");
    g.addColorStop(1, "#f0e5cf");
    ctx.fillStyle = g;
    ctx.fillRect(0, 0, 4000, 3000);
    for (let i = 0; i < 400; i++) {
      ctx.fillStyle = `hsl(${(i * 37) % 360} 50% ${30 + (i % 40)}%)`;
      ctx.beginPath();
      ctx.arc((i * 733) % 4000, (i * 379) % 3000, 20 + (i % 90), 0, 2 * Math.PI);
      ctx.fill();
    }
    ctx.fillStyle = "#111";
    ctx.font = "120px sans-serif";
    ctx.fillText("Phiếu thu 300.000 đồng", 600, 1500);
    const img = ctx.getImageData(0, 0, 4000, 3000);
    for (let i = 0; i < img.data.length; i += 4) {
      const n = (Math.random() - 0.5) * 12;
      img.data[i] += n;
      img.data[i + 1] += n;
      img.data[i + 2] += n;
    }
    ctx.putImageData(img, 0, 0);
    const blob = await new Promise((r) => c.toBlob(r, "image/jpeg", 0.92));
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let s = "";
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(s);
  });
  return Buffer.from(b64, "base64");
}

/// Records what the enhanced page hands to XMLHttpRequest (each part's name, size and type,
/// and the photos' bytes) and every value the upload progress bar shows.
async function recordUploads(page) {
  await page.addInitScript(() => {
    window.__sent = [];
    window.__progress = [];
    const send = XMLHttpRequest.prototype.send;
    XMLHttpRequest.prototype.send = function (body) {
      if (body instanceof FormData) {
        const parts = [...body.entries()];
        window.__sent.push(
          Promise.all(
            parts.map(async ([name, v]) =>
              typeof v === "string"
                ? { name, size: v.length }
                : { name, size: v.size, type: v.type, bytes: Array.from(new Uint8Array(await v.arrayBuffer())) },
            ),
          ),
        );
      }
      return send.call(this, body);
    };
    new MutationObserver(() => {
      const bar = document.querySelector("#upload-progress");
      if (bar) window.__progress.push(Number(bar.value));
    }).observe(document, { subtree: true, childList: true, attributes: true });
  });
}

async function sentParts(page) {
  return page.evaluate(async () => Promise.all(window.__sent));
}

/// Chromium's network throttling, as on a weak mobile connection.
async function throttle(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 150,
    downloadThroughput: 1_600_000 / 8,
    uploadThroughput: 750_000 / 8,
  });
}

function hasExif(bytes) {
  const b = Buffer.from(bytes);
  return b.includes(Buffer.from("Exif\0\0", "binary")) || b.includes(Buffer.from("http://ns.adobe.com/xap"));
}

async function fillReport(page, description) {
  await page.tap("label[for=kind-denunciation]");
  await page.selectOption("#category", "asking_money");
  await page.fill("#description", description);
}

async function reportAndTrack({ js, tag }) {
  const { counter, officers, commune } = await communeWithCounter(server.base, tag);
  const context = await newContext(browser, server.base, { ...PHONE, javaScriptEnabled: js });
  const page = await context.newPage();
  if (js) await recordUploads(page);

  // Not satisfied at the counter, then on to a report with the counter and officer filled in.
  await page.goto(`${server.base}/q/${counter.qr_token}`);
  if (js) await waitForHydration(page);
  await page.tap(`label[for="officer-${officers[0].id}"]`);
  await page.tap("button[value=not_satisfied]");
  await page.waitForURL(/\/thanks\//);
  await page.tap("text=Phản ánh sự việc");
  await page.waitForURL(/\/report\?counter=/);
  if (js) await waitForHydration(page);
  assert.equal((await page.textContent(".unit-name")).trim(), commune.name);
  assert.equal(await page.inputValue("#staff_id"), officers[0].id);
  if (js) await assertAccessible(page, "the report form");

  await page.tap("label[for=kind-denunciation]");
  await page.selectOption("#category", "asking_money");
  await page.fill(
    "#description",
    "Cán bộ yêu cầu tôi nộp thêm 300.000 đồng ngoài lệ phí thì mới nhận hồ sơ.",
  );
  const gpsPhoto = join(photos, "gps_DSCN0010.jpg");
  if (js) {
    // A 12 MP camera photo and a real camera's photo with GPS tags, on a slow uplink.
    const camera = await twelveMegapixelJpeg(page);
    assert.ok(camera.length > 1_500_000, `the 12 MP test photo is only ${camera.length} bytes`);
    await page.setInputFiles("#photos", [
      { name: "IMG_0001.jpg", mimeType: "image/jpeg", buffer: camera },
      { name: "DSCN0010.jpg", mimeType: "image/jpeg", buffer: readFileSync(gpsPhoto) },
    ]);
    await throttle(context, page);
  } else {
    await page.setInputFiles("#photos", [gpsPhoto, join(photos, "orientation_portrait_6.jpg")]);
  }
  await page.tap("form.report-form button[type=submit]");
  if (js) {
    // The progress bar shows while the photos travel.
    await page.waitForSelector("#upload-progress", { timeout: 30_000 });
  }
  await page.waitForSelector("#tracking-code", { timeout: 60_000 });
  const code = (await page.textContent("#tracking-code")).trim();
  const secret = (await page.textContent("#secret")).trim();
  assert.match(code, /^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
  assert.match(secret, /^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
  assert.match(await page.textContent("main"), /Ảnh đã gửi: 2/);
  assert.ok(!page.url().includes(secret.replace(/-/g, "")), "the secret is in the URL");
  if (js) {
    await assertAccessible(page, "the receipt");
    const [parts] = await sentParts(page);
    const sentPhotos = parts.filter((p) => p.name === "photos");
    assert.equal(sentPhotos.length, 2);
    for (const p of sentPhotos) {
      assert.ok(p.size <= 500 * 1024, `a photo travelled as ${p.size} bytes`);
      assert.equal(p.type, "image/jpeg");
      assert.ok(!hasExif(p.bytes), "a photo left the phone with its EXIF/XMP block");
    }
    const progress = await page.evaluate(() => window.__progress);
    assert.ok(
      progress.some((v) => v > 0 && v < 100),
      `the progress bar never showed a partial upload: ${JSON.stringify(progress)}`,
    );
    assert.deepEqual(progress, [...progress].sort((a, b) => a - b), "the progress went backwards");

    // "Save as image": a PNG of the receipt, downloaded.
    const [download] = await Promise.all([page.waitForEvent("download"), page.tap("#save-receipt-image")]);
    assert.match(download.suggestedFilename(), /^minh-bach-.*\.png$/);
    const png = readFileSync(await download.path());
    assert.deepEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
    assert.ok(png.length > 5_000, "the receipt image is blank");
  }

  // Following it: the code and the secret, typed in.
  await page.goto(`${server.base}/track`);
  await page.fill("#tracking_code", code.toLowerCase());
  await page.fill("#secret", secret);
  await page.tap("form button[type=submit]");
  await page.waitForSelector("ol.timeline");
  const main = await page.textContent("main");
  assert.match(main, /Đã tiếp nhận/);
  assert.match(main, /Hệ thống đã tiếp nhận/);
  assert.match(main, /300\.000 đồng/);

  // Adding information from the tracking page, with a photo.
  await page.fill("#addition-text", "Tôi bổ sung: cán bộ đeo thẻ số 0042.");
  await page.setInputFiles("#addition-photos", [join(photos, "orientation_landscape_6.jpg")]);
  await page.tap("form.addition-form button[type=submit]");
  await page.waitForSelector("#addition-saved").catch(async (e) => {
    throw new Error(`${e.message}\n${await page.textContent("body")}`);
  });
  const afterAdding = await page.textContent("main");
  assert.match(afterAdding, /Bạn đã bổ sung thông tin/);
  assert.match(afterAdding, /thẻ số 0042/);

  // A wrong secret shows nothing of the report.
  await page.goto(`${server.base}/track`);
  await page.fill("#tracking_code", code);
  await page.fill("#secret", "AAAA-BBBB-CCCC-DDDD");
  await page.tap("form button[type=submit]");
  await page.waitForSelector(".notice.error");
  assert.doesNotMatch(await page.textContent("main"), /300\.000/);

  assert.deepEqual(context.foreignRequests, [], "a page asked another host for something");
  await context.close();
}

test("an anonymous report with two photos, then tracking it, on a phone", async () => {
  await reportAndTrack({ js: true, tag: "RJS" });
});

test("the same with JavaScript off", async () => {
  await reportAndTrack({ js: false, tag: "RNOJS" });
});

test("offline: the draft, photos included, survives a closed tab and goes when the phone is back online", async () => {
  const { counter } = await communeWithCounter(server.base, "ROFF");
  const context = await newContext(browser, server.base, PHONE);
  let page = await context.newPage();
  await page.goto(`${server.base}/report?counter=${counter.qr_token}`);
  await waitForHydration(page);
  await fillReport(page, "Cán bộ vắng mặt tại quầy suốt buổi sáng, người dân phải chờ hơn hai tiếng.");
  await page.setInputFiles("#photos", [join(photos, "gps_DSCN0012.jpg")]);

  await context.setOffline(true);
  await page.tap("form.report-form button[type=submit]");
  await page.waitForSelector("#draft-saved");
  const saved = await page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open("minhbach");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction("report_drafts").objectStore("report_drafts").getAll();
          all.onsuccess = () => resolve(all.result.map((d) => ({ photos: d.photos.length, bytes: d.photos[0]?.size ?? 0 })));
        };
      }),
  );
  assert.deepEqual(saved.map((d) => d.photos), [1], "the draft and its photo are in IndexedDB");
  assert.ok(saved[0].bytes > 10_000);

  // The tab is closed while offline; later the citizen is back online and opens the page.
  await page.close();
  await context.setOffline(false);
  page = await context.newPage();
  await page.goto(`${server.base}/report?counter=${counter.qr_token}`);
  await page.waitForSelector("#tracking-code", { timeout: 30_000 });
  assert.match(await page.textContent("main"), /Ảnh đã gửi: 1/);
  const code = (await page.textContent("#tracking-code")).trim();
  const secret = (await page.textContent("#secret")).trim();

  // Stored once, with its photo, and the draft is gone.
  await page.goto(`${server.base}/track`);
  await page.fill("#tracking_code", code);
  await page.fill("#secret", secret);
  await page.tap("form button[type=submit]");
  await page.waitForSelector("ol.timeline");
  assert.match(await page.textContent("main"), /vắng mặt tại quầy/);
  await page.goto(`${server.base}/report?counter=${counter.qr_token}`);
  await waitForHydration(page);
  await page.waitForTimeout(500);
  assert.equal(await page.locator("#tracking-code").count(), 0, "a sent draft was sent again");
  await context.close();
});
