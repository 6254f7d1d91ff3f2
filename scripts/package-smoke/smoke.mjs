// What a new user's first minute with the published npm package exercises,
// run by scripts/npm-smoke.sh from a fresh project where the packed tarball is
// the only dependency: the entry point loads (wasm and all) on this Node,
// webhook verification accepts a signed request and refuses a forged one,
// OAuth draws PKCE randomness, and a call reaches fetch and fails as a typed
// transport error. No network beyond a closed port on localhost.
import { createHmac } from "node:crypto";
import { strict as assert } from "node:assert";
import {
  ZoomPhone,
  ZoomTransportError,
  ZoomWebhookError,
  createAuthorization,
  handleWebhook,
  verifyWebhook,
} from "zoom-phone";

const secret = "smoke-webhook-secret";
const body = JSON.stringify({ event: "phone.callee_ringing", event_ts: 1700000000000, payload: { account_id: "a" } });
const ts = 1700000000;
const sign = (text) => `v0=${createHmac("sha256", secret).update(`v0:${ts}:${text}`).digest("hex")}`;
const headers = { "x-zm-request-timestamp": String(ts), "x-zm-signature": sign(body) };

verifyWebhook(headers, body, secret, ts * 1000);
const verified = handleWebhook(headers, body, [secret], ts * 1000);
assert.equal(verified.event, "phone.callee_ringing");
assert.throws(() => verifyWebhook(headers, body.replace('"a"', '"b"'), secret, ts * 1000), ZoomWebhookError);

const auth = createAuthorization({ clientId: "smoke-client", redirectUri: "https://example.test/cb" });
const url = new URL(auth.url);
assert.equal(url.searchParams.get("state"), auth.state);
assert.ok(url.searchParams.get("code_challenge"), "PKCE challenge in the authorization URL");
assert.notEqual(createAuthorization({ clientId: "smoke-client", redirectUri: "https://example.test/cb" }).state, auth.state);

// Port 9 (discard) on localhost: nothing listens, so fetch fails at once.
const zp = new ZoomPhone({ accessToken: "smoke-token", baseUrl: "http://127.0.0.1:9/v2" });
await assert.rejects(zp.users.phoneUser({ userId: "nobody" }, { maxAttempts: 1 }), ZoomTransportError);

console.log(`npm smoke passed on Node ${process.version}`);
