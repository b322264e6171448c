// Starts a real Minh Bạch server for a browser test (the dev build of `minhbach`, on a free
// port, on a fresh database of the backend the suite runs on) and Debian's Chromium driven by
// playwright-core. Nothing here downloads a browser.

import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, "../..");
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

export const ADMIN = { username: "quantri.test", password: "mat-khau-rat-dai-123" };

function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

/** A fresh database URL: a SQLite file in a temp dir, or a new PostgreSQL database. */
function freshDatabase() {
  const spec = process.env.MINHBACH_TEST_DATABASE ?? "sqlite";
  if (spec.startsWith("postgres")) {
    const name = `mb_browser_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
    const admin = new URL(spec);
    execFileSync("psql", [spec, "-q", "-c", `CREATE DATABASE ${name}`], { stdio: "inherit" });
    admin.pathname = `/${name}`;
    return {
      url: admin.toString(),
      drop: () => {
        try {
          execFileSync("psql", [spec, "-q", "-c", `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`]);
        } catch {
          // best effort: a leftover test database harms nothing
        }
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), "minhbach-browser-"));
  return { url: `sqlite://${join(dir, "minhbach.db")}`, drop: () => rmSync(dir, { recursive: true, force: true }) };
}

function binary() {
  const bin = process.env.MINHBACH_BIN ?? join(repoRoot, "target/debug/minhbach");
  if (!existsSync(bin)) throw new Error(`no server binary at ${bin}: run .ci/test (it builds it)`);
  return bin;
}

/** Starts the server with one administrator account; resolves once it answers /readyz and
 * serves its compressed bundles. */
export async function startServer() {
  const db = freshDatabase();
  const port = await freePort();
  const env = {
    ...process.env,
    DATABASE_URL: db.url,
    MINHBACH_ADDR: `127.0.0.1:${port}`,
    MINHBACH_SITE_ROOT: process.env.MINHBACH_SITE_ROOT ?? join(repoRoot, "target/site"),
    MINHBACH_ADMIN_PASSWORD: ADMIN.password,
    RUST_LOG: process.env.RUST_LOG ?? "warn",
  };
  execFileSync(binary(), ["admin", "create", "--username", ADMIN.username, "--full-name", "Nguyễn Văn Quản Trị"], {
    env,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const child = spawn(binary(), ["serve"], { env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`server exited: ${stderr}`);
    try {
      const res = await fetch(`${base}/readyz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (i > 300) throw new Error(`server did not become ready: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  // The first start after a build compresses the bundles (brotli's best level, tens of seconds
  // on a busy 2-core machine; later starts read them from pkg/.compressed). Wait for that
  // here, once, rather than inside a test's hydration timeout.
  for (const name of ["minhbach_citizen", "minhbach_report", "minhbach_staff"]) {
    const res = await fetch(`${base}/pkg/${name}_bg.wasm`, { headers: { "accept-encoding": "br" } });
    if (!res.ok) throw new Error(`${name}_bg.wasm: ${res.status}; run .ci/build-site`);
    await res.arrayBuffer();
  }
  return {
    base,
    async stop() {
      child.kill("SIGTERM");
      await new Promise((r) => (child.exitCode !== null ? r() : child.once("exit", r)));
      db.drop();
    },
  };
}

export const PHONE = { viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 };
export const DESKTOP = { viewport: { width: 1280, height: 800 } };

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * A browser context that fails the test on any request to another host: the pages must not
 * announce a visit to anyone but the platform.
 */
export async function newContext(browser, base, options) {
  const context = await browser.newContext({ locale: "vi-VN", ...options });
  const foreign = [];
  const origin = new URL(base).origin;
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith("data:") || url.startsWith("blob:")) return route.continue();
    foreign.push(url);
    return route.abort();
  });
  context.foreignRequests = foreign;
  return context;
}

/** Runs axe-core (WCAG 2.1 A and AA rules) on the page; returns the violations. */
export async function axeViolations(page) {
  await page.addScriptTag({ content: axeSource });
  return page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
    }));
  });
}

/** Fails with the list of WCAG 2.1 AA violations axe-core finds on the page. axe-core runs as
 * a script in the page, so it checks pages with JavaScript on; a no-JS run renders the very
 * same server HTML. */
export async function assertAccessible(page, what) {
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], `axe-core found WCAG 2.1 AA problems on ${what}`);
}

/** Waits until the WASM bundle has hydrated the page (the app marks <html> when it has). */
export async function waitForHydration(page) {
  await page.waitForFunction(() => document.documentElement.dataset.hydrated === "1", null, { timeout: 20000 });
}

export async function signIn(page, base, { username, password } = ADMIN) {
  await page.goto(`${base}/login`);
  await page.fill("#username", username);
  await page.fill("#password", password);
  await Promise.all([page.waitForURL(`${base}/admin`), page.click("button[type=submit]")]);
}

export async function screenshot(page, name) {
  if (!process.env.MINHBACH_SCREENSHOTS) return;
  await page.screenshot({ path: join(here, "artifacts", `${name}.png`), fullPage: true });
}

/** The JSON API as a signed-in account: `api.post(path, body)`, `api.get(path)`. One sign-in
 * per server and account, kept for the test file (access tokens last 15 minutes, a file takes
 * a few): the server allows five sign-ins per account in a few minutes, as it should. */
const signedIn = new Map();
export function apiAs(base, account = ADMIN) {
  const key = `${base} ${account.username}`;
  if (!signedIn.has(key)) {
    const session = signInApi(base, account);
    signedIn.set(key, session);
    session.catch(() => signedIn.delete(key));
  }
  return signedIn.get(key);
}

async function signInApi(base, { username, password }) {
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  if (!login.ok) throw new Error(`API sign-in failed: ${login.status} ${await login.text()}`);
  const { access_token } = await login.json();
  const call = async (method, path, body) => {
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${access_token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  return { get: (p) => call("GET", p), post: (p, b) => call("POST", p, b), patch: (p, b) => call("PATCH", p, b) };
}

/** A commune with one counter and two officers serving at it, made through the API. */
export async function communeWithCounter(base, tag) {
  const api = await apiAs(base);
  const province = await api.post("/units", { kind: "province", code: `P-${tag}`, name: `Tỉnh ${tag}` });
  const commune = await api.post("/units", {
    parent_id: province.id,
    kind: "commune",
    code: `C-${tag}`,
    name: `UBND xã Yên Thành ${tag}`,
  });
  const counter = await api.post("/counters", { unit_id: commune.id, name: `Quầy 2 - Đất đai ${tag}` });
  const officers = [];
  for (const [i, name] of ["Lê Văn Minh", "Phạm Thị Thu"].entries()) {
    officers.push(
      await api.post("/staff", {
        unit_id: commune.id,
        full_name: `${name} ${tag}`,
        title: "Công chức Địa chính - Xây dựng",
        badge_number: `YT-${tag}-${i}`,
        counter_id: counter.id,
      }),
    );
  }
  return { api, province, commune, counter, officers };
}
