// Secret hygiene: every error path taken with known secrets (client secret,
// access and refresh tokens, webhook secret), and a refresh that works with
// tokens the mock issued, all with logging at its most verbose
// (ZOOM_PHONE_LOG=debug: every client logs every record to the console);
// every message, toString(), util.inspect(), stack, JSON.stringify() of the
// errors, and everything the package wrote to the console meanwhile,
// searched for them.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { inspect } from "node:util";

import {
  MemoryTokenStore,
  ZoomPhone,
  exchangeCode,
  createAuthorization,
  handleWebhook,
  refreshTokens,
  revokeToken,
  verifyWebhook,
} from "zoom-phone";
import { startMock } from "./lib/mock.mjs";

const CLIENT_SECRET = "sekrit-client-7f3a9c";
const ACCESS = "sekrit-access-51be20";
const REFRESH = "sekrit-refresh-c0ffee";
const WEBHOOK = "sekrit-webhook-d00d42";
const NEEDLES = [CLIENT_SECRET, ACCESS, REFRESH, WEBHOOK].flatMap((s) => [s, s.split("-").at(-1)]);
/** The mock's own client secret and the tokens it issues during the test join the needles. */
const issued = ["mock-client-secret"];

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
  const savedLog = process.env.ZOOM_PHONE_LOG;
  process.env.ZOOM_PHONE_LOG = "debug";
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
    // A user's tokens from the code flow, expired: refreshed (rotated) with debug records of it all.
    const userApp = { clientId: "mock-client-id", clientSecret: "mock-client-secret", oauthBase: mock.url, redirectUri: "http://127.0.0.1:9/cb" };
    const auth = createAuthorization(userApp);
    const consent = await fetch(auth.url, { redirect: "manual" });
    const tokens = await exchangeCode(userApp, { callbackUrl: consent.headers.get("location"), state: auth.state, codeVerifier: auth.codeVerifier });
    issued.push(tokens.access_token, tokens.refresh_token);
    const store = new MemoryTokenStore({ ...tokens, expires_at: 0 });
    const user = new ZoomPhone(
      { clientId: "mock-client-id", clientSecret: "mock-client-secret", tokens: { ...tokens, expires_at: 0 } },
      { ...opts, tokenStore: store },
    );
    await user.users.listPhoneUsers({ page_size: 1 });
    const rotated = await store.load();
    assert.notEqual(rotated.refresh_token, tokens.refresh_token, "the refresh happened");
    issued.push(rotated.access_token, rotated.refresh_token);
    await expectError("404 with a user's token", user.users.phoneUser({ userId: "nobody" }));
  } finally {
    Object.assign(console, saved);
    if (savedLog === undefined) delete process.env.ZOOM_PHONE_LOG;
    else process.env.ZOOM_PHONE_LOG = savedLog;
  }
  // The debug records were written: the search below is not of nothing.
  const logged = console_.join("\n");
  for (const name of ["request", "response", "token.renew", "token.renewed", "token.rejected", "call.failed"]) {
    assert.ok(logged.includes(`name: '${name}'`), `no ${name} record was logged`);
  }
  for (const line of console_) texts.push(["console", line]);
  const needles = [...NEEDLES, ...issued];
  const hits = texts.flatMap(([what, t]) => needles.filter((n) => t.includes(n)).map((n) => `${what}: ${n} in ${t}`));
  console.log(
    `secret hygiene (node): ${texts.length} renderings and console lines (${console_.length} logged at debug) searched for ${needles.length} needles, ${hits.length} hits`,
  );
  assert.deepEqual(hits, []);
});
