// The fleet (issue 17) against a real redis-server and the mock, whose
// request log is the referee: two worker processes share the account's
// budget (no 429 from a mock with Zoom's Pro limits; without Redis they get
// 429s) and one token; a user's rotating refresh token is renewed once per
// expiry across clients, never sent spent; Redis killed and restarted
// (calls go on, the outage said once, the fleet rejoined, scripts loaded
// again); sharded jobs split a listing over workers and hand a stopped
// worker's shard on from where it stopped. Both Redis libraries users pass
// in (`redis`, `ioredis`) are exercised.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

import Redis from "ioredis";
import { createClient } from "redis";
import { ZoomBuildError, ZoomPhone, createAuthorization, exchangeCode } from "zoom-phone";
import { CREDENTIALS, startMock } from "./lib/mock.mjs";
import { startRedis } from "./lib/redis.mjs";

const run = promisify(execFile);
const worker = fileURLToPath(new URL("./fleet/worker.mjs", import.meta.url));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let redis;
const clients = [];
before(async () => {
  redis = await startRedis();
});
after(async () => {
  for (const c of clients) c.disconnect();
  await redis?.stop();
});

/** A node-redis client as a fleet user makes it (no offline queue: a command fails at once while Redis is away). */
async function nodeRedis() {
  const c = createClient({ url: redis.url, disableOfflineQueue: true });
  c.on("error", () => {});
  await c.connect();
  clients.push({ disconnect: () => c.destroy?.() ?? c.disconnect() });
  return c;
}

/** An ioredis client, connected: without an offline queue it refuses commands until then. */
async function ioRedis() {
  const c = new Redis(redis.url, { enableOfflineQueue: false, lazyConnect: true });
  c.on("error", () => {});
  clients.push({ disconnect: () => c.disconnect() });
  await c.connect();
  return c;
}

/** A logger that keeps the records' names. */
function names() {
  const seen = [];
  const logger = Object.fromEntries(["debug", "info", "warn", "error"].map((l) => [l, (_, r) => seen.push(r.name)]));
  return { seen, logger };
}

let prefixes = 0;
const prefix = () => `t${++prefixes}-${process.pid}`;

// Pass/fail here are the properties that hold however fast the machine is:
// no 429, one token for the fleet, every call answered. How much of the
// budget the fleet uses, and the 429s of the same fleet without Redis, are
// throughput: tools/fleet/run.py measures them (docs/benchmarks.md).
test("two worker processes on one Redis share Zoom's Pro budget and one token; without Redis each fetches its own", async (t) => {
  const mock = await startMock(["--rate-limits", "pro"]);
  try {
    // Share 0.7: the fleet spaces its calls (1 / share - 1) s = 0.43 s clear of
    // the window's edge, so a process or the mock held up that long by a busy
    // machine (make test runs everything at once on two cores) does not make
    // two spaced calls land in one window. The default 0.9 leaves 0.11 s:
    // measured on an idle machine by tools/fleet/run.py.
    const runWorkers = (redisUrl) =>
      Promise.all(
        ["a", "b"].map((id) =>
          run(process.execPath, [
            worker,
            ...["--mock", mock.url, "--redis", redisUrl, "--auth", "s2s", "--seconds", "3", "--id", id, "--share", "0.7"],
          ]),
        ),
      );
    const reports = (await runWorkers(redis.url)).map(({ stdout }) => JSON.parse(stdout));
    const log = await mock.admin.requests();
    const api = log.filter((r) => r.path.startsWith("/v2/"));
    const tokens = log.filter((r) => r.path === "/oauth/token");
    assert.equal(api.filter((r) => r.status === 429).length, 0, "no 429 with the fleet");
    assert.equal(tokens.length, 1, "one token request for the fleet");
    for (const r of reports) {
      assert.equal(r.host, "node");
      assert.deepEqual(r.failed, {});
      assert.ok(r.ok > 0, `the worker did no work: ${JSON.stringify(r)}`);
    }
    assert.equal(reports.reduce((n, r) => n + r.ok, 0), api.length);

    // The baseline: each process limits itself to the whole plan, with a token of its own.
    await mock.admin.reset();
    await runWorkers("none");
    assert.equal((await mock.admin.requests("/oauth/token")).length, 2, "without the fleet each fetches its own token");
    const alone = (await mock.admin.requests("/v2")).filter((r) => r.status === 429).length;
    t.diagnostic(`without Redis: ${alone} responses 429 (a measurement, not a check: it depends on how fast the workers run)`);
  } finally {
    mock.stop();
  }
});

