// The parity vectors (tools/vectors/data, generated from the Rust core) run
// through the npm package: every outcome must equal the recorded one, every
// error must carry the core's class, code and evidence and be the package's
// class for that class, and every driver scenario (driver.json) replayed
// through the wasm Session must give the core's actions step by step.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";

import {
  Session,
  ZoomApiError,
  ZoomAuthenticationError,
  ZoomBuildError,
  ZoomCancelledError,
  ZoomConflictError,
  ZoomDailyLimitError,
  ZoomDecodeError,
  ZoomInternalError,
  ZoomNotFoundError,
  ZoomPageTokenExpiredError,
  ZoomPermissionDeniedError,
  ZoomPhoneError,
  ZoomRateLimitError,
  ZoomResponseTooLargeError,
  ZoomServerError,
  ZoomTimeoutError,
  ZoomTokenStoreError,
  ZoomTransportError,
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

/** The package's class for each class of the core (errors.js). */
const CLASSES = {
  authentication: ZoomAuthenticationError,
  permission_denied: ZoomPermissionDeniedError,
  not_found: ZoomNotFoundError,
  validation: ZoomValidationError,
  conflict: ZoomConflictError,
  rate_limit: ZoomRateLimitError,
  daily_limit: ZoomDailyLimitError,
  server: ZoomServerError,
  api: ZoomApiError,
  transport: ZoomTransportError,
  timeout: ZoomTimeoutError,
  decode: ZoomDecodeError,
  build: ZoomBuildError,
  webhook: ZoomWebhookError,
  token_store: ZoomTokenStoreError,
  page_token_expired: ZoomPageTokenExpiredError,
  response_too_large: ZoomResponseTooLargeError,
  cancelled: ZoomCancelledError,
  internal: ZoomInternalError,
};

/** The error's fields under the keys of the core's `Error::to_json()`, those present only. */
function describe(e) {
  const out = {
    class: e.class,
    code: e.code,
    message: e.message,
    operation: e.operation,
    status: e.status,
    zoom_code: e.zoomCode,
    zoom_message: e.zoomMessage,
    errors: e.errors.length ? e.errors : undefined,
    tracking_id: e.trackingId,
    rate_limit: e.rateLimit ?? undefined,
    retry_after_ms: e.retryAfterMs,
    retry_at_ms: e.retryAt?.getTime(),
    transport: e.transport,
    limit: e.limit,
  };
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
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
    assert.ok(e instanceof ZoomPhoneError, `${name}: ${raw?.name}: ${raw?.message}`);
    assert.ok(e instanceof CLASSES[want.class], `${name}: ${e.constructor.name} is not ${CLASSES[want.class]?.name}`);
    assert.deepStrictEqual(describe(e), want, name);
    return;
  }
  assert.ok("ok" in expect, `${name}: expected ${expect.error?.class}, got a result`);
  assert.deepStrictEqual(got, expect.ok, name);
}

const requestOut = (r) => ({ method: r.method, url: r.url, headers: r.headers, body: encode(r.body) });
const utf8 = new TextEncoder();
/** A `send` step's request, as the vectors record it. */
const sendOut = (session, step) => ({
  method: step.method,
  url: step.url,
  headers: step.headers,
  body: step.binaryBody ? encode(session.takeBody()) : step.body === undefined ? null : encode(utf8.encode(step.body)),
});

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
    assert.throws(() => new Session({ accessToken: "t" }).start(v.operation, v.params, undefined, NOW), TypeError, name);
    return;
  }
  if (!v.session_only) {
    // buildRequest sends no token: the recorded request minus Authorization.
    const unauthorized = structuredClone(expect);
    if (unauthorized.ok) delete unauthorized.ok.headers.authorization;
    check(name, unauthorized, () => requestOut(buildRequest(v.operation, v.params, jsConfig(v))));
  }
  let session;
  try {
    session = new Session({ accessToken: v.token ?? "vectors-dummy-token", sdk: "js", ...jsConfig(v) });
  } catch (raw) {
    // The configuration as JSON is checked by HostConfig::from_json when the
    // session is made, with its own wording; the vectors record the Rust
    // builder's (tools/vectors/src/run.rs). The class is the same.
    assert.equal(toZoomError(raw).class, expect.error?.class, `${name} (session): ${raw.message}`);
    return;
  }
  check(`${name} (session)`, expect, () => {
    const step = JSON.parse(session.start(v.operation, v.params, undefined, NOW));
    if (step.error) throw step.error.class ? Object.assign(new Error(step.error.message), { details: step.error }) : step.error;
    assert.equal(step.type, "send", name);
    return sendOut(session, step);
  });
}

// The vectors record the rate-limit headers as the core's struct; the
// package shows the documented shape errors use too.
const CATEGORY = { Light: "light", Medium: "medium", Heavy: "heavy", ResourceIntensive: "resource_intensive" };
function documentedRateLimit(r) {
  return { category: CATEGORY[r.category] ?? null, type: r.limit_type?.toLowerCase() ?? null, limit: r.limit, remaining: r.remaining };
}

