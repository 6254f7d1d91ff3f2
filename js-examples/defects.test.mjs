// Issue 14 items 4, 5, 13, 14 and 15 in the npm package: OAuth errors keep
// the token endpoint's status and tracking id, the daily limit keeps Zoom's
// evidence, comma-separated list parameters go out as `a,b` (given as a list
// or a string), path parameters follow the core's one coercion rule, and a
// wrong OAuth base is an error that names the URL.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";

import { ZoomAuthenticationError, ZoomBuildError, ZoomDailyLimitError, ZoomPhone } from "zoom-phone";
import { CREDENTIALS, startMock } from "./lib/mock.mjs";

let mock;
before(async () => {
  mock = await startMock();
});
after(() => mock.stop());

/** A fixed-token client whose fetch records each URL and answers 204. */
function recording() {
  const urls = [];
  const fetch = async (url) => {
    urls.push(String(url));
    return new Response(null, { status: 204 });
  };
  return { urls, zp: new ZoomPhone({ accessToken: "tok" }, { fetch }) };
}

test("comma-separated list parameters are sent joined, from a list or a string (item 13)", async () => {
  const { urls, zp } = recording();
  await zp.call("deleteUnassignedPhoneNumbers", { phone_numbers: ["n1", "n2"] });
  await zp.call("deleteUnassignedPhoneNumbers", { phone_numbers: "n1,n2" });
  await zp.call("removeCQPolicySubSetting", { callQueueId: "q", policyType: "voice_mail", shared_ids: "s1,s2" });
  await zp.call("DelRoleMembers", { roleId: "r", user_ids: ["u1", "u2"] });
  assert.deepEqual(urls, [
    "https://api.zoom.us/v2/phone/numbers?phone_numbers=n1,n2",
    "https://api.zoom.us/v2/phone/numbers?phone_numbers=n1,n2",
    "https://api.zoom.us/v2/phone/call_queues/q/policies/voice_mail?shared_ids=s1,s2",
    "https://api.zoom.us/v2/phone/roles/r/members?user_ids=u1&user_ids=u2",
  ]);
});

test("path parameters: a string takes an integer, an integer a string of digits (item 14)", async () => {
  const { urls, zp } = recording();
  await zp.call("unassignCallingPlanFromRoom", { roomId: "r1", type: "200" });
  await zp.call("unassignCallingPlanFromRoom", { roomId: 42, type: 200 });
  assert.deepEqual(urls, [
    "https://api.zoom.us/v2/phone/rooms/r1/calling_plans/200",
    "https://api.zoom.us/v2/phone/rooms/42/calling_plans/200",
  ]);
  for (const type of ["two hundred", "2.5", 2.5, true]) {
    await assert.rejects(zp.call("unassignCallingPlanFromRoom", { roomId: "r1", type }), (e) => {
      assert.ok(e instanceof ZoomBuildError, `${e.name}: ${e.message}`);
      assert.equal(e.code, "invalid_parameter");
      assert.match(e.message, /`type` expected integer/);
      return true;
    });
  }
  await assert.rejects(zp.call("unassignCallingPlanFromRoom", { roomId: 1.5, type: 200 }), /`roomId` expected string/);
  assert.equal(urls.length, 2, "nothing was sent for bad parameters");
});

test("a wrong client secret keeps the token endpoint's status and tracking id (item 4)", async () => {
  const secret = "wrong-secret-5f1e";
  const zp = new ZoomPhone({ ...CREDENTIALS, clientSecret: secret }, { baseUrl: mock.api, oauthBase: mock.url });
  await assert.rejects(zp.sites.listPhoneSites(), (e) => {
    assert.ok(e instanceof ZoomAuthenticationError, `${e.name}: ${e.message}`);
    assert.equal(e.code, "invalid_client");
    assert.equal(e.status, 401);
    assert.match(e.trackingId, /^mock-/);
    assert.ok(e.message.includes(`${mock.url}/oauth/token`), e.message);
    assert.ok(!e.message.includes(secret) && !e.stack.includes(secret));
    return true;
  });
});

test("a refused refresh token keeps the status and tracking id (item 4)", async () => {
  const zp = new ZoomPhone(
    { clientId: CREDENTIALS.clientId, clientSecret: CREDENTIALS.clientSecret, refreshToken: "not-a-refresh-token" },
    { baseUrl: mock.api, oauthBase: mock.url },
  );
  await assert.rejects(zp.sites.listPhoneSites(), (e) => {
    assert.ok(e instanceof ZoomAuthenticationError, `${e.name}: ${e.message}`);
    assert.equal(e.code, "reauthorization_required");
    assert.equal(e.status, 400);
    assert.match(e.trackingId, /^mock-/);
    return true;
  });
});

test("an oauthBase that is the token URL is refused at construction (item 15)", () => {
  assert.throws(
    () => new ZoomPhone(CREDENTIALS, { oauthBase: `${mock.url}/oauth/token` }),
    (e) => {
      assert.ok(e instanceof ZoomBuildError, `${e.name}: ${e.message}`);
      assert.match(e.message, /oauth_base/);
      assert.match(e.message, /root URL/);
      return true;
    },
  );
});

test("a token endpoint that is not there: an error naming the URL it tried (item 15)", async () => {
  const zp = new ZoomPhone(CREDENTIALS, { baseUrl: mock.api, oauthBase: `${mock.url}/oauth` });
  await assert.rejects(zp.sites.listPhoneSites(), (e) => {
    assert.ok(e instanceof ZoomAuthenticationError, `${e.name}: ${e.message}`);
    assert.equal(e.code, "not_an_oauth_endpoint");
    assert.equal(e.status, 404);
    assert.ok(e.message.includes(`${mock.url}/oauth/oauth/token`), e.message);
    assert.match(e.message, /root URL/);
    return true;
  });
});

test("the daily limit keeps status, Zoom's code, tracking id and a reset time (item 5)", async () => {
  const limits = { enabled: true, light: 1000, medium: 1000, heavy: 1000, resource_intensive_per_minute: 1000, daily: 1 };
  await fetch(`${mock.url}/_admin/rate_limits`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(limits) });
  try {
    const zp = new ZoomPhone(CREDENTIALS, { baseUrl: mock.api, oauthBase: mock.url });
    await zp.callLogs.accountCallHistory({ page_size: 1 });
    await assert.rejects(zp.callLogs.accountCallHistory({ page_size: 1 }), (e) => {
      assert.ok(e instanceof ZoomDailyLimitError, `${e.name}: ${e.message}`);
      assert.equal(e.status, 429);
      assert.equal(typeof e.zoomCode, "number");
      assert.match(e.trackingId, /^mock-/);
      assert.ok(e.retryAt instanceof Date && e.retryAt.getTime() > Date.now());
      assert.ok(!e.message.includes("ms since epoch"), e.message);
      return true;
    });
  } finally {
    await mock.admin.reset();
  }
});
