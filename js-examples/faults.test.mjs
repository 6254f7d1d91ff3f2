// The fault matrix (core/tests/it/fault_matrix.json, shared with the Rust and
// Python suites) against the npm package's ZoomPhone. Every verdict is read
// from the mock's request log: attempts on the wire, the operation each
// matched, how often a write reached the handler, and the error class.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import {
  ZoomApiError,
  ZoomDailyLimitError,
  ZoomDecodeError,
  ZoomPageTokenExpiredError,
  ZoomPhone,
  ZoomRateLimitError,
  ZoomTimeoutError,
  ZoomTransportError,
} from "zoom-phone";
import { CREDENTIALS, startMock } from "./lib/mock.mjs";

const matrix = JSON.parse(readFileSync(new URL("../core/tests/it/fault_matrix.json", import.meta.url), "utf8"));

let mock;
before(async () => {
  mock = await startMock();
});
after(() => mock.stop());

const admin = async (method, route, body) => {
  const r = await fetch(`${mock.url}/_admin/${route}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  assert.ok(r.ok, `${method} ${route}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
};

/** The JS error class each outcome of the matrix maps to (the core's class name is its `class`). */
const EXPECT = {
  rate_limit: ZoomRateLimitError,
  daily_limit: ZoomDailyLimitError,
  api: ZoomApiError,
  transport: ZoomTransportError,
  timeout: ZoomTimeoutError,
  decode: ZoomDecodeError,
  page_token_expired: ZoomPageTokenExpiredError,
};

/** A fetch whose every attempt gives up after `ms` (the host's per-attempt timeout). */
const fetchWithTimeout = (ms) => (url, init) =>
  fetch(url, { ...init, signal: AbortSignal.any([init.signal, AbortSignal.timeout(ms)].filter(Boolean)) });

function client(s) {
  const options = {
    baseUrl: mock.api,
    oauthBase: mock.url,
    retry: { maxAttempts: matrix.max_attempts, baseDelayMs: 20, maxDelayMs: 200 },
  };
  if (s.attempt_timeout_ms) options.fetch = fetchWithTimeout(s.attempt_timeout_ms);
  if (s.deadline_ms) options.timeoutMs = s.deadline_ms;
  return new ZoomPhone(CREDENTIALS, options);
}

async function run(zp, s, which) {
  const spec = matrix[which];
  if (which === "walk") {
    for await (const item of zp.paginate(spec.op, spec.params)) void item;
    return;
  }
  await zp.call(spec.op, structuredClone(spec.params), s.retry_non_idempotent ? { retryNonIdempotent: true } : {});
}

test("the fault matrix: every idempotent call recovers within its policy, no write is resent, failures are typed", async () => {
  let faults = 0;
  let checked = 0;
  for (const s of matrix.scenarios) {
    const label = `node / ${s.name}`;
    await admin("POST", "reset", {});
    if (s.setup?.rate_limits) await admin("PUT", "rate_limits", s.setup.rate_limits);
    if (s.setup?.config) await admin("PATCH", "config", s.setup.config);
    const zp = client(s);
    for (const b of s.before ?? []) await run(zp, s, b);
    await admin("DELETE", "requests");
    const { op, path, method } = matrix[s.call];
    let queued = 0;
    let latency = 0;
    for (const f of s.faults) {
      queued += f.count ?? 1;
      latency = Math.max(latency, f.ms ?? 0);
      await admin("POST", "faults", { ...f, path });
    }
    let error;
    try {
      await run(zp, s, s.call);
    } catch (e) {
      error = e;
    }
    // A slow answer the client gave up on is logged when the mock sends it.
    if (latency) await new Promise((r) => setTimeout(r, latency + 300));
    const left = (await admin("GET", "faults")).reduce((n, f) => n + f.count, 0);
    faults += queued - left;
    const hits = (await admin("GET", "requests?path_prefix=/v2")) ?? [];
    checked += hits.length;
    for (const r of hits) {
      assert.equal(r.path, path, label);
      assert.equal(r.method, method, label);
      assert.equal(r.operation, op, label);
    }
    assert.ok(s.attempts <= matrix.max_attempts, label);
    assert.equal(hits.length, s.attempts, `${label}: ${hits.map((r) => r.status)}`);
    if (method === "POST" && !s.retry_non_idempotent) {
      assert.ok(hits.filter((r) => r.status !== 429).length <= 1, `${label}: a write performed twice`);
    }
    if (s.expect === "ok") {
      assert.equal(error, undefined, `${label}: ${error?.stack}`);
      assert.ok(hits.at(-1).status < 300, label);
    } else {
      const Class = EXPECT[s.expect];
      assert.ok(error instanceof Class, `${label}: ${error?.name} ${error?.class} ${error?.message}`);
      if (s.expect !== "api") assert.equal(error.class, s.expect, `${label}: ${error.message}`);
      if (s.status) assert.equal(error.status, s.status, label);
    }
  }
  assert.equal(matrix.scenarios.length, 20);
  console.log(
    `fault matrix (node): ${matrix.scenarios.length} scenarios, ${faults} faults injected, ${checked} requests checked from the log`,
  );
});
