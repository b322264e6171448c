// Starts a real Minh Bạch server for a browser test (the dev build of `minhbach`, on a free
// port, on a fresh database of the backend the suite runs on) and Debian's Chromium driven by
// playwright-core. Nothing here downloads a browser.

import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, existsSync, readFileSync, writeFileSync } from "node:fs";
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

/** The environment of a server process on `db` listening on `port`. */
function serverEnv(db, port, extra = {}) {
  return {
    ...process.env,
    DATABASE_URL: db.url,
    MINHBACH_ADDR: `127.0.0.1:${port}`,
    MINHBACH_SITE_ROOT: process.env.MINHBACH_SITE_ROOT ?? join(repoRoot, "target/site"),
    MINHBACH_ADMIN_PASSWORD: ADMIN.password,
    RUST_LOG: process.env.RUST_LOG ?? "warn",
    ...extra,
  };
}

function createAdmin(env) {
  execFileSync(binary(), ["admin", "create", "--username", ADMIN.username, "--full-name", "Nguyễn Văn Quản Trị"], {
    env,
    stdio: ["ignore", "ignore", "inherit"],
  });
}

/** Starts `minhbach serve` with `env`; resolves once it answers /readyz. */
async function launch(env) {
  const child = spawn(binary(), ["serve"], { env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const base = `http://${env.MINHBACH_ADDR}`;
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
  const exited = new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once("exit", r)));
  return {
    base,
    child,
    async kill(signal = "SIGTERM") {
      child.kill(signal);
      await exited;
    },
  };
}

/** The first start after a build compresses the bundles (brotli's best level, tens of seconds
 * on a busy 2-core machine; later starts read them from pkg/.compressed). Wait for that here,
 * once, rather than inside a test's hydration timeout. */
async function warmBundles(base) {
  for (const name of ["minhbach_citizen", "minhbach_report", "minhbach_staff"]) {
    const res = await fetch(`${base}/pkg/${name}_bg.wasm`, { headers: { "accept-encoding": "br" } });
    if (!res.ok) throw new Error(`${name}_bg.wasm: ${res.status}; run .ci/build-site`);
    await res.arrayBuffer();
  }
}

/** Starts the server with one administrator account (and `extraEnv` settings); resolves once
 * it answers /readyz and serves its compressed bundles. */
export async function startServer(extraEnv = {}) {
  const db = freshDatabase();
  const env = serverEnv(db, await freePort(), extraEnv);
  createAdmin(env);
  const server = await launch(env);
  await warmBundles(server.base);
  return {
    base: server.base,
    async stop() {
      await server.kill();
      db.drop();
    },
  };
}

/** The proxy settings of the deployment's nginx site (deploy/nginx-minhbach.conf): its
 * `location` blocks, taken as they are, so the test runs behind the proxy the README ships. */
function deployedLocations() {
  const site = readFileSync(join(repoRoot, "deploy/nginx-minhbach.conf"), "utf8").replace(/#[^\n]*/g, "");
  const blocks = [...site.matchAll(/location[^{]*\{[^}]*\}/g)].map((m) => m[0]);
  if (blocks.length < 2) throw new Error("deploy/nginx-minhbach.conf has no location blocks");
  return blocks.join("\n");
}

/**
 * `processes` server processes on one fresh database behind Debian's nginx on loopback (plain
 * HTTP; the deployed site adds TLS). Returns the proxy's address, each process (to scrape or
 * kill) and `stop()`.
 */
export async function startCluster(processes = 2) {
  const db = freshDatabase();
  const ports = [];
  for (let i = 0; i < processes; i++) ports.push(await freePort());
  // The client address is the rightmost X-Forwarded-For entry, the one nginx appends.
  const envs = ports.map((port) => serverEnv(db, port, { MINHBACH_TRUST_PROXY: "true" }));
  createAdmin(envs[0]);
  // Started together: one of them migrates, the others wait for its lock.
  const servers = await Promise.all(envs.map(launch));
  const dir = mkdtempSync(join(tmpdir(), "minhbach-nginx-"));
  const proxyPort = await freePort();
  const conf = `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream minhbach {
${ports.map((p) => `    server 127.0.0.1:${p} max_fails=3 fail_timeout=10s;`).join("\n")}
    keepalive 8;
  }
  server {
    listen 127.0.0.1:${proxyPort};
    server_name localhost;
    client_max_body_size 60m;
${deployedLocations()}
  }
}
`;
  writeFileSync(join(dir, "nginx.conf"), conf);
  const nginx = spawn(process.env.NGINX ?? "/usr/sbin/nginx", ["-p", dir, "-c", join(dir, "nginx.conf")], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let nginxErr = "";
  nginx.stderr.on("data", (d) => (nginxErr += d));
  const base = `http://127.0.0.1:${proxyPort}`;
  for (let i = 0; ; i++) {
    if (nginx.exitCode !== null) throw new Error(`nginx exited: ${nginxErr} ${readFileSync(join(dir, "error.log"), "utf8")}`);
    try {
      if ((await fetch(`${base}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (i > 100) throw new Error(`nginx did not start: ${nginxErr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  for (const s of servers) await warmBundles(s.base);
  return {
    base,
    servers,
    accessLog: () => readFileSync(join(dir, "access.log"), "utf8"),
    async stop() {
      nginx.kill("SIGTERM");
      await Promise.all(servers.map((s) => (s.child.exitCode === null && s.child.signalCode === null ? s.kill() : null)));
      rmSync(dir, { recursive: true, force: true });
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
  // Evaluated through the DevTools protocol: the pages' Content Security Policy (rightly)
  // refuses an inline <script> without their nonce, which is what addScriptTag would add.
  await page.evaluate(axeSource);
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
