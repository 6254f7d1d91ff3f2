// The JS client as an interpreter of the core's host protocol, against the
// mock: the fast path's crossings, nothing lost when a call is abandoned
// during its token renewal, a lock wait that honours its abort signal, and
// the evidence every error class carries (issue 14 items 3, 6, 7).
import { after, before, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { once } from "node:events";
import { createServer } from "node:net";

import {
  MemoryTokenStore,
  ZoomAuthenticationError,
  ZoomPhone,
  ZoomRateLimitError,
  ZoomTimeoutError,
  ZoomTransportError,
  createAuthorization,
  exchangeCode,
} from "zoom-phone";
import { CREDENTIALS, startMock } from "./lib/mock.mjs";

const ENTRIES = Symbol.for("zoom-phone.coreEntries");

let mock;
before(async () => {
  mock = await startMock();
});
after(() => mock.stop());
beforeEach(() => mock.admin.reset());

const s2s = (options = {}) => new ZoomPhone(CREDENTIALS, { baseUrl: mock.api, oauthBase: mock.url, ...options });
const app = () => ({ clientId: "mock-client-id", clientSecret: "mock-client-secret", redirectUri: "http://127.0.0.1:9/cb", oauthBase: mock.url });

/** A user's tokens from the code flow (the mock consents at once). */
async function userTokens() {
  const auth = createAuthorization(app());
  const consent = await fetch(auth.url, { redirect: "manual" });
  const callbackUrl = consent.headers.get("location") ?? "";
  return exchangeCode(app(), { callbackUrl, state: auth.state, codeVerifier: auth.codeVerifier });
}

const fingerprint = (secret) => `<fp:${createHash("sha256").update(secret).digest("hex").slice(0, 12)}>`;

/** The refresh tokens the mock received, in order, with its answer's status. */
async function refreshes() {
  const log = await mock.admin.requests("/oauth/token");
  return log
    .map((r) => ({ status: r.status, params: new URLSearchParams(`${r.query ?? ""}&${r.body ?? ""}`) }))
    .filter((r) => r.params.get("grant_type") === "refresh_token")
    .map((r) => [r.status, r.params.get("refresh_token")]);
}

const until = async (what, ok) => {
  for (let i = 0; i < 400; i++) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`timed out waiting for ${what}`);
};

test("a call with a valid token is two crossings into the core: start and the response", async () => {
  const zp = s2s();
  await zp.callQueues.listCallQueues({ page_size: 1 }); // fetches the token (and reads the private store)
  for (const call of [
    () => zp.callQueues.listCallQueues({ page_size: 1 }),
    () => zp.users.phoneUser({ userId: "u-1" }).catch(() => {}),
    () => zp.blockedList.addAnumberToBlockedList({ body: { phone_number: "+15550100", match_type: "phoneNumber" } }),
  ]) {
    const before = zp[ENTRIES];
    await call();
    assert.equal(zp[ENTRIES] - before, 2);
  }
  // A page of a walk costs the same two.
  const before = zp[ENTRIES];
  let n = 0;
  for await (const _ of zp.callLogs.accountCallHistory.iter({ page_size: 300 }, { limit: 900 })) n++;
  assert.equal(n, 900);
  assert.equal(zp[ENTRIES] - before, 3 * 2);
});

test("a call aborted during its token refresh is rejected at once; the rotated refresh token is still saved and used next", async () => {
  const tokens = await userTokens();
  const store = new MemoryTokenStore({ ...tokens, expires_at: 0 });
  const order = [];
  const fetchLogged = async (url, init) => {
    const r = await fetch(url, init);
    if (String(url).endsWith("/oauth/token")) order.push("token answered");
    return r;
  };
  const zp = new ZoomPhone(
    { clientId: "mock-client-id", clientSecret: "mock-client-secret", tokens: { ...tokens, expires_at: 0 } },
    { baseUrl: mock.api, oauthBase: mock.url, tokenStore: store, fetch: fetchLogged },
  );
  await mock.admin.fault({ kind: "latency", ms: 300, path: "/oauth/token", count: 1 });
  const controller = new AbortController();
  const call = zp.users.listPhoneUsers({ page_size: 1 }, { signal: controller.signal });
  await until("the refresh to be sent", async () => (await mock.admin.requests("/oauth/token")).length === 1 || order.length > 0);
  controller.abort();
  await assert.rejects(call, { name: "AbortError" });
  order.push("call rejected");
  // The refresh completes in the background and its rotated tokens are saved.
  await until("the rotated tokens to be saved", async () => (await store.load()).refresh_token !== tokens.refresh_token);
  assert.deepEqual(order, ["call rejected", "token answered"]);
  const rotated = (await store.load()).refresh_token;
  assert.equal((await mock.admin.requests("/v2")).length, 0, "the abandoned call sent no API request");
  // The next renewal sends the rotated refresh token, and Zoom takes it.
  await mock.admin.expireTokens();
  const page = await zp.users.listPhoneUsers({ page_size: 1 });
  assert.equal(page.users.length, 1);
  assert.deepEqual(await refreshes(), [
    [200, fingerprint(tokens.refresh_token)],
    [200, fingerprint(rotated)],
  ]);
});

