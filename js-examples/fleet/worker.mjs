// The Node worker of the fleet test (tools/fleet/run.py; the contract is
// tools/fleet/README.md): works against the mock as fast as the client
// allows for --seconds, four calls in flight (two walking the call history,
// two reading users), sharing the account's budget and tokens with the
// other workers through Redis, then prints one JSON line. Only the
// package's public API, as a user would write it.
//
//   node js-examples/fleet/worker.mjs --mock URL --redis URL|none --auth s2s|user
//        [--tokens FILE] --seconds N --id NAME [--share F] [--log LEVEL] [--ready]
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

import { createClient } from "redis";
import { ZoomPhone, ZoomPhoneError } from "zoom-phone";

function usage(problem) {
  process.stderr.write(`worker.mjs: ${problem}\n`);
  process.exit(2);
}

let args;
try {
  ({ values: args } = parseArgs({
    options: {
      mock: { type: "string" },
      redis: { type: "string" },
      auth: { type: "string" },
      tokens: { type: "string" },
      seconds: { type: "string" },
      id: { type: "string" },
      share: { type: "string" },
      log: { type: "string", default: "warn" },
      ready: { type: "boolean", default: false },
    },
    strict: true,
  }));
} catch (e) {
  usage(e.message);
}
for (const name of ["mock", "redis", "auth", "seconds", "id"]) if (!args[name]) usage(`--${name} is required`);
if (args.auth !== "s2s" && args.auth !== "user") usage("--auth is s2s or user");
if (args.auth === "user" && !args.tokens) usage("--auth user needs --tokens FILE");
const seconds = Number(args.seconds);
const share = args.share === undefined ? undefined : Number(args.share);
if (!(seconds > 0)) usage("--seconds must be a positive number");
if (share !== undefined && !(share > 0 && share <= 1)) usage("--share must be in (0, 1]");
if (!["debug", "info", "warn", "error"].includes(args.log)) usage("--log is debug, info, warn or error");

const CLIENT = { clientId: "mock-client-id", clientSecret: "mock-client-secret" };
const credentials =
  args.auth === "s2s"
    ? { accountId: "mock-account", ...CLIENT }
    : { ...CLIENT, tokens: JSON.parse(readFileSync(args.tokens, "utf8")) };

let degraded = 0;
const logger = Object.fromEntries(
  ["debug", "info", "warn", "error"].map((level) => [
    level,
    (message, record) => {
      if (record.name === "fleet.degraded") degraded += 1;
      // Epoch ms first: the orchestrator lines records up with the mock's log.
      process.stderr.write(`${Date.now()} [${args.id}] ${level} ${record.name}: ${message}\n`);
    },
  ]),
);

const options = { baseUrl: `${args.mock}/v2`, oauthBase: args.mock, rateLimits: "pro", log: args.log, logger };
let redis;
if (args.redis !== "none") {
  // No offline queue: while Redis is away a command fails at once (the
  // client then works alone) instead of running late when it is back. And
  // reconnect every 100 ms: the default backs off to 2 s, and the fleet
  // can only rejoin once its client is connected again.
  redis = createClient({
    url: args.redis,
    disableOfflineQueue: true,
    socket: { reconnectStrategy: () => 100 },
  });
  redis.on("error", () => {}); // the outage is the core's to report (fleet.degraded)
  await redis.connect();
  options.fleet = { redis, account: "mock-account", share, tokens: args.auth === "user" ? "user-1" : undefined };
}
const zp = new ZoomPhone(credentials, options);

if (args.ready) {
  // Say so and start at the orchestrator's go (a line on stdin): every
  // worker's work starts at once, after all have started.
  process.stdout.write("ready\n");
  await new Promise((resolve) => process.stdin.once("data", resolve));
  process.stdin.pause();
}

const end = Date.now() + seconds * 1000;
let ok = 0;
const failed = {};
const fail = (e) => {
  if (!(e instanceof ZoomPhoneError)) throw e; // the worker itself broke
  failed[e.class] = (failed[e.class] ?? 0) + 1;
};

async function walker() {
  while (Date.now() < end) {
    try {
      for await (const _ of zp.callLogs.accountCallHistory.iter({ page_size: 300 }).pages()) {
        ok += 1;
        if (Date.now() >= end) break;
      }
    } catch (e) {
      fail(e);
    }
  }
}

async function reader() {
  let ids = [];
  while (Date.now() < end) {
    try {
      if (ids.length === 0) {
        const page = await zp.users.listPhoneUsers({ page_size: 100 });
        ok += 1;
        ids = page.users.map((u) => u.id);
        continue;
      }
      await zp.users.phoneUser({ userId: ids.pop() });
      ok += 1;
    } catch (e) {
      fail(e);
    }
  }
}

await Promise.all([walker(), walker(), reader(), reader()]);
const line = JSON.stringify({ worker: args.id, host: "node", ok, failed, degraded_events: degraded });
process.stdout.write(`${line}\n`, () => process.exit(0));
