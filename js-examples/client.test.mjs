// The ZoomPhone client against the mock Zoom Phone server: auth, CRUD,
// paging, faults, token renewal, downloads, webhooks, bad input. Every
// assertion reads what the mock saw (its request log) where that is the point.
import { after, before, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";

import {
  ZoomApiError,
  ZoomAuthError,
  ZoomBuildError,
  ZoomNotFoundError,
  ZoomPhone,
  ZoomPhoneError,
  ZoomTransportError,
  ZoomValidationError,
  catalog,
  handleNodeWebhook,
  isZoomRateLimitError,
} from "zoom-phone";
import { CREDENTIALS, startMock } from "./lib/mock.mjs";
// The same module instance the package entry loaded (npm links the package).
import { __panicForTests } from "../bindings-wasm/dist/zoom_phone_wasm.js";

let mock;
before(async () => {
  mock = await startMock();
});
after(() => mock.stop());
beforeEach(() => mock.admin.reset());

const client = (options = {}, credentials = CREDENTIALS) =>
  new ZoomPhone(credentials, { baseUrl: mock.api, oauthBase: mock.url, ...options });
const tokenRequests = async () => (await mock.admin.requests("/oauth/token")).length;
const apiRequests = async (prefix = "/v2") => mock.admin.requests(prefix);

test("all 391 operations are methods of their tag's group; exactly the paginated ones have iter()", () => {
  const zp = client();
  const ops = catalog().operations;
  const methods = new Map();
  for (const [group, api] of Object.entries(zp)) {
    for (const [name, method] of Object.entries(api)) methods.set(`${group}.${name}`, method);
  }
  assert.equal(methods.size, 391);
  assert.equal(ops.length, 391);
  const paged = [...methods.values()].filter((m) => typeof m.iter === "function").length;
  assert.equal(paged, ops.filter((o) => o.pagination).length);
  assert.equal(typeof zp.callQueues.listCallQueues.iter, "function");
  assert.equal(zp.callQueues.getACallQueue.iter, undefined);
});

test("server-to-server: one token request, then calls with the bearer token", async () => {
  const zp = client();
  const users = await zp.users.listPhoneUsers({ page_size: 10 });
  assert.equal(users.users.length, 10);
  await zp.callQueues.listCallQueues();
  const token = await mock.admin.requests("/oauth/token");
  assert.equal(token.length, 1);
  assert.match(token[0].query + token[0].body, /grant_type=account_credentials/);
  const api = await apiRequests();
  assert.equal(api.length, 2);
  for (const r of api) {
    assert.match(r.headers.authorization, /^Bearer <fp:/);
    assert.match(r.headers["user-agent"], /^zoom-phone-js\//);
  }
});

test("CRUD on the blocked list: create, read back, update, delete, then 404", async () => {
  const zp = client();
  const { id } = await zp.blockedList.addAnumberToBlockedList({
    body: { phone_number: "+15550100", match_type: "phoneNumber", block_type: "inbound", comment: "spam", status: "active" },
  });
  assert.equal(typeof id, "string");
  const read = await zp.blockedList.getABlockedList({ blockedListId: id });
  assert.equal(read.phone_number, "+15550100");
  assert.equal(read.comment, "spam");
  await zp.blockedList.updateBlockedList({ blockedListId: id, body: { comment: "robocaller" } });
  assert.equal((await zp.blockedList.getABlockedList({ blockedListId: id })).comment, "robocaller");
  assert.equal(await zp.blockedList.deleteABlockedList({ blockedListId: id }), undefined);
  await assert.rejects(zp.blockedList.getABlockedList({ blockedListId: id }), (e) => {
    assert.ok(e instanceof ZoomNotFoundError && e instanceof ZoomApiError && e instanceof Error);
    assert.equal(e.status, 404);
    assert.equal(e.class, "not_found");
    assert.equal(typeof e.zoomCode, "number");
    assert.match(e.trackingId, /./);
    return true;
  });
});

test("a paginated walk yields all 20,000 call-history records once each", async () => {
  const zp = client();
  const ids = new Set();
  for await (const record of zp.callLogs.accountCallHistory.iter({ page_size: 300 })) ids.add(record.call_history_uuid);
  assert.equal(ids.size, 20000);
  const pages = await apiRequests("/v2/phone/call_history");
  assert.equal(pages.length, Math.ceil(20000 / 300));
  assert.doesNotMatch(pages[0].query ?? "", /next_page_token/);
  assert.match(pages[1].query, /next_page_token=/);
});

test("iter stops at `limit` items, mid-page", async () => {
  const zp = client();
  const got = [];
  for await (const q of zp.callLogs.accountCallHistory.iter({ page_size: 30 }, { limit: 45 })) got.push(q);
  assert.equal(got.length, 45);
  assert.equal((await apiRequests("/v2/phone/call_history")).length, 2);
});

test("429 with Retry-After and 503s are retried; the call succeeds", async () => {
  const zp = client({ retry: { baseDelayMs: 1, maxDelayMs: 5 } });
  await zp.callQueues.listCallQueues(); // token first
  await mock.admin.fault({ kind: "429", retry_after: "0", path: "/v2/phone/call_queues" });
  await mock.admin.fault({ kind: "503", count: 2, path: "/v2/phone/call_queues" });
  await mock.admin.clearRequests();
  const q = await zp.callQueues.listCallQueues({ page_size: 3 });
  assert.equal(q.call_queues.length, 3);
  const statuses = (await apiRequests("/v2/phone/call_queues")).map((r) => r.status);
  assert.deepEqual(statuses, [429, 503, 503, 200]);
});

test("a POST is not retried after a 503 (it may have been applied)", async () => {
  const zp = client({ retry: { baseDelayMs: 1, maxDelayMs: 5 } });
  await mock.admin.fault({ kind: "503", path: "/v2/phone/blocked_list" });
  await assert.rejects(zp.blockedList.addAnumberToBlockedList({ body: { phone_number: "+15550101" } }), (e) => {
    assert.ok(e instanceof ZoomApiError);
    assert.equal(e.status, 503);
    return true;
  });
  assert.equal((await apiRequests("/v2/phone/blocked_list")).length, 1);
});

test("429s beyond the retry budget surface as ZoomRateLimitError with retryAfterMs and the rate-limit headers", async () => {
  const zp = client({ retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 } });
  await mock.admin.fault({ kind: "429", retry_after: "0", count: 5, path: "/v2/phone/sites" });
  await assert.rejects(zp.sites.listPhoneSites(), (e) => {
    assert.ok(isZoomRateLimitError(e));
    assert.equal(e.status, 429);
    assert.equal(e.class, "rate_limit");
    assert.equal(e.retryAfterMs, 0);
    assert.ok(e.retryAt instanceof Date);
    return true;
  });
});

test("an expired token is renewed once and the call resent", async () => {
  const zp = client();
  await zp.sites.listPhoneSites();
  await mock.admin.expireTokens();
  await zp.sites.listPhoneSites();
  assert.equal(await tokenRequests(), 2);
  const statuses = (await apiRequests("/v2/phone/sites")).map((r) => r.status);
  assert.deepEqual(statuses, [200, 401, 200]);
});

test("100 concurrent calls with an expired token make exactly one token request", async () => {
  const zp = client();
  await zp.sites.listPhoneSites();
  await mock.admin.expireTokens();
  await mock.admin.clearRequests();
  const results = await Promise.all(Array.from({ length: 100 }, () => zp.callQueues.listCallQueues({ page_size: 1 })));
  assert.equal(results.length, 100);
  assert.equal(await tokenRequests(), 1);
});

test("100 concurrent first calls share one token request", async () => {
  const zp = client();
  await Promise.all(Array.from({ length: 100 }, () => zp.sites.listPhoneSites()));
  assert.equal(await tokenRequests(), 1);
});

test("a token store is loaded at start and given every new token", async () => {
  const saved = [];
  const store = { load: async () => saved.at(-1), save: async (t) => void saved.push(t) };
  await client({ tokenStore: store }).sites.listPhoneSites();
  assert.equal(saved.length, 1);
  assert.equal(typeof saved[0].access_token, "string");
  assert.ok(saved[0].expires_at > Date.now());
  await client({ tokenStore: store }).sites.listPhoneSites();
  assert.equal(await tokenRequests(), 1, "the second client used the stored token");
});

test("a fixed access token and a token source", async () => {
  const r = await fetch(`${mock.url}/_admin/tokens`, { method: "POST", body: "{}", headers: { "content-type": "application/json" } });
  const { access_token } = await r.json();
  await client({}, { accessToken: access_token }).sites.listPhoneSites();
  let asked = 0;
  const zp = client({}, { tokenSource: async () => (asked++, { accessToken: access_token, expiresIn: 3600 }) });
  await Promise.all([zp.sites.listPhoneSites(), zp.sites.listPhoneSites()]);
  assert.equal(asked, 1);
  assert.equal(await tokenRequests(), 0);
});

test("a recording download comes back byte for byte", async () => {
  const zp = client();
  const bytes = await zp.recordings.phoneDownloadRecordingFile({ fileId: "rec-42" });
  assert.ok(bytes instanceof Uint8Array);
  const r = await fetch(`${mock.url}/_admin/tokens`, { method: "POST", body: "{}", headers: { "content-type": "application/json" } });
  const { access_token } = await r.json();
  const raw = await fetch(`${mock.api}/phone/recording/download/rec-42`, { headers: { authorization: `Bearer ${access_token}` } });
  const expected = new Uint8Array(await raw.arrayBuffer());
  assert.ok(expected.length > 4000);
  assert.equal(Number(raw.headers.get("content-length")), expected.length);
  assert.deepEqual(bytes, expected);
  assert.deepEqual(await zp.download(`${mock.api}/phone/recording/download/rec-42`), expected);
});

test("the transcript operation answers with the VTT text (the redirect followed), its URL in request().location", async () => {
  const zp = client();
  const text = await zp.recordings.phoneDownloadRecordingTranscript({ recordingId: "rec7" });
  assert.equal(typeof text, "string");
  assert.match(text, /^WEBVTT/);
  const answer = await zp.request("phoneDownloadRecordingTranscript", { recordingId: "rec7" });
  assert.equal(answer.kind, "text");
  assert.equal(answer.body, text);
  assert.match(answer.location, /\/_files\/transcripts\/rec7\.vtt$/);
  const files = await mock.admin.requests("/_files");
  assert.deepEqual(
    files.map((r) => [r.method, r.path, r.status]),
    [
      ["GET", "/_files/transcripts/rec7.vtt", 200],
      ["GET", "/_files/transcripts/rec7.vtt", 200],
    ],
  );
});

test("bad input fails before anything is sent, with a typed error", async () => {
  const zp = client();
  await assert.rejects(zp.blockedList.getABlockedList({}), (e) => {
    assert.ok(e instanceof ZoomBuildError && !(e instanceof ZoomApiError));
    assert.equal(e.class, "build");
    assert.equal(e.code, "missing_parameter");
    assert.match(e.message, /blockedListId/);
    return true;
  });
  await assert.rejects(zp.callQueues.listCallQueues({ page_sise: 10 }), { code: "unknown_parameter" });
  await assert.rejects(zp.callQueues.listCallQueues({ page_size: "ten" }), { code: "invalid_parameter" });
  await assert.rejects(zp.call("noSuchOperation"), { code: "unknown_operation" });
  await assert.rejects(zp.callQueues.listCallQueues([1, 2]), TypeError);
  assert.throws(() => client({ baseUrl: "not a url" }), ZoomPhoneError);
  assert.throws(() => new ZoomPhone({}), { name: "ZoomBuildError", code: "invalid_config" });
  assert.throws(() => new ZoomPhone(null), TypeError);
  assert.equal((await mock.admin.requests()).length, 0);
});

test("wrong credentials: ZoomAuthError, and the secret is in no message", async () => {
  const secret = "very-secret-value-123";
  const zp = client({}, { ...CREDENTIALS, clientSecret: secret });
  await assert.rejects(zp.sites.listPhoneSites(), (e) => {
    assert.ok(e instanceof ZoomAuthError);
    assert.equal(e.code, "invalid_client");
    assert.equal(e.status, 401);
    assert.ok(!e.message.includes(secret) && !e.stack.includes(secret));
    return true;
  });
});

test("timeouts and aborts end the call and leave the session usable", async () => {
  const zp = client();
  await zp.sites.listPhoneSites();
  await mock.admin.fault({ kind: "latency", ms: 3000, path: "/v2/phone/call_queues", count: 5 });
  await assert.rejects(zp.callQueues.listCallQueues({}, { timeoutMs: 150 }), (e) => {
    assert.ok(e instanceof ZoomTransportError);
    return true;
  });
  const controller = new AbortController();
  const pending = zp.callQueues.listCallQueues({}, { signal: controller.signal });
  setTimeout(() => controller.abort(), 50);
  await assert.rejects(pending, { name: "AbortError" });
  await mock.admin.reset();
  await zp.sites.listPhoneSites();
});

test("webhooks sent by the mock are verified on node:http; forgeries are refused", async () => {
  const secret = "webhook-secret-token";
  const seen = [];
  const server = createServer(async (req, res) => seen.push(await handleNodeWebhook(req, res, secret)));
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${server.address().port}/hook`;
  try {
    const ok = await mock.admin.sendWebhook({ url, event: "phone.callee_ringing", secret });
    assert.equal(ok.status, 204);
    assert.equal(seen.at(-1).event, "phone.callee_ringing");
    assert.equal(seen.at(-1).payload.event, "phone.callee_ringing");
    const forged = await mock.admin.sendWebhook({ url, event: "phone.callee_ringing", secret, wrong_secret: true });
    assert.equal(forged.status, 401);
    assert.equal(seen.at(-1), null);
    const stale = await mock.admin.sendWebhook({ url, event: "phone.callee_ringing", secret, timestamp_offset_secs: -600 });
    assert.ok(stale.status >= 400);
    const validation = await mock.admin.sendWebhook({ url, event: "endpoint.url_validation", secret });
    assert.equal(validation.status, 200);
    assert.equal(validation.validation.ok, true);
    const events = await mock.admin.events();
    const names = Array.isArray(events) ? events : events.events;
    let verified = 0;
    for (const event of names.filter((e) => e !== "endpoint.url_validation")) {
      const r = await mock.admin.sendWebhook({ url, event, secret });
      if (r.status === 204 && seen.at(-1)?.event === event) verified++;
    }
    assert.equal(verified, 71);
  } finally {
    server.close();
  }
});

test("a panic in the core costs only what was in flight: the client carries on with a fresh instance", async () => {
  const zp = client();
  await zp.sites.listPhoneSites();
  const consoleError = console.error;
  console.error = () => {}; // the panic message, printed by the hook
  try {
    assert.throws(() => __panicForTests(), WebAssembly.RuntimeError);
  } finally {
    console.error = consoleError;
  }
  const sites = await zp.sites.listPhoneSites();
  assert.ok(Array.isArray(sites.sites));
  const page = [];
  for await (const q of zp.callQueues.listCallQueues.iter({ page_size: 5 }, { limit: 7 })) page.push(q);
  assert.equal(page.length, 7);
  assert.equal(await tokenRequests(), 1, "the new session started from the last token");
});
