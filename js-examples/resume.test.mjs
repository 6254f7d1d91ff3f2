// Resumable listings (issue 16 item 4): a walk says where it stands
// (`resumePoint`: the core's ResumePoint as JSON) and a new walk, in another
// client, continues exactly there; a page token older than Zoom keeps them
// fails with ZoomPageTokenExpiredError before anything is sent.
import { after, before, beforeEach, test } from "node:test";
import assert from "node:assert/strict";

import { ZoomDecodeError, ZoomPageTokenExpiredError, ZoomPhone } from "zoom-phone";
import { CREDENTIALS, startMock } from "./lib/mock.mjs";

let mock;
before(async () => {
  mock = await startMock();
});
after(() => mock.stop());
beforeEach(() => mock.admin.reset());

const s2s = () => new ZoomPhone(CREDENTIALS, { baseUrl: mock.api, oauthBase: mock.url, retry: { maxAttempts: 1 } });
const PARAMS = { page_size: 300 };
const TOTAL = 20000;
/** Saved and read back, as a point kept in a file or a queue is. */
const persisted = (point) => JSON.parse(JSON.stringify(point));

async function rest(point) {
  const ids = [];
  for await (const r of s2s().callLogs.accountCallHistory.iter(PARAMS, { resume: point })) ids.push(r.call_history_uuid);
  return ids;
}

async function whole() {
  const ids = [];
  for await (const r of s2s().callLogs.accountCallHistory.iter(PARAMS)) ids.push(r.call_history_uuid);
  return ids;
}

test("a walk stopped in the middle of a page resumes in a new client: no gap, no repeat", async () => {
  const expected = await whole();
  assert.equal(expected.length, TOTAL);
  for (const stopAt of [450, 300, 1]) {
    const walk = s2s().callLogs.accountCallHistory.iter(PARAMS);
    const first = [];
    for await (const r of walk) {
      first.push(r.call_history_uuid);
      if (first.length === stopAt) break;
    }
    const point = persisted(walk.resumePoint);
    assert.deepEqual(Object.keys(point).sort(), ["issued_at_ms", "skip", "token"]);
    assert.equal(point.skip, stopAt % 300, `stopped after ${stopAt}`);
    const after = await rest(point);
    assert.deepEqual([...first, ...after], expected, `stopped after ${stopAt}`);
  }
});

test("a walk that failed on a page resumes at that page", async () => {
  const expected = await whole();
  await mock.admin.clearRequests();
  const walk = s2s().callLogs.accountCallHistory.iter(PARAMS);
  const first = [];
  await assert.rejects(
    (async () => {
      for await (const r of walk) {
        first.push(r.call_history_uuid);
        // The third page's answer is broken.
        if (first.length === 600) await mock.admin.fault({ kind: "invalid_json", count: 1, path: "/v2/phone/call_history" });
      }
    })(),
    ZoomDecodeError,
  );
  assert.equal(first.length, 600);
  const after = await rest(persisted(walk.resumePoint));
  assert.deepEqual([...first, ...after], expected);
});

test("pages() resumes too, and a walk's end leaves nothing to resume", async () => {
  const walk = s2s().callLogs.accountCallHistory.iter(PARAMS, { limit: 600 });
  const pages = walk.pages();
  for await (const page of pages) assert.equal(page.items.length, 300);
  // The limit stopped the walk: the point continues after it.
  const point = persisted(pages.resumePoint);
  assert.equal(point.skip, 0);
  const after = await rest(point);
  assert.equal(after.length, TOTAL - 600);
  const done = s2s().callQueues.listCallQueues.iter({ page_size: 100 });
  for await (const _ of done) void _;
  assert.equal(done.resumePoint, null);
});

test("a page token older than 15 minutes fails with ZoomPageTokenExpiredError before anything is sent", async () => {
  const walk = s2s().callLogs.accountCallHistory.iter(PARAMS);
  let n = 0;
  // Into the second page: its token is the one to resume with.
  for await (const _ of walk) if (++n === 301) break;
  const point = persisted(walk.resumePoint);
  assert.equal(typeof point.token, "string");
  await mock.admin.clearRequests();
  const stale = { ...point, issued_at_ms: Date.now() - 15 * 60 * 1000 - 1000 };
  await assert.rejects(rest(stale), ZoomPageTokenExpiredError);
  assert.equal((await mock.admin.requests("/v2")).length, 0);
  // Within the 15 minutes it is taken.
  const fresh = { ...point, issued_at_ms: Date.now() - 14 * 60 * 1000 };
  assert.equal((await rest(fresh)).length, TOTAL - 301);
});

test("a malformed resume point is refused by name", () => {
  const zp = s2s();
  assert.throws(() => zp.callLogs.accountCallHistory.iter(PARAMS, { resume: { token: 7 } }), /resume.*token must be a non-empty string/);
  assert.throws(() => zp.callLogs.accountCallHistory.iter(PARAMS, { resume: { token: "t", skip: -1 } }), /skip must be a whole number/);
});
