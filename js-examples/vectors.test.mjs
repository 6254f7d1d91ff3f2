// The parity vectors (tools/vectors/data, generated from the Rust core) run
// through the npm package: every outcome must equal the recorded one, and
// every error must carry its kind as `name` and become the class the package
// documents for that kind.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";

import {
  Session,
  ZoomApiError,
  ZoomAuthError,
  ZoomNotFoundError,
  ZoomPhoneError,
  ZoomRateLimitError,
  ZoomValidationError,
  ZoomWebhookError,
  buildRequest,
  handleWebhook,
  parseResponse,
  toZoomError,
} from "zoom-phone";

// The OAuth primitives are internal to the package (its public OAuth API
// sends requests itself); the parity check needs them one by one. Importing
// "zoom-phone" above initialized this very module instance.
const core = await import(new URL("./zoom_phone_wasm.js", import.meta.resolve("zoom-phone")));

const DATA = new URL("../tools/vectors/data/", import.meta.url);
const NOW = 1_767_225_600_000;

const files = readdirSync(DATA)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((name) => ({ name, ...JSON.parse(readFileSync(new URL(name, DATA), "utf8")) }));

const bytesOf = (body) =>
  body == null ? new Uint8Array() : "utf8" in body ? new TextEncoder().encode(body.utf8) : new Uint8Array(Buffer.from(body.base64, "base64"));

