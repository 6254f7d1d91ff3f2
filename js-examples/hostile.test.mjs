// Hostile input on the wire: path parameters that try to leave their
// segment, and CR/LF in every value that reaches a header (a fixed access
// token, a token source's token, the user agent). Verdicts come from the
// mock's request log: the raw path each request hit and the operation the
// mock matched.
import { after, before, beforeEach, test } from "node:test";
import assert from "node:assert/strict";

import { ZoomAuthenticationError, ZoomBuildError, ZoomNotFoundError, ZoomPhone } from "zoom-phone";
import { CREDENTIALS, startMock } from "./lib/mock.mjs";

// The same values as core/tests/it/hostile.rs and py-tests/test_hostile.py.
export const HOSTILE = [
  "a/b", "../users", "../../oauth/token", "..", ".", "%2E%2E", "%2e", "a?b=c", "a#frag", "%2F", "a%2Fb",
  "é🙂", "a\r\nX-Injected: 1", "\u0000", "\t", "a b", "\\..\\", ";x=y", "%00", "\u202e",
];
const INJECTIONS = ["tok\r\nX-Injected: 1", "tok\nX-Injected: 1", "tok\r"];

let mock;
before(async () => {
  mock = await startMock();
});
after(() => mock.stop());
beforeEach(() => mock.admin.reset());

const decode = (segment) => {
  const bytes = [];
  for (let i = 0; i < segment.length; i++) {
    if (segment[i] === "%") {
      bytes.push(parseInt(segment.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(segment.charCodeAt(i));
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
};

test("path parameters stay one segment of the intended operation, on the wire", async () => {
  const zp = new ZoomPhone(CREDENTIALS, { baseUrl: mock.api, oauthBase: mock.url });
  await zp.sites.listPhoneSites();
  let checked = 0;
  for (const value of HOSTILE) {
    await mock.admin.clearRequests();
    let error;
    try {
      await zp.sites.getASite({ siteId: value });
    } catch (e) {
      error = e;
    }
    const api = await mock.admin.requests("/v2");
    if (error instanceof ZoomBuildError) {
      assert.equal(api.length, 0, `${JSON.stringify(value)} refused, so nothing sent`);
      continue;
    }
    assert.ok(error instanceof ZoomNotFoundError, `${JSON.stringify(value)}: ${error}`);
    assert.equal(api.length, 1, JSON.stringify(value));
    const [r] = api;
    assert.equal(r.operation, "getASite", `${JSON.stringify(value)} hit ${r.path}`);
    const rest = r.path.slice("/v2/phone/sites/".length);
    assert.ok(r.path.startsWith("/v2/phone/sites/") && !rest.includes("/"), r.path);
    assert.equal(decode(rest), value, `${JSON.stringify(value)} round-trips`);
    assert.equal(r.query, null);
    assert.equal(r.headers["x-injected"], undefined);
    checked += 1;
  }
  console.log(`hostile input (node): ${HOSTILE.length} path values, ${checked} requests checked on the wire`);
});

test("CR/LF in a token, a token source's token or the user agent is a typed error, never a header", async () => {
  let refused = 0;
  // The core's class: `build` for the client's own configuration, and
  // `authentication` (a failed renewal) for what a token source answered.
  const expectRefused = async (what, make, Class = ZoomBuildError) => {
    await mock.admin.clearRequests();
    await assert.rejects(
      (async () => {
        const zp = make();
        await zp.sites.listPhoneSites();
      })(),
      (e) => {
        assert.ok(e instanceof Class, `${what}: ${e?.stack}`);
        assert.match(e.message, /control characters|not a valid|header/i, `${what}: ${e.message}`);
        return true;
      },
      what,
    );
    const log = await mock.admin.requests();
    assert.ok(log.every((r) => r.headers["x-injected"] === undefined), what);
    assert.equal(log.filter((r) => r.path.startsWith("/v2")).length, 0, `${what}: nothing sent`);
    refused += 1;
  };
  for (const bad of INJECTIONS) {
    await expectRefused("access token", () => new ZoomPhone({ accessToken: bad }, { baseUrl: mock.api }));
    const fromSource = (answer) => () => new ZoomPhone({ tokenSource: async () => answer }, { baseUrl: mock.api });
    await expectRefused("token source", fromSource(bad), ZoomAuthenticationError);
    await expectRefused("token source object", fromSource({ accessToken: bad }), ZoomAuthenticationError);
    await expectRefused("user agent", () => new ZoomPhone({ accessToken: "fine" }, { baseUrl: mock.api, userAgent: bad }));
  }
  console.log(`hostile input (node): ${refused} header injections refused`);
});
