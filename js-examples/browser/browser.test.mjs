// The package in a real browser: headless Chromium (Debian's) driven by
// playwright-core loads pkce.html from a local server, signs in with PKCE at
// the mock (cross-origin: CORS), calls the API and verifies a webhook.
// `make test-browser`; CHROMIUM overrides /usr/bin/chromium.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

import { startMock } from "../lib/mock.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const pkg = fileURLToPath(new URL("../node_modules/zoom-phone/", import.meta.url));
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" };

let mock, site, browser;
before(async () => {
  mock = await startMock();
  site = createServer(async (req, res) => {
    const path = normalize(new URL(req.url, "http://x").pathname);
    const file = path.startsWith("/pkg/") ? pkg + path.slice(5) : here + path.slice(1);
    try {
      const body = await readFile(file);
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => site.listen(0, "127.0.0.1", resolve));
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
});
after(async () => {
  await browser?.close();
  site?.close();
  mock?.stop();
});

test("PKCE sign-in, API calls across origins and webhook verification in Chromium", async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`http://127.0.0.1:${site.address().port}/pkce.html?mock=${encodeURIComponent(mock.url)}`);
  await page.waitForFunction(() => window.__result !== undefined, null, { timeout: 30000 });
  const result = await page.evaluate(() => window.__result);
  assert.deepEqual(errors, []);
  assert.deepEqual(result, { refresh: "string", sites: 5, walked: 250, webhook: "verified; tampered body refused (bad_signature)" });
  assert.doesNotMatch(page.url(), /code=/);
  const log = await mock.admin.requests("/oauth/token");
  assert.equal(log.length, 1);
  assert.match(log[0].body, /code_verifier=/);
});