function runResponse(name, v) {
  const expect = structuredClone(v.expect);
  if (expect.ok?.rate_limit) expect.ok.rate_limit = documentedRateLimit(expect.ok.rate_limit);
  check(name, expect, () => {
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

/** A step of the wasm Session as the action JSON driver.json records (tools/vectors/src/driver.rs). */
function actionOut(session, step, body) {
  const expires = step.expiresAtMs ?? null;
  switch (step.type) {
    case "send":
      return {
        type: "send",
        ...sendOut(session, step),
        body_limit: step.bodyLimit,
        timeout_ms: step.timeoutMs,
        detached: step.detached,
        expires_at_ms: expires,
      };
    case "fetch_token":
    case "lock_store":
    case "read_store":
      return { type: step.type, expires_at_ms: expires };
    case "write_store":
      return { type: step.type, tokens: step.tokens, expires_at_ms: expires };
    case "unlock_store":
      return { type: step.type };
    case "wait":
      return { type: "wait", until_ms: step.untilMs };
    case "shared":
      return {
        type: "shared",
        script: step.script,
        sha1: step.sha1,
        keys: step.keys,
        args: step.args,
        timeout_ms: step.timeoutMs,
        detached: step.detached,
      };
    case "done":
      if (step.error) return { type: "done", error: step.error };
      return {
        type: "done",
        ok: {
          status: step.status,
          tracking_id: step.trackingId,
          kind: step.kind,
          content_type: step.contentType ?? null,
          location: step.location ?? null,
          body: step.kind === "text" ? { utf8: step.text } : step.kind === "empty" ? null : encode(body),
        },
      };
    default:
      return { type: step.type };
  }
}

const stepOut = (session, step, body) => ({
  action: actionOut(session, step, body),
  wake: step.wake ?? false,
  events: (step.events ?? []).map((e) => e.name),
});

/** Reports one scripted outcome through the Session method for its kind. */
function perform(session, id, outcome, now, bodies) {
  const [kind, value] = Object.entries(outcome)[0];
  switch (kind) {
    case "response": {
      let headers = "";
      for (const [name, v] of Object.entries(value.headers ?? {})) headers += `${name.toLowerCase()}\n${v}\n`;
      const bytes = bytesOf(value.body);
      bodies.set(id, bytes);
      return session.respond(id, value.status, headers, bytes, now);
    }
    case "failed":
      return session.fail(id, value.kind, value.message, now);
    case "token":
      return value.error !== undefined ? session.token(id, null, value.error, now) : session.token(id, value.ok, undefined, now);
    case "stored":
      return session.stored(id, value === null ? undefined : JSON.stringify(value), now);
    case "store_failed":
      return session.storeFailed(id, value, now);
    case "shared":
      return "error" in value ? session.shared(id, undefined, value.error, now) : session.shared(id, JSON.stringify(value.ok), undefined, now);
    default:
      return session.report(id, kind, now);
  }
}

function runDriver(name, v) {
  const session = new Session(v.config);
  const ids = [];
  const bodies = new Map();
  const got = [];
  for (const entry of v.script) {
    const now = entry.now_ms;
    if (entry.start) {
      const s = entry.start;
      let text;
      try {
        text =
          s.download !== undefined
            ? session.download(s.download, s.options ?? undefined, now)
            : session.start(s.operation, s.params, s.options ?? undefined, now);
      } catch (raw) {
        // Bad options end the call before it has an id.
        const e = toZoomError(raw);
        assert.ok(e instanceof ZoomPhoneError, `${name}: ${raw?.message}`);
        ids.push(undefined);
        got.push({ action: { type: "done", error: raw.details }, wake: false, events: [] });
        continue;
      }
      const step = JSON.parse(text);
      ids.push(step.id);
      got.push(stepOut(session, step, bodies.get(step.id)));
    } else if (entry.handle !== undefined) {
      const id = ids[entry.handle];
      const step = JSON.parse(perform(session, id, entry.outcome, now, bodies));
      got.push(stepOut(session, step, bodies.get(id)));
    } else if (entry.cancel !== undefined) {
      const answer = JSON.parse(session.cancel(ids[entry.cancel], now));
      got.push(answer.cancelled === "perform" ? { ...stepOut(session, answer), cancelled: "perform" } : answer);
    } else if (entry.abandon !== undefined) {
      const action = session.abandon(ids[entry.abandon], now);
      got.push({ abandoned: action === undefined || action === null ? null : actionOut(session, JSON.parse(action)) });
    } else {
      assert.fail(`${name}: unknown script entry ${JSON.stringify(entry)}`);
    }
  }
  session.free();
  assert.deepStrictEqual(got, v.expect, name);
  // Every error class the core has is in the table, and each scenario's error maps to its class.
  for (const step of got) {
    const error = step.action?.type === "done" ? step.action.error : undefined;
    if (error) assert.ok(CLASSES[error.class], `${name}: no class for ${error.class}`);
  }
}

const runners = { request: runRequest, response: runResponse, oauth: runOAuth, webhook: runWebhook, driver: runDriver };

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