test("a call whose deadline passes during its token refresh times out then; the refresh still completes and is saved", async () => {
  const tokens = await userTokens();
  const store = new MemoryTokenStore({ ...tokens, expires_at: 0 });
  const order = [];
  const fetchLogged = async (url, init) => {
    const r = await fetch(url, init);
    if (String(url).endsWith("/oauth/token")) order.push("token answered");
    return r;
  };
  const zp = new ZoomPhone(
    { clientId: "mock-client-id", clientSecret: "mock-client-secret", tokens: { ...tokens, expires_at: 0 } },
    { baseUrl: mock.api, oauthBase: mock.url, tokenStore: store, fetch: fetchLogged },
  );
  await mock.admin.fault({ kind: "latency", ms: 400, path: "/oauth/token", count: 1 });
  await assert.rejects(zp.users.listPhoneUsers({ page_size: 1 }, { timeoutMs: 100 }), (e) => {
    assert.ok(e instanceof ZoomTimeoutError, `${e.name}: ${e.message}`);
    return true;
  });
  order.push("call timed out");
  await until("the rotated tokens to be saved", async () => (await store.load()).refresh_token !== tokens.refresh_token);
  assert.deepEqual(order, ["call timed out", "token answered"]);
  const page = await zp.users.listPhoneUsers({ page_size: 1 });
  assert.equal(page.users.length, 1);
  assert.equal((await refreshes()).length, 1, "the saved tokens serve the next call without another refresh");
});

test("a call waiting for the token store's lock honours its abort signal at once", async () => {
  const tokens = await userTokens();
  const store = new MemoryTokenStore({ ...tokens, expires_at: 0 });
  const release = await store.lock(); // another client holds it
  const zp = new ZoomPhone(
    { clientId: "mock-client-id", clientSecret: "mock-client-secret", tokens: { ...tokens, expires_at: 0 } },
    { baseUrl: mock.api, oauthBase: mock.url, tokenStore: store },
  );
  const controller = new AbortController();
  const call = zp.users.listPhoneUsers({ page_size: 1 }, { signal: controller.signal });
  await new Promise((r) => setTimeout(r, 50));
  const order = [];
  controller.abort();
  await assert.rejects(call, { name: "AbortError" });
  order.push("rejected");
  await release();
  order.push("released");
  assert.deepEqual(order, ["rejected", "released"]);
  // The lock the abandoned call then took is given back: the next call renews and answers.
  const page = await zp.users.listPhoneUsers({ page_size: 1 });
  assert.equal(page.users.length, 1);
  assert.equal((await refreshes()).length, 1);
});

test("a fixed token Zoom refuses is an authentication error with Zoom's evidence (issue 14 item 3)", async () => {
  for (const zp of [
    new ZoomPhone({ accessToken: "bogus" }, { baseUrl: mock.api }),
    new ZoomPhone({ tokenSource: async () => "bogus" }, { baseUrl: mock.api }),
  ]) {
    await assert.rejects(zp.sites.listPhoneSites(), (e) => {
      assert.ok(e instanceof ZoomAuthenticationError, `${e.name}: ${e.message}`);
      assert.equal(e.class, "authentication");
      assert.equal(e.status, 401);
      assert.equal(e.zoomCode, 124);
      assert.match(e.zoomMessage, /access token/i);
      assert.match(e.trackingId, /./);
      return true;
    });
  }
});

test("a 429 carries the rate-limit headers in the documented shape and the retry-after (issue 14 item 6)", async () => {
  await fetch(`${mock.url}/_admin/rate_limits`, { method: "PUT", headers: { "content-type": "application/json" }, body: '"pro"' });
  await mock.admin.fault({ kind: "429", retry_after: "2", count: 1, path: "/v2/phone/sites" });
  const zp = s2s({ retry: { maxAttempts: 1 } });
  await assert.rejects(zp.sites.listPhoneSites(), (e) => {
    assert.ok(e instanceof ZoomRateLimitError);
    assert.equal(e.retryAfterMs, 2000);
    assert.ok(e.retryAt instanceof Date && Math.abs(e.retryAt.getTime() - Date.now() - 2000) < 1500);
    assert.deepEqual(Object.keys(e.rateLimit).sort(), ["category", "limit", "remaining", "type"]);
    return true;
  });
  // A success's answer shows the same shape.
  const answer = await zp.request("listPhoneSites");
  assert.equal(answer.rateLimit.category, "medium");
  assert.equal(answer.rateLimit.type, "qps");
  assert.equal(typeof answer.rateLimit.limit, "number");
  assert.equal(typeof answer.headers.get, "function");
});

