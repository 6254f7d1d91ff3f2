// Per-call options on every method (issue 16 item 3): extra headers, the
// number of attempts, a deadline, retrying a write, an abort signal; a
// wrong option is refused by name before anything is sent; and
// `withOptions()` copies that share the client's session (one token, one
// limiter) while adding defaults to each of their calls.
import { after, before, beforeEach, test } from "node:test";
import assert from "node:assert/strict";

import { ZoomBuildError, ZoomPhone, ZoomServerError, ZoomTimeoutError } from "zoom-phone";
import { CREDENTIALS, startMock } from "./lib/mock.mjs";

const ENTRIES = Symbol.for("zoom-phone.coreEntries");

let mock;
before(async () => {
  mock = await startMock();
});
after(() => mock.stop());
beforeEach(() => mock.admin.reset());

const s2s = (options = {}) => new ZoomPhone(CREDENTIALS, { baseUrl: mock.api, oauthBase: mock.url, ...options });
const api = () => mock.admin.requests("/v2");
const tokenRequests = async () => (await mock.admin.requests("/oauth/token")).length;

test("extra headers of a call reach Zoom, on that call only", async () => {
  const zp = s2s();
  await zp.callQueues.listCallQueues({ page_size: 1 }, { headers: { "x-request-id": "req-42" } });
  await zp.callQueues.listCallQueues({ page_size: 1 });
  const [first, second] = await api();
  assert.equal(first.headers["x-request-id"], "req-42");
  assert.equal(second.headers["x-request-id"], undefined);
});

test("maxAttempts bounds the retries of one call; timeoutMs ends it; a signal aborts it", async () => {
  const zp = s2s();
  await zp.sites.listPhoneSites(); // the token
  await mock.admin.clearRequests();
  await mock.admin.fault({ kind: "503", count: 10, path: "/v2/phone/sites", retry_after: "0" });
  await assert.rejects(zp.sites.listPhoneSites({}, { maxAttempts: 2 }), ZoomServerError);
  assert.equal((await api()).length, 2);
  await mock.admin.reset();
  await mock.admin.fault({ kind: "latency", ms: 1000, count: 1, path: "/v2/phone/sites" });
  const started = Date.now();
  await assert.rejects(zp.sites.listPhoneSites({}, { timeoutMs: 150 }), ZoomTimeoutError);
  assert.ok(Date.now() - started < 900, "the deadline ended the call, not the answer");
  await mock.admin.fault({ kind: "latency", ms: 1000, count: 1, path: "/v2/phone/sites" });
  const controller = new AbortController();
  const call = zp.sites.listPhoneSites({}, { signal: controller.signal });
  setTimeout(() => controller.abort(), 50);
  await assert.rejects(call, { name: "AbortError" });
  // The mock logs the two requests given up on when it answers them (1 s
  // on); wait for that here so they do not land in a later test's log.
  for (let i = 0; i < 100 && (await api()).length < 2; i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal((await api()).length, 2, "both requests given up on were sent once");
});

test("a write is resent after a 503 only when the call allows it", async () => {
  const zp = s2s({ retry: { baseDelayMs: 1 } });
  const body = { phone_number: "+15550177", match_type: "phoneNumber" };
  await mock.admin.fault({ kind: "503", count: 1, path: "/v2/phone/blocked_list", retry_after: "0" });
  await assert.rejects(zp.blockedList.addAnumberToBlockedList({ body }), ZoomServerError);
  assert.equal((await api()).filter((r) => r.method === "POST").length, 1);
  await mock.admin.fault({ kind: "503", count: 1, path: "/v2/phone/blocked_list", retry_after: "0" });
  const created = await zp.blockedList.addAnumberToBlockedList({ body }, { retryNonIdempotent: true });
  assert.equal(typeof created.id, "string");
  assert.equal((await api()).filter((r) => r.method === "POST").length, 3);
});

test("a misspelt call option is refused by name, and nothing is sent", async () => {
  const zp = s2s();
  await assert.rejects(zp.sites.listPhoneSites({}, { timeout: 5 }), (e) => {
    assert.ok(e instanceof ZoomBuildError, `${e.name}: ${e.message}`);
    assert.equal(e.code, "invalid_config");
    assert.match(e.message, /`timeout` is not a call option; did you mean `timeout_ms`/);
    return true;
  });
  await assert.rejects(zp.sites.listPhoneSites({}, { maxAttempts: 0 }), ZoomBuildError);
  assert.equal((await api()).length, 0);
  assert.equal(await tokenRequests(), 0);
});

test("withOptions() copies share the session: one token, one crossing counter; each adds its defaults", async () => {
  const zp = s2s();
  const team = zp.withOptions({ headers: { "x-team": "billing", "x-trace": "default" }, maxAttempts: 1 });
  const traced = team.withOptions({ headers: { "x-trace": "t-1" } });
  await Promise.all([team.sites.listPhoneSites(), traced.sites.listPhoneSites(), zp.sites.listPhoneSites()]);
  assert.equal(await tokenRequests(), 1, "one token for the client and its copies");
  assert.equal(team[ENTRIES], zp[ENTRIES], "one core session");
  const headers = (await api()).map((r) => [r.headers["x-team"], r.headers["x-trace"]]);
  assert.deepEqual(headers.sort(), [
    ["billing", "default"],
    ["billing", "t-1"],
    [undefined, undefined],
  ].sort());
  // A call's own options win over the copy's; headers merge.
  await mock.admin.clearRequests();
  await team.sites.listPhoneSites({}, { headers: { "x-trace": "mine" } });
  assert.deepEqual((await api()).map((r) => [r.headers["x-team"], r.headers["x-trace"]]), [["billing", "mine"]]);
  // The copy's maxAttempts: 1 holds for its calls, not for the client's.
  await mock.admin.clearRequests();
  await mock.admin.fault({ kind: "503", count: 1, path: "/v2/phone/sites", retry_after: "0" });
  await assert.rejects(team.sites.listPhoneSites(), ZoomServerError);
  await mock.admin.fault({ kind: "503", count: 1, path: "/v2/phone/sites", retry_after: "0" });
  await zp.sites.listPhoneSites();
  assert.equal((await api()).length, 3);
});

test("a copy's signal aborts the copy's calls, and not the client's", async () => {
  const zp = s2s();
  await zp.sites.listPhoneSites();
  const controller = new AbortController();
  const scoped = zp.withOptions({ signal: controller.signal });
  await mock.admin.fault({ kind: "latency", ms: 400, count: 2, path: "/v2/phone/sites" });
  const own = zp.sites.listPhoneSites();
  const copied = scoped.sites.listPhoneSites();
  setTimeout(() => controller.abort(), 50);
  await assert.rejects(copied, { name: "AbortError" });
  assert.ok((await own).sites.length > 0);
  // Aborted once, aborted for good; a call's own signal is honoured beside it.
  await assert.rejects(scoped.sites.listPhoneSites(), { name: "AbortError" });
});

test("withOptions() takes call options only", () => {
  const zp = s2s();
  assert.throws(() => zp.withOptions({ baseUrl: "http://elsewhere" }), /`baseUrl` is not a call option/);
  assert.throws(() => zp.withOptions(null), TypeError);
});
