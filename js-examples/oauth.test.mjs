// User OAuth against the mock: authorization code with PKCE, refresh
// (rotating), revoke, device flow, and a ZoomPhone client on a user's tokens.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";

import {
  ZoomAuthError,
  ZoomPhone,
  createAuthorization,
  deviceAuthorization,
  exchangeCode,
  refreshTokens,
  revokeToken,
} from "zoom-phone";
import { startMock } from "./lib/mock.mjs";

let mock;
before(async () => {
  mock = await startMock(["--device-interval", "1"]);
});
after(() => mock.stop());

const publicApp = () => ({ clientId: "mock-public-client-id", redirectUri: "http://127.0.0.1:9/callback", oauthBase: mock.url });

async function authorize(app) {
  const auth = createAuthorization(app);
  const url = new URL(auth.url);
  assert.equal(url.searchParams.get("code_challenge_method"), "S256");
  assert.equal(url.searchParams.get("state"), auth.state);
  assert.ok(auth.codeVerifier.length >= 43);
  const consent = await fetch(auth.url, { redirect: "manual" });
  assert.equal(consent.status, 302);
  return { ...auth, callbackUrl: consent.headers.get("location") };
}

test("authorization code with PKCE, then refresh (rotating) and revoke", async () => {
  const app = publicApp();
  const { callbackUrl, state, codeVerifier } = await authorize(app);
  const tokens = await exchangeCode(app, { callbackUrl, state, codeVerifier });
  assert.equal(typeof tokens.access_token, "string");
  assert.equal(typeof tokens.refresh_token, "string");
  assert.ok(tokens.expires_at > Date.now());

  const renewed = await refreshTokens(app, tokens.refresh_token);
  assert.notEqual(renewed.refresh_token, tokens.refresh_token);
  await assert.rejects(refreshTokens(app, tokens.refresh_token), (e) => {
    assert.ok(e instanceof ZoomAuthError);
    assert.equal(e.code, "invalid_grant");
    assert.ok(!e.message.includes(tokens.refresh_token));
    return true;
  });

  const zp = new ZoomPhone({ accessToken: renewed.access_token }, { baseUrl: mock.api });
  await zp.sites.listPhoneSites();
  await revokeToken(app, renewed.access_token);
  await assert.rejects(zp.sites.listPhoneSites(), ZoomAuthError);
});

test("a callback with another state is refused before any exchange", async () => {
  const app = publicApp();
  const { callbackUrl, codeVerifier } = await authorize(app);
  await assert.rejects(exchangeCode(app, { callbackUrl, state: "not-the-state", codeVerifier }), { code: "state_mismatch" });
});

test("a client on a user's refresh token renews and hands rotated tokens to the store", async () => {
  const app = publicApp();
  const auth = await authorize(app);
  const tokens = await exchangeCode(app, auth);
  const saved = [];
  const zp = new ZoomPhone(
    { clientId: app.clientId, refreshToken: tokens.refresh_token },
    { baseUrl: mock.api, oauthBase: mock.url, tokenStore: { load: () => null, save: (t) => void saved.push(t) } },
  );
  await zp.sites.listPhoneSites();
  assert.equal(saved.length, 1);
  assert.notEqual(saved[0].refresh_token, tokens.refresh_token);
});

test("device flow: prompt, user approves, tokens", async () => {
  const app = { clientId: "mock-client-id", clientSecret: "mock-client-secret", oauthBase: mock.url };
  let prompt;
  const tokens = await deviceAuthorization(app, async (p) => {
    prompt = p;
    await mock.admin.approveDevice(p.userCode);
  });
  assert.match(prompt.verificationUri, /^http/);
  assert.equal(typeof tokens.access_token, "string");
});