test("a transport failure names the host and port and keeps the platform's error as cause; so does a failing token source (issue 14 item 7)", async () => {
  // A port nothing listens on: taken, then given back.
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  const refused = new ZoomPhone({ accessToken: "t" }, { baseUrl: `http://127.0.0.1:${port}/v2`, retry: { maxAttempts: 1 } });
  await assert.rejects(refused.sites.listPhoneSites(), (e) => {
    assert.ok(e instanceof ZoomTransportError, `${e.name}: ${e.message}`);
    assert.equal(e.transport.kind, "connect");
    assert.ok(e.message.includes(`127.0.0.1:${port}`), e.message);
    assert.equal(e.transport.target, `http://127.0.0.1:${port}`);
    assert.ok(e.cause instanceof Error, "the platform's error is the cause");
    return true;
  });
  class VaultError extends Error {
    name = "VaultError";
  }
  const sealed = new VaultError("sealed: secret-in-message");
  const zp = new ZoomPhone({ tokenSource: async () => { throw sealed; } }, { baseUrl: mock.api });
  await assert.rejects(zp.sites.listPhoneSites(), (e) => {
    assert.ok(e instanceof ZoomAuthenticationError, `${e.name}: ${e.message}`);
    assert.match(e.message, /VaultError/);
    // What the source was handling stays out of the message, as in Python; it is in the cause.
    assert.ok(!e.message.includes("secret-in-message"), e.message);
    assert.equal(e.cause, sealed);
    return true;
  });
});

test("the core's log records reach the logger, at the level asked, without a secret", async () => {
  const records = [];
  const logger = Object.fromEntries(["debug", "info", "warn", "error"].map((level) => [level, (message, r) => records.push({ level, message, r })]));
  const zp = s2s({ logger, log: "debug" });
  await zp.callQueues.listCallQueues({ page_size: 1 });
  const names = records.map((x) => x.r.name);
  assert.ok(names.includes("request") && names.includes("response"), names.join(" "));
  assert.ok(records.every((x) => x.level === x.r.level && typeof x.message === "string"));
  const text = JSON.stringify(records);
  assert.ok(!text.includes(CREDENTIALS.clientSecret), "no client secret in the log");
  assert.ok(!/Bearer \S/.test(text), "no token in the log");
  // Off unless asked: a client without a logger builds no records.
  const quiet = [];
  await s2s({ logger: { info: (m) => quiet.push(m) }, log: "off" }).callQueues.listCallQueues({ page_size: 1 });
  assert.deepEqual(quiet, []);
});

test("an attempt's abort controller serves the next attempts unless it aborted; a timed-out attempt's is never handed on", async () => {
  const signals = [];
  let hang = false;
  const fetch = (url, init) => {
    signals.push(init.signal);
    if (!hang) return globalThis.fetch(url, init);
    // A server that never answers: only the attempt's timeout ends it.
    return new Promise((_, reject) => init.signal.addEventListener("abort", () => reject(init.signal.reason), { once: true }));
  };
  const zp = s2s({ fetch, attemptTimeoutMs: 50, retry: { maxAttempts: 1 } });
  for (let i = 0; i < 3; i++) await zp.callQueues.listCallQueues({ page_size: 1 });
  // The token request and three calls, one after another: one controller.
  assert.equal(new Set(signals).size, 1);
  assert.equal(signals[0].aborted, false);
  hang = true;
  // An attempt that times out is a transport failure (the call's own deadline is a timeout).
  await assert.rejects(zp.callQueues.listCallQueues({ page_size: 1 }), ZoomTransportError);
  const timedOut = signals.at(-1);
  assert.equal(timedOut.aborted, true);
  hang = false;
  await zp.callQueues.listCallQueues({ page_size: 1 });
  assert.notEqual(signals.at(-1), timedOut);
  assert.equal(signals.at(-1).aborted, false);
});

test("no abort controller serves more than 64 attempts (each leaves a listener on its signal until collected)", async () => {
  const uses = new Map();
  const fetch = (url, init) => {
    uses.set(init.signal, (uses.get(init.signal) ?? 0) + 1);
    return globalThis.fetch(url, init);
  };
  const zp = s2s({ fetch });
  for (let i = 0; i < 150; i++) await zp.callQueues.listCallQueues({ page_size: 1 });
  // The token request and 150 calls, in turn: 64, 64, then 23 on a third.
  assert.deepEqual([...uses.values()], [64, 64, 23]);
});