test("a user's rotating refresh token is renewed once per expiry across clients, never sent spent", async () => {
  const mock = await startMock();
  try {
    const app = { clientId: "mock-client-id", clientSecret: "mock-client-secret", redirectUri: "http://127.0.0.1:9/cb", oauthBase: mock.url };
    const auth = createAuthorization(app);
    const consent = await fetch(auth.url, { redirect: "manual" });
    const tokens = await exchangeCode(app, { callbackUrl: consent.headers.get("location"), state: auth.state, codeVerifier: auth.codeVerifier });
    const p = prefix();
    const make = async (redisClient) =>
      new ZoomPhone(
        { clientId: app.clientId, clientSecret: app.clientSecret, tokens },
        { baseUrl: mock.api, oauthBase: mock.url, fleet: { redis: redisClient, account: "mock-account", tokens: "user-1", prefix: p } },
      );
    const fleet = [await make(await nodeRedis()), await make(await ioRedis()), await make(await nodeRedis())];
    for (let round = 0; round < 3; round++) {
      await mock.admin.expireTokens();
      await Promise.all(fleet.flatMap((zp) => [1, 2, 3].map(() => zp.users.listPhoneUsers({ page_size: 1 }))));
    }
    const refreshes = (await mock.admin.requests("/oauth/token"))
      .map((r) => ({ status: r.status, form: new URLSearchParams(r.body) }))
      .filter((r) => r.form.get("grant_type") === "refresh_token");
    assert.deepEqual(
      refreshes.map((r) => r.status),
      [200, 200, 200],
      "one refresh per expiry for the three clients, each accepted",
    );
    const sent = refreshes.map((r) => r.form.get("refresh_token"));
    assert.equal(new Set(sent).size, 3, "no refresh token sent twice");
  } finally {
    mock.stop();
  }
});

test("Redis killed and restarted: calls go on, the outage is logged once, the fleet is rejoined (both Redis libraries)", async () => {
  const mock = await startMock();
  try {
    const p = prefix();
    const make = (redisClient, logger) =>
      new ZoomPhone(CREDENTIALS, {
        baseUrl: mock.api,
        oauthBase: mock.url,
        rateLimits: "pro",
        logger,
        log: "info",
        // Share 0.7 as in the first test: clear of window edges on a busy machine.
        fleet: { redis: redisClient, prefix: p, probeMs: 200, share: 0.7 },
      });
    const a = names();
    const b = names();
    const fleet = [make(await nodeRedis(), a.logger), make(await ioRedis(), b.logger)];
    let ok = 0;
    const failures = [];
    let stop = false;
    const loops = fleet.map(async (zp) => {
      while (!stop) {
        try {
          await zp.sites.listPhoneSites({ page_size: 1 });
          ok += 1;
        } catch (e) {
          failures.push(`${e.name}: ${e.message}`);
        }
      }
    });
    await sleep(500);
    const before = ok;
    await redis.kill();
    await sleep(1500);
    const during = ok;
    await redis.restart();
    await sleep(2000);
    stop = true;
    await Promise.all(loops);
    assert.deepEqual(failures, []);
    assert.ok(before > 0 && during > before && ok > during, `${before} ${during} ${ok}`);
    for (const { seen } of [a, b]) {
      assert.equal(seen.filter((n) => n === "fleet.degraded").length, 1, seen.join(" "));
      assert.ok(seen.includes("fleet.rejoined"), seen.join(" "));
      assert.ok(seen.indexOf("fleet.degraded") < seen.indexOf("fleet.rejoined"));
    }
    assert.equal((await mock.admin.requests("/v2")).filter((r) => r.status === 429).length, 0);
  } finally {
    mock.stop();
  }
});

test("a Redis client whose commands never settle: the call goes on alone after the fleet's timeout", { timeout: 20_000 }, async () => {
  // What a client with an offline queue does while its server is away: it
  // holds the command. The host enforces each script's timeout itself.
  const mock = await startMock();
  try {
    const { seen, logger } = names();
    const pending = [];
    const never = (...args) => new Promise(() => pending.push(args));
    const zp = new ZoomPhone(CREDENTIALS, {
      baseUrl: mock.api,
      oauthBase: mock.url,
      rateLimits: "pro",
      logger,
      log: "info",
      fleet: { redis: { evalsha: never, eval: never }, account: "mock-account", timeoutMs: 100, probeMs: 60_000 },
    });
    const started = Date.now();
    const sites = await zp.sites.listPhoneSites({ page_size: 1 });
    assert.ok(Array.isArray(sites.sites));
    assert.ok(Date.now() - started < 5_000, "not held by the command that never settles");
    assert.ok(pending.length > 0, "the script was sent to the client");
    assert.equal(seen.filter((n) => n === "fleet.degraded").length, 1, seen.join(" "));
    assert.equal((await mock.admin.requests("/v2")).length, 1);
  } finally {
    mock.stop();
  }
});

test("scripts flushed from Redis are loaded again (EVAL after NOSCRIPT) without leaving the fleet", async () => {
  const mock = await startMock();
  try {
    const { seen, logger } = names();
    const zp = new ZoomPhone(CREDENTIALS, {
      baseUrl: mock.api,
      oauthBase: mock.url,
      rateLimits: "pro",
      logger,
      log: "info",
      fleet: { redis: await nodeRedis(), prefix: prefix() },
    });
    await zp.sites.listPhoneSites();
    const admin = await nodeRedis();
    const cached = async () => Number(/number_of_cached_scripts:(\d+)/.exec(await admin.sendCommand(["INFO", "memory"]))[1]);
    assert.ok((await cached()) > 0);
    await admin.sendCommand(["SCRIPT", "FLUSH"]);
    assert.equal(await cached(), 0);
    await zp.sites.listPhoneSites();
    assert.ok((await cached()) > 0, "the client loaded its script again");
    assert.ok(!seen.includes("fleet.degraded"), seen.join(" "));
  } finally {
    mock.stop();
  }
});

