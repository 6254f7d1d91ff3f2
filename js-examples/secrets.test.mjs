// Secret hygiene: every error path taken with known secrets (client secret,
// access and refresh tokens, webhook secret); every message, toString(),
// util.inspect(), stack, JSON.stringify() of the errors, and everything the
// package wrote to the console meanwhile, searched for them.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { inspect } from "node:util";

import { ZoomPhone, exchangeCode, createAuthorization, handleWebhook, refreshTokens, revokeToken, verifyWebhook } from "zoom-phone";
import { startMock } from "./lib/mock.mjs";

const CLIENT_SECRET = "sekrit-client-7f3a9c";
const ACCESS = "sekrit-access-51be20";
const REFRESH = "sekrit-refresh-c0ffee";
const WEBHOOK = "sekrit-webhook-d00d42";
const NEEDLES = [CLIENT_SECRET, ACCESS, REFRESH, WEBHOOK].flatMap((s) => [s, s.split("-").at(-1)]);

let mock;
before(async () => {
  mock = await startMock();
});
after(() => mock.stop());

function renderings(e) {
  const out = [String(e), e?.message, e?.stack, inspect(e, { depth: 6, showHidden: true }), JSON.stringify(e)];
  for (let c = e?.cause; c; c = c.cause) out.push(String(c), inspect(c, { depth: 6 }));
  return out.filter((t) => typeof t === "string");
}

test("no error, rendering or console line shows a secret", async () => {
  const console_ = [];
  const saved = {};
  for (const level of ["log", "info", "warn", "error", "debug", "trace"]) {
    saved[level] = console[level];
    console[level] = (...args) => console_.push(args.map((a) => (typeof a === "string" ? a : inspect(a))).join(" "));
  }
  const texts = [];
  const expectError = async (what, promise) => {
    try {
      await promise;
    } catch (e) {
      texts.push(...renderings(e).map((t) => [what, t]));
      return e;
    }
    assert.fail(`${what}: no error`);
  };
  const opts = { baseUrl: mock.api, oauthBase: mock.url, retry: { maxAttempts: 1 } };
  const app = { clientId: "mock-client-id", clientSecret: CLIENT_SECRET, oauthBase: mock.url, redirectUri: "http://127.0.0.1/cb" };
  try {
    await mock.admin.reset();
    // The wrong client secret; an unknown access token; a dead refresh token.
    await expectError("client secret", new ZoomPhone({ accountId: "mock-account", clientId: "mock-client-id", clientSecret: CLIENT_SECRET }, opts).sites.listPhoneSites());
    await expectError("access token", new ZoomPhone({ accessToken: ACCESS }, opts).sites.listPhoneSites());
    await expectError(
      "refresh token",
      new ZoomPhone({ clientId: "mock-client-id", clientSecret: CLIENT_SECRET, refreshToken: REFRESH }, opts).sites.listPhoneSites(),
    );
    await expectError("refreshTokens", refreshTokens(app, REFRESH));
    await revokeToken(app, ACCESS).catch((e) => texts.push(...renderings(e).map((t) => ["revokeToken", t])));
    const { state, codeVerifier } = createAuthorization(app);
    await expectError("exchangeCode", exchangeCode(app, { callbackUrl: `http://127.0.0.1/cb?code=${REFRESH}&state=x${ACCESS}`, state, codeVerifier }));
    // Every fault the mock can inject, with the access token in use.
    for (const kind of ["500", "html", "invalid_json", "truncate", "reset", "429"]) {
      await mock.admin.fault({ kind, count: 10, retry_after: "0", path: "/v2" });
      await expectError(kind, new ZoomPhone({ accessToken: ACCESS }, opts).sites.listPhoneSites());
      await mock.admin.reset();
    }
    // Webhooks: another secret's signature, stale, malformed, missing.
    const body = JSON.stringify({ event: "phone.callee_ringing", event_ts: 1, payload: {} });
    const sign = (secret, ts) => `v0=${createHmac("sha256", secret).update(`v0:${ts}:${body}`).digest("hex")}`;
    const now = Math.floor(Date.now() / 1000);
    const genuine = sign(WEBHOOK, now).slice(3);
    const cases = [
      { "x-zm-request-timestamp": `${now}`, "x-zm-signature": sign("other", now) },
      { "x-zm-request-timestamp": `${now - 3600}`, "x-zm-signature": sign(WEBHOOK, now - 3600) },
      { "x-zm-request-timestamp": `${now}`, "x-zm-signature": "v0=zz" },
      { "x-zm-request-timestamp": "soon", "x-zm-signature": sign(WEBHOOK, now) },
      { "x-zm-request-timestamp": `${now}` },
    ];
    for (const headers of cases) {
      for (const [name, fn] of [["verifyWebhook", verifyWebhook], ["handleWebhook", handleWebhook]]) {
        let error;
        try {
          fn(headers, new TextEncoder().encode(body), [WEBHOOK]);
        } catch (e) {
          error = e;
        }
        assert.ok(error, `${name} ${JSON.stringify(headers)}: refused`);
        const r = renderings(error);
        assert.ok(r.every((t) => !t.includes(genuine)), `${name}: the expected signature leaked`);
        texts.push(...r.map((t) => [name, t]));
      }
    }
    texts.push(["client", inspect(new ZoomPhone({ accessToken: ACCESS }, opts), { showHidden: true, depth: 4 })]);
  } finally {
    Object.assign(console, saved);
  }
  for (const line of console_) texts.push(["console", line]);
  const hits = texts.flatMap(([what, t]) => NEEDLES.filter((n) => t.includes(n)).map((n) => `${what}: ${n} in ${t}`));
  console.log(
    `secret hygiene (node): ${texts.length} renderings and console lines searched for ${NEEDLES.length} needles, ${hits.length} hits`,
  );
  assert.deepEqual(hits, []);
});
