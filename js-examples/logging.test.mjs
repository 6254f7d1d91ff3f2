// Logging (issue 16 item 2): the core's records reach the `logger` from the
// level asked (`log`, else ZOOM_PHONE_LOG, else the logger's own `level`),
// ZOOM_PHONE_LOG alone logs to the console in Node, and a wrong level is
// refused by name. (secrets.test.mjs runs every error path with debug
// logging on and finds no secret in it.)
import { after, before, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

import { ZoomBuildError, ZoomPhone } from "zoom-phone";
import { CREDENTIALS, startMock } from "./lib/mock.mjs";

const run = promisify(execFile);
const here = fileURLToPath(new URL(".", import.meta.url));

let mock;
before(async () => {
  mock = await startMock();
});
after(() => mock.stop());
beforeEach(() => mock.admin.reset());

const s2s = (options = {}) => new ZoomPhone(CREDENTIALS, { baseUrl: mock.api, oauthBase: mock.url, ...options });

/** A console-shaped logger that keeps what it gets; `level` like pino's and winston's. */
function recorder(level) {
  const records = [];
  const logger = Object.fromEntries(["debug", "info", "warn", "error"].map((l) => [l, (message, r) => records.push({ method: l, message, r })]));
  if (level !== undefined) logger.level = level;
  return { logger, records };
}

test("a logger gets the core's records of each call from the level asked, each to its method", async () => {
  const { logger, records } = recorder();
  await s2s({ logger, log: "debug" }).callQueues.listCallQueues({ page_size: 1 });
  const names = records.map((x) => x.r.name);
  assert.deepEqual(names.filter((n) => n === "request" || n === "response"), ["request", "response"]);
  assert.ok(names.includes("token.renewed"), names.join(" "));
  for (const { method, message, r } of records) {
    assert.equal(method, r.level);
    assert.equal(message, r.message);
    assert.equal(typeof r.fields, "object");
  }
  const response = records.find((x) => x.r.name === "response" && x.r.fields.operation === "listCallQueues");
  assert.equal(response.r.fields.status, 200);
  // `info` (the default with a logger) leaves the per-request records out.
  const info = recorder();
  await s2s({ logger: info.logger }).callQueues.listCallQueues({ page_size: 1 });
  assert.ok(info.records.length > 0 && info.records.every((x) => x.r.level !== "debug"));
});

test("the logger's own level decides when `log` is not given", async () => {
  const debug = recorder("debug");
  await s2s({ logger: debug.logger }).callQueues.listCallQueues({ page_size: 1 });
  assert.ok(debug.records.some((x) => x.r.name === "request"));
  const quiet = recorder("error");
  await s2s({ logger: quiet.logger }).callQueues.listCallQueues({ page_size: 1 });
  assert.deepEqual(quiet.records, []);
  const silent = recorder("silent"); // pino's "off"
  await s2s({ logger: silent.logger }).callQueues.listCallQueues({ page_size: 1 });
  assert.deepEqual(silent.records, []);
});

test("ZOOM_PHONE_LOG turns the console on in Node without a code change, and names a wrong level", async () => {
  const program = `
    import { ZoomPhone } from "zoom-phone";
    const zp = new ZoomPhone({ accountId: "mock-account", clientId: "mock-client-id", clientSecret: "mock-client-secret" },
      { baseUrl: "${mock.api}", oauthBase: "${mock.url}" });
    await zp.callQueues.listCallQueues({ page_size: 1 });`;
  const node = (env) =>
    run(process.execPath, ["--input-type=module", "-e", program], { cwd: here, env: { ...process.env, ...env } });
  const on = await node({ ZOOM_PHONE_LOG: "debug" });
  assert.match(on.stdout, /GET http:\/\/127\.0\.0\.1:\d+\/v2\/phone\/call_queues/);
  assert.match(on.stdout, /name: 'response'/);
  assert.doesNotMatch(on.stdout + on.stderr, /mock-client-secret|Bearer [^<]/);
  const off = await node({ ZOOM_PHONE_LOG: "" });
  assert.equal(off.stdout + off.stderr, "");
  const warn = await node({ ZOOM_PHONE_LOG: "warn" });
  assert.equal(warn.stdout + warn.stderr, "", "nothing at warn for a call that went well");
  await assert.rejects(node({ ZOOM_PHONE_LOG: "verbose" }), (e) => {
    assert.match(e.stderr, /ZoomBuildError: ZOOM_PHONE_LOG must be one of off, error, warn, info, debug \(it is "verbose"\)/);
    return true;
  });
});

test("a `log` level without a logger logs to the console; a wrong `log` or logger is refused", async () => {
  const seen = [];
  const saved = console.debug;
  console.debug = (message, record) => seen.push(record.name);
  try {
    await s2s({ log: "debug" }).callQueues.listCallQueues({ page_size: 1 });
  } finally {
    console.debug = saved;
  }
  assert.ok(seen.includes("request"), seen.join(" "));
  assert.throws(() => s2s({ log: "loud" }), (e) => e instanceof ZoomBuildError && /`log`/.test(e.message));
  assert.throws(() => s2s({ logger: "console" }), TypeError);
});
