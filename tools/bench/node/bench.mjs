// Node benchmarks against the mock Zoom at $ZOOM_PHONE_MOCK_URL: our npm
// package vs Zoom's @zoom/rivet vs raw fetch + JSON.parse. Writes JSON to
// $BENCH_OUT (see tools/bench/render.py for the shape). Run by
// tools/bench/run.sh; BENCH_ROUNDS sets the repetitions (default 7).
//
// Rivet's API base URL is an option (`baseUrl`), but its OAuth host is a
// constant (https://zoom.us), so it cannot fetch a token from the mock: it
// gets a token minted by the mock (POST /_admin/tokens) through its public
// `tokenStore` option, valid for an hour, so it never asks for another. Ours
// fetches its token from the mock's /oauth/token once, before timing.
import { readFileSync, writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { PhoneS2SAuthClient } from "@zoom/rivet/phone";
import { ZoomPhone, parseResponse } from "zoom-phone";

const base = process.env.ZOOM_PHONE_MOCK_URL;
if (!base) throw new Error("set ZOOM_PHONE_MOCK_URL (tools/bench/run.sh does)");
const api = `${base}/v2`;
const rounds = Number(process.env.BENCH_ROUNDS ?? 7);
const seqCalls = Number(process.env.BENCH_SEQ_CALLS ?? 1000);
// Node runs 50 in flight fast enough that 500 calls (~0.15 s) left each
// sample to a collection or two: 2,000 take long enough to pair.
const concCalls = Number(process.env.BENCH_CONC_CALLS ?? 2000);
const concurrency = 50;
const pagePath = process.env.ZOOM_BENCH_PAGE;
const out = process.env.BENCH_OUT ?? "node.json";
const creds = { accountId: "mock-account", clientId: "mock-client-id", clientSecret: "mock-client-secret" };

const admin = async (path, body) =>
  (await fetch(`${base}/_admin${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body ?? {}),
  })).json();

// --- the three clients, each as the same three operations -------------------

const minted = await admin("/tokens", { ttl_secs: 3600 });
const rawToken = minted.access_token;

const ours = new ZoomPhone(creds, { baseUrl: api, oauthBase: base });
const rivetToken = (await admin("/tokens", { ttl_secs: 3600 })).access_token;
const rivet = new PhoneS2SAuthClient({
  ...creds,
  baseUrl: api,
  disableReceiver: true,
  tokenStore: {
    getLatestToken: () => ({
      accessToken: rivetToken,
      expirationTimeIso: new Date(Date.now() + 3_600_000).toISOString(),
      scopes: [],
    }),
    storeToken: () => {},
  },
});

const rawGet = async (url) => {
  const r = await fetch(url, { headers: { authorization: `Bearer ${rawToken}`, accept: "application/json" } });
  const body = JSON.parse(await r.text());
  if (!r.ok) throw new Error(`raw: ${r.status} ${JSON.stringify(body)}`);
  return body;
};

const firstUser = (await rawGet(`${api}/phone/users?page_size=1`)).users[0].id;

// Raw `fetch` used the way our host loop must use it: an abort signal with
// the attempt's timer (a fresh controller each time), no redirect followed
// (the core decides where a token may go), our identifying headers, and
// the body read as bytes (the core classifies them) before `JSON.parse`.
// The floor for any client with that contract; ours minus this is the core
// and our JS.
const decoder = new TextDecoder();
const contractHeaders = {
  accept: "application/json",
  "user-agent": "zoom-phone-js/0.1.0",
  "x-zoom-phone-sdk": "zoom-phone-core/0.1.0",
  authorization: `Bearer ${rawToken}`,
};
const contractGet = async (url) => {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 120_000);
  try {
    const r = await fetch(url, { method: "GET", headers: contractHeaders, redirect: "manual", signal: controller.signal });
    r.headers.forEach(() => {});
    const body = JSON.parse(decoder.decode(new Uint8Array(await r.arrayBuffer())));
    if (!r.ok) throw new Error(`fetch_as_ours: ${r.status} ${JSON.stringify(body)}`);
    return body;
  } finally {
    clearTimeout(timer);
  }
};

// A client written by hand over one GET function: a user, and the walk
// following next_page_token.
const byHand = (get) => ({
  getUser: (id) => get(`${api}/phone/users/${encodeURIComponent(id)}`),
  async walk() {
    let n = 0;
    let token = "";
    do {
      const page = await get(`${api}/phone/call_history?page_size=300${token ? `&next_page_token=${encodeURIComponent(token)}` : ""}`);
      n += page.call_history.length;
      token = page.next_page_token;
    } while (token);
    return n;
  },
});

const clients = {
  raw: byHand(rawGet),
  fetch_as_ours: byHand(contractGet),
  ours: {
    getUser: (id) => ours.users.phoneUser({ userId: id }),
    async walk() {
      let n = 0;
      for await (const _ of ours.callLogs.accountCallHistory.iter({ page_size: 300 })) n++;
      return n;
    },
  },
  rivet: {
    getUser: async (id) => (await rivet.endpoints.users.getUsersProfile({ path: { userId: id } })).data,
    async walk() {
      // Rivet has no pager: the caller follows next_page_token.
      let n = 0;
      let token;
      do {
        const { data } = await rivet.endpoints.callLogs.getAccountsCallHistory({
          query: { page_size: 300, ...(token ? { next_page_token: token } : {}) },
        });
        n += data.call_history.length;
        token = data.next_page_token;
      } while (token);
      return n;
    },
  },
};

// Warm up: tokens, connections, JIT; and check every client reads the same data.
for (const [name, c] of Object.entries(clients)) {
  const u = await c.getUser(firstUser);
  if (u.id !== firstUser) throw new Error(`${name}: read user ${u.id}, expected ${firstUser}`);
  const n = await c.walk();
  if (n !== 20000) throw new Error(`${name}: walked ${n} records, expected 20000`);
}

// --- workloads ---------------------------------------------------------------

// The client process's own CPU (ms), beside the wall time: the mock shares the machine.
const cpuMs = (since) => {
  const { user, system } = process.cpuUsage(since);
  return (user + system) / 1000;
};

const workloads = {
  /** ms per call over `seqCalls` sequential GET /phone/users/{userId}; and its CPU */
  async seq_get(c) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    for (let i = 0; i < seqCalls; i++) await c.getUser(firstUser);
    return { seq_get: (performance.now() - t0) / seqCalls, seq_get_cpu: cpuMs(c0) / seqCalls };
  },
  /** ms for the whole 20,000-record walk in pages of 300; and its CPU */
  async walk_20000(c) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await c.walk();
    return { walk_20000: performance.now() - t0, walk_20000_cpu: cpuMs(c0) };
  },
  /** calls per second, `concCalls` GETs with 50 in flight */
  async concurrent_50(c) {
    let next = 0;
    const worker = async () => {
      while (next < concCalls) {
        next++;
        await c.getUser(firstUser);
      }
    };
    const t0 = performance.now();
    await Promise.all(Array.from({ length: concurrency }, worker));
    return concCalls / ((performance.now() - t0) / 1000);
  },
};

const samples = {};
// Round -1 warms every client and workload up (JIT tiers, connections,
// caches) and is not recorded: otherwise whichever client runs first in the
// first round pays for it.
for (let round = -1; round < rounds; round++) {
  for (const [w, run] of Object.entries(workloads)) {
    // Rotate the order each round so no client always runs first (or last).
    const names = Object.keys(clients);
    const k = (round + names.length) % names.length;
    const order = names.slice(k).concat(names.slice(0, k));
    for (const name of order) {
      const v = await run(clients[name]);
      if (round < 0) continue;
      for (const [key, value] of Object.entries(typeof v === "number" ? { [w]: v } : v)) {
        ((samples[key] ??= {})[name] ??= []).push(value);
      }
    }
  }
  process.stderr.write(round < 0 ? "node: warmed up\n" : `node: round ${round + 1}/${rounds}\n`);
}

// --- time inside the two crossings into the wasm core, per call ---------------
// The same sequential GETs of ours, with the core's `start` and `respond`
// timed from JS (glue and string passing included). Run after the timed
// workloads: the wrapping costs a little itself.
{
  const { Session } = await import(new URL("./node_modules/zoom-phone/zoom_phone_wasm.js", import.meta.url).href);
  const spent = { start: 0, respond: 0 };
  const original = {};
  for (const name of Object.keys(spent)) {
    original[name] = Session.prototype[name];
    Session.prototype[name] = function (...args) {
      const t0 = performance.now();
      try {
        return original[name].apply(this, args);
      } finally {
        spent[name] += performance.now() - t0;
      }
    };
  }
  samples.crossings_us = { ours: [], ours_start: [], ours_respond: [] };
  for (let round = 0; round < rounds; round++) {
    spent.start = spent.respond = 0;
    for (let i = 0; i < seqCalls; i++) await clients.ours.getUser(firstUser);
    samples.crossings_us.ours_start.push((spent.start * 1000) / seqCalls);
    samples.crossings_us.ours_respond.push((spent.respond * 1000) / seqCalls);
    samples.crossings_us.ours.push(((spent.start + spent.respond) * 1000) / seqCalls);
  }
  Object.assign(Session.prototype, original);
}

// --- parsing one 300-record page: our parseResponse vs JSON.parse ------------

if (pagePath) {
  const bytes = new Uint8Array(readFileSync(pagePath));
  const headers = { "content-type": "application/json;charset=UTF-8", "x-zm-trackingid": "bench" };
  const parsers = {
    raw: () => JSON.parse(decoder.decode(bytes)),
    ours: () => parseResponse("accountCallHistory", 200, headers, bytes).body,
  };
  for (const [name, f] of Object.entries(parsers)) {
    if (f().call_history.length !== 300) throw new Error(`${name}: not 300 records`);
  }
  const iters = 50;
  samples.parse_page_300 = { raw: [], ours: [] };
  for (let round = 0; round < rounds * 3; round++) {
    for (const name of round % 2 ? ["ours", "raw"] : ["raw", "ours"]) {
      const t0 = performance.now();
      for (let i = 0; i < iters; i++) parsers[name]();
      samples.parse_page_300[name].push((performance.now() - t0) / iters);
    }
  }
}

const version = (pkg) =>
  JSON.parse(readFileSync(new URL(`./node_modules/${pkg}/package.json`, import.meta.url), "utf8")).version;
const units = {
  seq_get: "ms/call",
  seq_get_cpu: "CPU ms/call",
  walk_20000: "ms",
  walk_20000_cpu: "CPU ms",
  concurrent_50: "calls/s",
  parse_page_300: "ms/page",
  crossings_us: "us/call",
};
writeFileSync(
  out,
  JSON.stringify(
    {
      host: "node",
      versions: { node: process.version, "@zoom/rivet": version("@zoom/rivet"), "zoom-phone (npm)": version("zoom-phone") },
      rounds,
      params: { seqCalls, concCalls, concurrency },
      units,
      samples,
    },
    null,
    2,
  ),
);
process.stderr.write(`node: wrote ${out}\n`);
