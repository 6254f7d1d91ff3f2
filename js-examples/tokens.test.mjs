// Clients sharing one token store while the mock rotates refresh tokens, a
// refresh token that is dead before anyone could save its successor, and
// response bodies over the client's limits. What counts is what the mock saw:
// its request log (refresh tokens appear there fingerprinted).
import { after, before, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";

import {
  MemoryTokenStore,
  ZoomAuthError,
  ZoomPhone,
  ZoomPhoneError,
  ZoomResponseTooLargeError,
  ZoomTimeoutError,
  ZoomTokenStoreError,
  createAuthorization,
  exchangeCode,
  refreshTokens,
} from "zoom-phone";
import { CREDENTIALS, startMock } from "./lib/mock.mjs";

const ROUNDS = 5;
const CALLS_PER_CLIENT = 3;

let mock;
before(async () => {
  mock = await startMock();
});
after(() => mock.stop());
beforeEach(() => mock.admin.reset());

const app = () => ({
  clientId: "mock-client-id",
  clientSecret: "mock-client-secret",
  redirectUri: "http://127.0.0.1:9/callback",
  oauthBase: mock.url,
});

/** A user's tokens from the code flow (the mock consents at once). */
async function userTokens() {
  const auth = createAuthorization(app());
  const consent = await fetch(auth.url, { redirect: "manual" });
  assert.equal(consent.status, 302);
  const callbackUrl = consent.headers.get("location") ?? "";
  return exchangeCode(app(), { callbackUrl, state: auth.state, codeVerifier: auth.codeVerifier });
}

const userClient = (tokens, tokenStore, options = {}) =>
  new ZoomPhone(
    { clientId: "mock-client-id", clientSecret: "mock-client-secret", tokens },
    { baseUrl: mock.api, oauthBase: mock.url, tokenStore, ...options },
  );

/** The mock's form of a secret in its log: the first 12 hex digits of its SHA-256. */
const fingerprint = (secret) => `<fp:${createHash("sha256").update(secret).digest("hex").slice(0, 12)}>`;

/** The refresh grants the mock received, each with the (fingerprinted) refresh token sent. */
async function refreshes() {
  const log = await mock.admin.requests("/oauth/token");
  return log
    .map((r) => ({ status: r.status, params: new URLSearchParams(`${r.query ?? ""}&${r.body ?? ""}`) }))
    .filter((r) => r.params.get("grant_type") === "refresh_token")
    .map((r) => ({ status: r.status, sent: r.params.get("refresh_token") }));
}

/**
 * Every refresh was answered 200 and none sent a refresh token twice (a
 * used one is dead); the store holds an unused refresh token that the mock
 * accepts, which with rotation is the one it issued last. Returns the count.
 */
async function checkRotation(store) {
  const seen = await refreshes();
  assert.deepEqual(
    seen.map((r) => r.status),
    seen.map(() => 200),
    "no refresh was refused (invalid_grant)",
  );
  const sent = seen.map((r) => r.sent);
  assert.equal(new Set(sent).size, sent.length, "a refresh token was sent twice");
  const stored = await store.load();
  const tokens = typeof stored === "string" ? JSON.parse(stored) : stored;
  assert.ok(!sent.includes(fingerprint(tokens.refresh_token)), "the stored refresh token was never used");
  await refreshTokens(app(), tokens.refresh_token);
  return seen.length;
}

/** A store of the caller's own (JSON text, like a file or a key-value store) with a promise-chain lock. */
function customStore(initial) {
  let text = JSON.stringify(initial);
  let tail = Promise.resolve();
  const store = {
    locks: 0,
    loads: 0,
    saves: 0,
    load: async () => {
      store.loads++;
      return text;
    },
    save: async (tokens) => {
      store.saves++;
      text = JSON.stringify(tokens);
    },
    lock() {
      store.locks++;
      const previous = tail;
      let release = () => {};
      tail = previous.then(() => new Promise((resolve) => (release = resolve)));
      return previous.then(() => () => release());
    },
  };
  return store;
}

async function sharedRounds(a, b) {
  for (let round = 0; round < ROUNDS; round++) {
    await mock.admin.expireTokens();
    const calls = [a, b].flatMap((zp) =>
      Array.from({ length: CALLS_PER_CLIENT }, () => zp.users.listPhoneUsers({ page_size: 1 })),
    );
    const results = await Promise.all(calls);
    for (const r of results) assert.equal(r.users.length, 1);
  }
}

test("two clients sharing a MemoryTokenStore refresh once per expiry and never send a dead refresh token", async () => {
  const tokens = await userTokens();
  const store = new MemoryTokenStore(tokens);
  await sharedRounds(userClient(tokens, store), userClient(tokens, store));
  assert.equal(await checkRotation(store), ROUNDS);
});

test("a store object of one's own with lock() (JSON text) works the same", async () => {
  const tokens = await userTokens();
  const store = customStore(tokens);
  await sharedRounds(userClient(tokens, store), userClient(tokens, store));
  assert.equal(await checkRotation(store), ROUNDS);
  assert.equal(store.saves, ROUNDS, "each rotation saved once");
  assert.ok(store.locks >= ROUNDS, "renewals held the lock");
});

test("a client given stale tokens starts from the shared store's newer ones", async () => {
  const tokens = await userTokens();
  const store = new MemoryTokenStore(tokens);
  const a = userClient(tokens, store);
  await mock.admin.expireTokens();
  await a.sites.listPhoneSites();
  // b was given the original (now dead) refresh token; the store has its successor.
  const b = userClient(tokens, store);
  await mock.admin.expireTokens();
  await Promise.all([a.sites.listPhoneSites(), b.sites.listPhoneSites()]);
  assert.equal(await checkRotation(store), 2);
});

test("a dead refresh token with an unchanged store asks for re-authorization, is sent once, and leaks nothing", async () => {
  const tokens = await userTokens();
  const store = new MemoryTokenStore(tokens);
  // Someone else rotates the token away without saving its successor.
  await refreshTokens(app(), tokens.refresh_token);
  await mock.admin.clearRequests();
  const zp = userClient(tokens, store);
  await mock.admin.expireTokens();
  for (let i = 0; i < 3; i++) {
    await assert.rejects(zp.users.listPhoneUsers(), (e) => {
      assert.ok(e instanceof ZoomAuthError, `${e?.name}: ${e?.message}`);
      assert.equal(e.code, "reauthorization_required");
      for (const secret of [tokens.refresh_token, tokens.access_token, "mock-client-secret"]) {
        assert.ok(!e.message.includes(secret));
        assert.ok(!String(e).includes(secret));
        assert.ok(!JSON.stringify(e).includes(secret));
      }
      return true;
    });
  }
  const seen = await refreshes();
  assert.deepEqual(
    seen.map((r) => [r.status, r.sent]),
    [[400, fingerprint(tokens.refresh_token)]],
    "the dead refresh token was sent once only",
  );
  // New tokens in the store end it: the next call adopts them.
  const fresh = await userTokens();
  await store.save(fresh);
  await zp.users.listPhoneUsers();
});

test("a renewal waits for the store's lock and adopts what its holder saved", async () => {
  const tokens = await userTokens();
  // Known to be expired: the client renews before sending anything.
  const store = customStore({ ...tokens, expires_at: 1 });
  const zp = userClient({ ...tokens, expires_at: 1 }, store);
  // Another process holds the store while it refreshes.
  const release = await store.lock();
  const call = zp.users.listPhoneUsers({ page_size: 1 });
  // Until the client asked for the lock (or, without one, read the store again).
  while (store.locks < 2 && store.loads < 2) await new Promise((resolve) => setImmediate(resolve));
  const renewed = await refreshTokens(app(), tokens.refresh_token);
  await store.save(renewed);
  release();
  assert.equal((await call).users.length, 1);
  const seen = await refreshes();
  assert.deepEqual(
    seen.map((r) => [r.status, r.sent]),
    [[200, fingerprint(tokens.refresh_token)]],
    "only the lock holder refreshed",
  );
});

test("a lock that answers false (held elsewhere) is tried again until the call's deadline", async () => {
  const tokens = await userTokens();
  // A lock across processes that cannot be waited for: it says `false`
  // while another holds it.
  let held = true;
  const store = customStore({ ...tokens, expires_at: 1 });
  store.tries = 0;
  store.lock = async () => {
    store.tries++;
    return held ? false : () => {};
  };
  const zp = userClient({ ...tokens, expires_at: 1 }, store);
  const started = Date.now();
  await assert.rejects(zp.users.listPhoneUsers({ page_size: 1 }, { timeoutMs: 300 }), ZoomTimeoutError);
  assert.ok(Date.now() - started < 3000, "the deadline was kept");
  assert.ok(store.tries >= 3, `tried again while held (${store.tries} tries)`);
  assert.deepEqual(await refreshes(), [], "nothing was refreshed without the lock");
  setTimeout(() => (held = false), 200);
  assert.equal((await zp.users.listPhoneUsers({ page_size: 1 })).users.length, 1);
  assert.equal((await refreshes()).length, 1);
});

test("a store that cannot be read fails the renewal with a ZoomPhoneError, sending no refresh", async () => {
  const tokens = await userTokens();
  let reads = 0;
  const store = {
    load: async () => {
      if (reads++ > 0) throw new Error(`disk gone (${tokens.refresh_token})`);
      return tokens;
    },
    save: async () => {},
  };
  const zp = userClient(tokens, store);
  await zp.users.listPhoneUsers({ page_size: 1 });
  await mock.admin.expireTokens();
  await assert.rejects(zp.users.listPhoneUsers({ page_size: 1 }), (e) => {
    assert.ok(e instanceof ZoomPhoneError, `${e?.name}: ${e?.message}`);
    assert.equal(e.code, "token_store_error");
    assert.match(e.message, /token store/);
    assert.ok(!e.message.includes(tokens.refresh_token), "the store's own message is not passed on");
    return true;
  });
  assert.deepEqual(await refreshes(), []);
});

test("a store whose first load fails is asked again by the next call", async () => {
  const tokens = await userTokens();
  let reads = 0;
  const store = {
    load: async () => {
      if (reads++ === 0) throw new Error("store not ready");
      return tokens;
    },
    save: async () => {},
  };
  const zp = userClient(tokens, store);
  await assert.rejects(zp.users.listPhoneUsers({ page_size: 1 }), (e) => {
    assert.ok(e instanceof ZoomTokenStoreError, `${e?.name}: ${e?.message}`);
    assert.match(e.cause?.message, /store not ready/, "the store's own error is the cause");
    return true;
  });
  const page = await zp.users.listPhoneUsers({ page_size: 1 });
  assert.equal(page.users.length, 1);
  assert.equal(reads, 2);
});

const s2s = (options) => new ZoomPhone(CREDENTIALS, { baseUrl: mock.api, oauthBase: mock.url, ...options });

for (const kind of ["oversized", "oversized_length"]) {
  test(`an answer over maxResponseBytes (${kind}) fails naming the limit and is not retried`, async () => {
    await mock.admin.fault({ kind, bytes: 200_000, path: "/v2/phone/users", count: 1 });
    const zp = s2s({ maxResponseBytes: 100_000 });
    await assert.rejects(zp.users.listPhoneUsers(), (e) => {
      assert.ok(e instanceof ZoomResponseTooLargeError && e instanceof ZoomPhoneError, `${e?.name}: ${e?.message}`);
      assert.equal(e.code, "response_too_large");
      assert.equal(e.class, "response_too_large");
      assert.equal(e.limit, 100_000);
      assert.match(e.message, /\b100000 bytes\b/);
      return true;
    });
    assert.equal((await mock.admin.requests("/v2/phone/users")).length, 1, "not retried");
    // The next call is answered normally.
    const users = await zp.users.listPhoneUsers({ page_size: 2 });
    assert.equal(users.users.length, 2);
  });
}

test("a body under the limit is read whole", async () => {
  await mock.admin.fault({ kind: "oversized", bytes: 50_000, path: "/v2/phone/users", count: 1 });
  const body = await s2s({ maxResponseBytes: 60_000 }).users.listPhoneUsers();
  assert.equal(body.pad.length, 50_000 - '{"pad":""}'.length);
});

test("a body of exactly the limit is read whole; one byte more is refused", async () => {
  await mock.admin.fault({ kind: "oversized", bytes: 30_000, path: "/v2/phone/users", count: 2 });
  assert.equal((await s2s({ maxResponseBytes: 30_000 }).users.listPhoneUsers()).pad.length, 30_000 - 10);
  await assert.rejects(s2s({ maxResponseBytes: 29_999 }).users.listPhoneUsers(), ZoomResponseTooLargeError);
});

test("downloads are bounded by maxDownloadBytes, not maxResponseBytes", async () => {
  const url = `${mock.api}/phone/recording/download/rec-42`;
  // A 4-5 kB recording passes a 1000-byte API limit: downloads have their own.
  const small = s2s({ maxResponseBytes: 1_000 });
  const bytes = await small.download(url);
  assert.ok(bytes.length > 4_000);
  assert.equal((await small.recordings.phoneDownloadRecordingFile({ fileId: "rec-42" })).length, bytes.length);

  await mock.admin.clearRequests();
  const tight = s2s({ maxDownloadBytes: 1_000 });
  for (const attempt of [() => tight.download(url), () => tight.recordings.phoneDownloadRecordingFile({ fileId: "rec-42" })]) {
    await assert.rejects(attempt(), (e) => {
      assert.ok(e instanceof ZoomResponseTooLargeError, `${e?.name}: ${e?.message}`);
      assert.match(e.message, /\b1000 bytes\b/);
      return true;
    });
  }
  assert.equal((await mock.admin.requests("/v2/phone/recording")).length, 2, "each refused once, not retried");
});
