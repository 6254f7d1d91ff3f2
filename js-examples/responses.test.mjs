// Raw responses on every call (issue 16 item 1): each method's promise
// gives its result, or with `withResponse()` the result and the response
// (status, the fetch Headers, tracking id, rate-limit headers, location),
// or with `asResponse()` the answer as a platform Response, unparsed. Pages
// of a walk carry theirs; errors carry the same evidence.
import { after, before, beforeEach, test } from "node:test";
import assert from "node:assert/strict";

import { ZoomDecodeError, ZoomNotFoundError, ZoomPhone, ZoomPromise } from "zoom-phone";
import { CREDENTIALS, startMock } from "./lib/mock.mjs";

const ENTRIES = Symbol.for("zoom-phone.coreEntries");

let mock;
before(async () => {
  mock = await startMock();
});
after(() => mock.stop());
beforeEach(async () => {
  await mock.admin.reset();
  // With the plan's limits on, the mock answers with X-RateLimit-* headers.
  await fetch(`${mock.url}/_admin/rate_limits`, { method: "PUT", headers: { "content-type": "application/json" }, body: '"pro"' });
});

const s2s = (options = {}) => new ZoomPhone(CREDENTIALS, { baseUrl: mock.api, oauthBase: mock.url, ...options });
const lastApiRequest = async () => (await mock.admin.requests("/v2")).at(-1);

test("a typed method's withResponse() gives its result and the response: status, the fetch Headers, tracking id, rate-limit headers", async () => {
  const zp = s2s();
  const promise = zp.sites.listPhoneSites({ page_size: 2 });
  assert.ok(promise instanceof Promise && promise instanceof ZoomPromise);
  const { data, response } = await promise.withResponse();
  assert.equal(data.sites.length, 2);
  assert.equal(response.status, 200);
  assert.equal(response.operation, "listPhoneSites");
  assert.ok(response.headers instanceof Headers, "the platform's own Headers");
  const logged = await lastApiRequest();
  assert.equal(response.trackingId, logged.tracking_id);
  assert.equal(response.headers.get("x-zm-trackingid"), logged.tracking_id);
  assert.deepEqual(response.rateLimit, {
    category: "medium",
    type: "qps",
    limit: Number(response.headers.get("x-ratelimit-limit")),
    remaining: Number(response.headers.get("x-ratelimit-remaining")),
  });
  assert.equal(response.kind, "json");
  assert.match(response.contentType, /^application\/json/);
  assert.equal(response.location, null);
  // The promise itself still gives the result, from the same single request.
  assert.deepEqual(await promise, data);
  assert.equal((await mock.admin.requests("/v2")).length, 1);
});

test("withResponse() of a call without a body, of call() by operationId and of a download", async () => {
  const zp = s2s();
  const created = await zp.blockedList.addAnumberToBlockedList({ body: { phone_number: "+15550142", match_type: "phoneNumber" } });
  const deleted = await zp.blockedList.deleteABlockedList({ blockedListId: created.id }).withResponse();
  assert.equal(deleted.data, undefined);
  assert.equal(deleted.response.status, 204);
  assert.equal(deleted.response.kind, "empty");
  const byId = await zp.call("listCallQueues", { page_size: 1 }).withResponse();
  assert.equal(byId.response.status, 200);
  assert.equal(byId.data.call_queues.length, 1);
  const file = await zp.recordings.phoneDownloadRecordingFile({ fileId: "rec1" }).withResponse();
  assert.ok(file.data instanceof Uint8Array && file.data.length > 0);
  assert.equal(file.response.kind, "binary");
  assert.equal(file.response.headers.get("content-type"), file.response.contentType);
});

test("the transcript's withResponse() names where Zoom's redirect led", async () => {
  const { data, response } = await s2s().recordings.phoneDownloadRecordingTranscript({ recordingId: "rec7" }).withResponse();
  assert.match(data, /^WEBVTT/);
  assert.equal(response.kind, "text");
  assert.match(response.location, /^http:\/\/127\.0\.0\.1:\d+\//);
  assert.equal(response.status, 200);
});

test("asResponse() is the answer as a platform Response, its body unread and not parsed", async () => {
  const zp = s2s();
  const r = await zp.callQueues.listCallQueues({ page_size: 3 }).asResponse();
  assert.ok(r instanceof Response);
  assert.equal(r.status, 200);
  assert.equal(r.bodyUsed, false);
  assert.equal(r.headers.get("x-zm-trackingid"), (await lastApiRequest()).tracking_id);
  assert.equal((await r.json()).call_queues.length, 3);
  // A body that is not JSON: the result is a DecodeError; the raw response is there.
  await mock.admin.fault({ kind: "invalid_json", count: 2, path: "/v2/phone/call_queues" });
  await assert.rejects(zp.callQueues.listCallQueues({ page_size: 3 }, { maxAttempts: 1 }), ZoomDecodeError);
  const raw = await zp.callQueues.listCallQueues({ page_size: 3 }, { maxAttempts: 1 }).asResponse();
  assert.equal(raw.status, 200);
  const text = await raw.text();
  assert.ok(text.length > 0);
  assert.throws(() => JSON.parse(text), SyntaxError);
});

test("errors keep the response's evidence; withResponse() rejects with the same error", async () => {
  const zp = s2s();
  const error = await zp.users.phoneUser({ userId: "nobody" }).withResponse().then(
    () => assert.fail("no error"),
    (e) => e,
  );
  assert.ok(error instanceof ZoomNotFoundError);
  assert.equal(error.status, 404);
  assert.equal(error.trackingId, (await lastApiRequest()).tracking_id);
  assert.equal(error.rateLimit.category, "light");
});

test("each page of a walk carries its response", async () => {
  const zp = s2s();
  const walk = zp.callLogs.accountCallHistory.iter({ page_size: 300 }, { limit: 750 });
  const pages = [];
  for await (const page of walk.pages()) pages.push(page);
  assert.deepEqual(
    pages.map((p) => p.items.length),
    [300, 300, 150],
  );
  const logged = await mock.admin.requests("/v2");
  assert.deepEqual(
    pages.map((p) => p.response.trackingId),
    logged.map((r) => r.tracking_id),
  );
  for (const p of pages) {
    assert.equal(p.response.status, 200);
    assert.ok(p.response.headers instanceof Headers);
    assert.equal(p.data.call_history.length, 300, "the page as parsed, whole");
  }
});

test("withResponse() costs no crossing into the core: a call is still start and response", async () => {
  const zp = s2s();
  await zp.callQueues.listCallQueues({ page_size: 1 });
  const before = zp[ENTRIES];
  await zp.callQueues.listCallQueues({ page_size: 1 }).withResponse();
  await zp.callQueues.listCallQueues({ page_size: 1 }).asResponse();
  assert.equal(zp[ENTRIES] - before, 4);
});
