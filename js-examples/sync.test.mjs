// Incremental sync (issue 16 item 5) against the mock's stateful sync logs:
// a first run does the full sync, the backfill and the changes until caught
// up; a run resumed from its checkpoint (saved as JSON) brings exactly the
// records added since (`POST /_admin/sync`), and nothing when none were.
import { after, before, beforeEach, test } from "node:test";
import assert from "node:assert/strict";

import { ZoomBuildError, ZoomPhone } from "zoom-phone";
import { CREDENTIALS, startMock } from "./lib/mock.mjs";

const INITIAL = 120; // records the mock's logs start with

let mock;
before(async () => {
  mock = await startMock();
});
after(() => mock.stop());
beforeEach(() => mock.admin.reset());

const s2s = () => new ZoomPhone(CREDENTIALS, { baseUrl: mock.api, oauthBase: mock.url });
const addRecords = async (records) => {
  const r = await fetch(`${mock.url}/_admin/sync`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ records }) });
  assert.equal(r.status, 200);
};

/** Runs a sync to the end: the record ids, the phases seen, the last checkpoint (as saved). */
async function run(run) {
  const ids = [];
  const phases = [];
  let checkpoint;
  for await (const batch of run) {
    if (phases.at(-1) !== batch.phase) phases.push(batch.phase);
    const list = batch.page.call_logs ?? batch.page.sms_histories;
    assert.equal(batch.records, list.length);
    ids.push(...list.map((r) => r.id));
    assert.equal(batch.response.status, 200);
    assert.deepEqual(batch.checkpoint, run.checkpoint);
    checkpoint = JSON.parse(JSON.stringify(batch.checkpoint));
  }
  return { ids, phases, checkpoint };
}

test("a first sync gets every record once; resumed from its checkpoint it gets exactly the ones added since", async () => {
  const params = { userId: "u1", count: 50 };
  const first = await run(s2s().callLogs.syncUserCallLogs.sync(params));
  assert.deepEqual(first.phases, ["full", "backward", "incremental"]);
  assert.equal(first.ids.length, INITIAL);
  assert.equal(new Set(first.ids).size, INITIAL);
  assert.equal(first.checkpoint.backfilled, true);
  assert.equal(typeof first.checkpoint.forward, "string");

  await addRecords(7);
  await mock.admin.clearRequests();
  const second = await run(s2s().sync("syncUserCallLogs", params, { checkpoint: first.checkpoint }));
  assert.deepEqual(second.phases, ["incremental"]);
  assert.equal(second.ids.length, 7);
  assert.ok(second.ids.every((id) => !first.ids.includes(id)), "nothing seen before");
  // Only incremental calls were sent.
  const sent = (await mock.admin.requests("/v2")).map((r) => new URLSearchParams(r.query).get("sync_type"));
  assert.deepEqual(sent, ["ISync"]);

  // Caught up: the next run from the newest checkpoint brings nothing, and more than a page of changes comes whole.
  const third = await run(s2s().callLogs.syncUserCallLogs.sync(params, { checkpoint: second.checkpoint }));
  assert.deepEqual(third.ids, []);
  await addRecords(130);
  const fourth = await run(s2s().callLogs.syncUserCallLogs.sync(params, { checkpoint: third.checkpoint }));
  assert.equal(fourth.ids.length, 130);
  assert.equal(new Set([...first.ids, ...second.ids, ...fourth.ids]).size, INITIAL + 137);
});

test("a run stopped after a batch resumes from that batch's checkpoint without a gap", async () => {
  const params = { sessionId: "s1", count: 40 };
  const zp = s2s();
  const sync = zp.sms.smsSessionSync.sync(params);
  const first = [];
  for await (const batch of sync) {
    first.push(...batch.page.sms_histories.map((r) => r.id));
    if (batch.phase === "backward") break;
  }
  const rest = await run(zp.sms.smsSessionSync.sync(params, { checkpoint: JSON.parse(JSON.stringify(sync.checkpoint)) }));
  assert.equal(new Set([...first, ...rest.ids]).size, INITIAL);
  assert.equal(first.length + rest.ids.length, INITIAL);
});

test("sync() refuses an operation that is not a sync, its own parameters and a malformed checkpoint", () => {
  const zp = s2s();
  assert.throws(() => zp.sync("listCallQueues", {}), (e) => e instanceof ZoomBuildError && /not an incremental-sync operation/.test(e.message));
  assert.throws(() => zp.callLogs.syncUserCallLogs.sync({ userId: "u", sync_type: "FSync" }), /sync_type.*set by the syncer/);
  assert.throws(() => zp.callLogs.syncUserCallLogs.sync({ userId: "u" }, { checkpoint: { forward: 3 } }), /forward must be a non-empty string/);
  assert.equal(typeof zp.callLogs.syncUserCallLogs.sync, "function");
  assert.equal(zp.callLogs.accountCallHistory.sync, undefined);
});