test("a sharded job spreads a listing over two workers; a worker that stops hands its shard on from where it stopped", async () => {
  // 3,000 records spread evenly over the quarter, filtered by from/to: the
  // three monthly shards partition the listing.
  const mock = await startMock(["--call-history", "3000", "--call-history-dates", "2026-01-01..2026-03-31"]);
  try {
    const p = prefix();
    const make = async (worker) => ({
      zp: new ZoomPhone(CREDENTIALS, { baseUrl: mock.api, oauthBase: mock.url, fleet: { redis: await nodeRedis(), prefix: p, leaseMs: 300 } }),
      worker,
    });
    const [a, b] = [await make("wa"), await make("wb")];
    const range = { from: "2026-01-01", to: "2026-03-31", span: { months: 1 } };
    const months = ["2026-01-01..2026-01-31", "2026-02-01..2026-02-28", "2026-03-01..2026-03-31"];
    const shardOf = (record) => {
      const day = record.start_time.slice(0, 10);
      return months.find((m) => m.slice(0, 10) <= day && day <= m.slice(12));
    };
    // The referee: one plain walk of the whole listing, each record in the shard of the day it started.
    const expected = Object.fromEntries(months.map((m) => [m, []]));
    for await (const record of a.zp.callLogs.accountCallHistory.iter({ page_size: 300 })) {
      expected[shardOf(record)].push(record.call_history_uuid);
    }
    assert.ok(months.every((m) => expected[m].length > 0));
    const walk = async ({ zp, worker }, job, stopAfter = Infinity) => {
      const got = [];
      const shards = zp.shards("accountCallHistory", { page_size: 300 }, { job, worker, ...range });
      for await (const record of shards) {
        assert.equal(shardOf(record), shards.shard, `${record.start_time} handed out in ${shards.shard}`);
        got.push(`${shards.shard} ${record.call_history_uuid}`);
        if (got.length === stopAfter) break;
      }
      return got;
    };
    const perShard = (items) => {
      const out = Object.fromEntries(months.map((m) => [m, []]));
      for (const i of items) {
        const [shard, uuid] = i.split(" ");
        out[shard].push(uuid);
      }
      for (const m of months) out[m].sort();
      return out;
    };
    for (const m of months) expected[m].sort();
    await mock.admin.clearRequests();

    // Two workers at once: every shard once, by one of them.
    const [ga, gb] = await Promise.all([walk(a, "history"), walk(b, "history")]);
    assert.deepEqual(perShard([...ga, ...gb]), expected, "each shard: the records of its days, each once");
    assert.equal(ga.length + gb.length, 3000, "no repeat");
    assert.ok(ga.length > 0 && gb.length > 0, "both took shards");
    const queries = (await mock.admin.requests("/v2/phone/call_history")).map((r) => new URLSearchParams(r.query));
    const pages = {};
    for (const q of queries) pages[`${q.get("from")}..${q.get("to")}`] = (pages[`${q.get("from")}..${q.get("to")}`] ?? 0) + 1;
    const pagesOf = (m) => Math.ceil(expected[m].length / 300);
    assert.deepEqual(pages, Object.fromEntries(months.map((m) => [m, pagesOf(m)])), "each call carries its shard's range; no page asked twice");

    // A worker stops in the middle of its first shard's second page; after its lease the other continues exactly there.
    const first = await walk(a, "again", 450);
    await sleep(400);
    const rest = await walk(b, "again");
    const all = [...first, ...rest];
    assert.deepEqual(perShard(all), expected, "no gap, no repeat");
    assert.equal(all.length, 3000);
  } finally {
    mock.stop();
  }
});

test("the fleet option takes a Redis client of either library and refuses what it cannot use", () => {
  const base = { baseUrl: "http://127.0.0.1:9/v2" };
  assert.throws(() => new ZoomPhone(CREDENTIALS, { ...base, fleet: {} }), /fleet.redis must be a connected Redis client/);
  assert.throws(() => new ZoomPhone(CREDENTIALS, { ...base, fleet: { redis: { get() {} } } }), TypeError);
  const fake = { evalsha: async () => null, eval: async () => null };
  assert.throws(
    () => new ZoomPhone(CREDENTIALS, { ...base, fleet: { redis: fake }, tokenStore: { load: async () => null, save: async () => {} } }),
    (e) => e instanceof ZoomBuildError && /token_store.*fleet/.test(e.message),
  );
  assert.throws(() => new ZoomPhone({ accessToken: "t" }, { ...base, fleet: { redis: fake } }), /fleet.account/);
  assert.throws(() => new ZoomPhone(CREDENTIALS, base).shards("accountCallHistory", {}, { job: "j", from: "2026-01-01", to: "2026-01-31" }), /needs a fleet/);
});
