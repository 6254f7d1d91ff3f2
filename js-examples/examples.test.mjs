// The example scripts and the demo, run as a user runs them, against the mock.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";

import { startMock } from "./lib/mock.mjs";

const run = promisify(execFile);
const here = fileURLToPath(new URL(".", import.meta.url));
let mock;
before(async () => {
  mock = await startMock();
});
after(() => mock.stop());

const script = (name, env = {}) =>
  run(process.execPath, [`${here}${name}`], { env: { ...process.env, ZOOM_PHONE_MOCK_URL: mock.url, ...env } });

test("examples/list-users.mjs", async () => {
  const { stdout } = await script("examples/list-users.mjs");
  assert.match(stdout, /^1000 phone users; the first 5:/);
  assert.equal(stdout.trim().split("\n").length, 6);
});

test("examples/walk-call-history.mjs", async () => {
  const { stdout } = await script("examples/walk-call-history.mjs");
  assert.match(stdout, /^20000 call-history records/);
});

test("examples/webhook-receiver.mjs verifies what the mock sends and refuses forgeries", async () => {
  const secret = "example-secret";
  const child = spawn(process.execPath, [`${here}examples/webhook-receiver.mjs`], {
    env: { ...process.env, ZOOM_WEBHOOK_SECRET: secret },
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const url = /listening on (\S+)/.exec((await lines.next()).value)[1];
    await mock.admin.sendWebhook({ url, event: "phone.callee_ringing", secret });
    assert.equal((await lines.next()).value, "verified phone.callee_ringing");
    await mock.admin.sendWebhook({ url, event: "endpoint.url_validation", secret });
    assert.equal((await lines.next()).value, "answered endpoint.url_validation");
    await mock.admin.sendWebhook({ url, event: "phone.callee_ringing", secret, wrong_secret: true });
    assert.equal((await lines.next()).value, "refused a request that was not signed by Zoom");
  } finally {
    child.kill();
  }
});

test("demo.mjs runs through every step", async () => {
  const { stdout } = await script("demo.mjs");
  assert.match(stdout, /20000 call-history records/);
  assert.match(stdout, /read back: \+15550123 "demo, updated"/);
  assert.match(stdout, /after delete: ZoomNotFoundError status 404/);
  assert.match(stdout, /receiver: verified phone.callee_ringing/);
  assert.match(stdout, /validation ok: true/);
  assert.match(stdout, /receiver: refused/);
  assert.match(stdout, /\[js\] done$/m);
});
