// Which secrets verify a webhook request: one string is one secret (never
// its characters), an array is several, an empty slot in a rotation is
// skipped, and with no non-empty secret every request is refused (500).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";

import { ZoomWebhookError, handleWebhook, handleWebhookRequest, verifyWebhook } from "zoom-phone";

const NOW_MS = 1_767_225_600_000;
const TS = String(NOW_MS / 1000);
const BODY = JSON.stringify({ event: "phone.callee_ringing", event_ts: NOW_MS - 1000, payload: { account_id: "a", object: {} } });

function signed(key) {
  const digest = createHmac("sha256", key).update(`v0:${TS}:${BODY}`).digest("hex");
  return { "x-zm-signature": `v0=${digest}`, "x-zm-request-timestamp": TS, "content-type": "application/json" };
}

function refusal(fn) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.fail("the request was accepted");
}

test("a string secret is one secret, not each of its characters", async () => {
  const secret = "my-secret-token";
  assert.equal(handleWebhook(signed(secret), BODY, secret, NOW_MS).status, 204);
  verifyWebhook(signed(secret), BODY, secret, NOW_MS);
  for (const key of new Set(secret)) {
    for (const fn of [handleWebhook, verifyWebhook]) {
      const e = refusal(() => fn(signed(key), BODY, secret, NOW_MS));
      assert.ok(e instanceof ZoomWebhookError, String(e));
      assert.equal(e.code, "bad_signature");
    }
  }
  const request = new Request("https://example.test/hook", { method: "POST", headers: signed("m"), body: BODY });
  const { response, error } = await handleWebhookRequest(request, secret, NOW_MS);
  assert.equal(response.status, 401);
  assert.equal(error.code, "bad_signature");
});

test("an array of secrets is several", () => {
  for (const key of ["old", "new"]) {
    assert.equal(handleWebhook(signed(key), BODY, ["old", "new"], NOW_MS).status, 204);
  }
  assert.equal(refusal(() => handleWebhook(signed("n"), BODY, ["old", "new"], NOW_MS)).code, "bad_signature");
});

test("a rotation with an empty slot accepts the real secret and not the empty key", () => {
  for (const secrets of [["", "real"], ["real", ""]]) {
    assert.equal(handleWebhook(signed("real"), BODY, secrets, NOW_MS).status, 204);
    verifyWebhook(signed("real"), BODY, secrets, NOW_MS);
    assert.equal(refusal(() => handleWebhook(signed(""), BODY, secrets, NOW_MS)).code, "bad_signature");
  }
});

test("no non-empty secret fails closed with 500", () => {
  for (const secrets of ["", [], [""], ["", ""]]) {
    for (const fn of [handleWebhook, verifyWebhook]) {
      const e = refusal(() => fn(signed(""), BODY, secrets, NOW_MS));
      assert.ok(e instanceof ZoomWebhookError, String(e));
      assert.equal(e.code, "no_secret", JSON.stringify(secrets));
      assert.equal(e.status, 500);
    }
  }
});

test("anything but a string or an array of strings is a TypeError", () => {
  for (const secrets of [42, null, undefined, { secret: "my-secret-token" }, ["ok", 42], new TextEncoder().encode("my-secret-token")]) {
    const e = refusal(() => handleWebhook(signed("my-secret-token"), BODY, secrets, NOW_MS));
    assert.ok(e instanceof TypeError, `${String(secrets)}: ${e}`);
    assert.ok(!e.message.includes("my-secret-token"));
  }
});