function encode(bytes) {
  if (bytes == null || bytes.length === 0) return null;
  try {
    return { utf8: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch {
    return { base64: Buffer.from(bytes).toString("base64") };
  }
}

/** The package class for an error kind, as errors.js documents it. */
function classFor(e) {
  switch (e.kind) {
    case "BuildError":
      return ZoomValidationError;
    case "OAuthError":
      return ZoomAuthError;
    case "WebhookError":
      return ZoomWebhookError;
    case "ApiError":
      if (e.status === 401 || e.zoom_code === 124) return ZoomAuthError;
      if (e.status === 429) return ZoomRateLimitError;
      if (e.status === 404) return ZoomNotFoundError;
      if (e.status === 400 || e.status === 422) return ZoomValidationError;
      return ZoomApiError;
    default:
      return ZoomApiError;
  }
}

function describe(e) {
  const out = {
    code: e.code,
    status: e.status ?? null,
    zoom_code: e.zoomCode ?? null,
    tracking_id: e.trackingId ?? null,
    message: e.message,
  };
  if (e.kind === "ApiError") {
    out.errors = e.errors;
    out.rate_limit = e.rateLimit;
  }
  return out;
}

function check(name, expect, fn) {
  let got;
  try {
    got = fn();
  } catch (raw) {
    assert.ok("error" in expect, `${name}: unexpected ${raw?.name}: ${raw?.message}`);
    const want = expect.error;
    const e = toZoomError(raw);
    // The core's error carries the kind as `name`; the package's wrappers
    // (handleWebhook) throw the class, which keeps it as `kind`.
    assert.equal(raw instanceof ZoomPhoneError ? raw.kind : raw.name, want.kind, `${name}: error name`);
    assert.equal(e.kind, want.kind, `${name}: kind`);
    assert.ok(e instanceof classFor(want), `${name}: ${e.constructor.name} is not ${classFor(want).name}`);
    const { kind, ...fields } = want;
    assert.deepStrictEqual(describe(e), fields, name);
    return;
  }
  assert.ok("ok" in expect, `${name}: expected ${expect.error?.kind}, got a result`);
  assert.deepStrictEqual(got, expect.ok, name);
}

const requestOut = (r) => ({ method: r.method, url: r.url, headers: r.headers, body: encode(r.body) });

function jsConfig(v) {
  const c = v.config ?? {};
  const out = {};
  if (c.base_url !== undefined) out.baseUrl = c.base_url;
  if (c.file_base_url !== undefined) out.fileBaseUrl = c.file_base_url;
  if (c.user_agent !== undefined) out.userAgent = c.user_agent;
  return out;
}

function runRequest(name, v) {
  const expect = structuredClone(v.expect);
  if (expect.ok?.headers["user-agent"]) expect.ok.headers["user-agent"] = expect.ok.headers["user-agent"].replace("{host}", "js");
  if (v.host_type_error) {
    assert.throws(() => buildRequest(v.operation, v.params, jsConfig(v)), TypeError, name);
    assert.throws(() => new Session({ auth: { type: "fixed", accessToken: "t" } }).start(v.operation, v.params, undefined, NOW), TypeError, name);
    return;
  }
  if (!v.session_only) {
    // buildRequest sends no token: the recorded request minus Authorization.
    const unauthorized = structuredClone(expect);
    if (unauthorized.ok) delete unauthorized.ok.headers.authorization;
    check(name, unauthorized, () => requestOut(buildRequest(v.operation, v.params, jsConfig(v))));
  }
  check(`${name} (session)`, expect, () => {
    const session = new Session({ auth: { type: "fixed", accessToken: v.token ?? "vectors-dummy-token" }, ...jsConfig(v) });
    const call = session.start(v.operation, v.params, undefined, NOW);
    const action = session.poll(call, NOW);
    assert.equal(action.type, "send", name);
    return requestOut(action.request);
  });
}

function runResponse(name, v) {
  check(name, v.expect, () => {
    const out = parseResponse(v.operation, v.status, v.headers, bytesOf(v.body));
    const result = { status: out.status, tracking_id: out.trackingId, rate_limit: out.rateLimit, kind: out.kind, body: out.body };
    if (out.kind === "binary") {
      result.content_type = out.contentType;
      result.body = encode(out.body);
    }
    if (out.kind === "redirect") result.location = out.location;
    return result;
  });
}

function appOf(v) {
  const a = v.app ?? {};
  const app = { clientId: a.client_id };
  if (a.client_secret !== undefined) app.clientSecret = a.client_secret;
  if (a.redirect_uri !== undefined) app.redirectUri = a.redirect_uri;
  if (a.oauth_base !== undefined) app.oauthBase = a.oauth_base;
  return app;
}

const oauthCalls = {
  code_exchange_request: (v) => requestOut(core.codeExchangeRequest(appOf(v), v.code, v.code_verifier)),
  refresh_request: (v) => requestOut(core.refreshRequest(appOf(v), v.token)),
  revoke_request: (v) => requestOut(core.revokeRequest(appOf(v), v.token)),
  device_authorization_request: (v) => requestOut(core.deviceAuthorizationRequest(appOf(v))),
  parse_token_response: (v) => core.parseTokenResponse(v.status, v.headers, bytesOf(v.body), v.now),
  parse_refresh_response: (v) => core.parseTokenResponse(v.status, v.headers, bytesOf(v.body), v.now, v.previous_refresh_token),
  parse_revoke_response: (v) => core.parseRevokeResponse(v.status, v.headers, bytesOf(v.body)) ?? null,
  parse_callback: (v) => core.parseCallback(v.callback, v.expected_state),
};

function runOAuth(name, v) {
  const call = oauthCalls[v.call];
  assert.ok(call, `${name}: unknown call ${v.call}`);
  check(name, v.expect, () => call(v));
}

function runWebhook(name, v) {
  check(name, v.expect, () => {
    const out = handleWebhook(v.headers, bytesOf(v.body), v.secrets, v.now);
    return { status: out.status, content_type: out.contentType, body: encode(out.body), event: out.event, payload: out.payload };
  });
}

const runners = { request: runRequest, response: runResponse, oauth: runOAuth, webhook: runWebhook };

test("every parity vector gives the Rust core's outcome", () => {
  let declared = 0;
  let ran = 0;
  const failures = [];
  for (const file of files) {
    assert.equal(file.count, file.vectors.length, file.name);
    declared += file.count;
    const run = runners[file.runner];
    assert.ok(run, `${file.name}: unknown runner ${file.runner}`);
    for (const v of file.vectors) {
      try {
        run(`${file.name}: ${v.name}`, v);
      } catch (e) {
        failures.push(`${file.name}: ${v.name}: ${e.message}`);
      }
      ran += 1;
    }
  }
  assert.deepStrictEqual(failures, [], `${failures.length} vectors differ`);
  assert.equal(ran, declared);
  assert.ok(declared > 2 * 391, `only ${declared} vectors`);
});
