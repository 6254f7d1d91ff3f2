// OAuth flows for apps acting for a user: authorization code with PKCE,
// refresh, revoke, and the device flow. The core builds every request and
// reads every answer (zoom_phone::auth); these functions only send them with
// `fetch` and wait where the device flow says so.
import {
  DeviceFlow,
  authorizationUrl,
  codeExchangeRequest,
  deviceAuthorizationRequest,
  parseCallback,
  parseRevokeResponse,
  parseTokenResponse,
  refreshRequest,
  revokeRequest,
} from "./zoom_phone_wasm.js";
import { headerRecord } from "./body.js";
import { core } from "./errors.js";

function appOf(options) {
  const app = { clientId: options.clientId };
  for (const key of ["clientSecret", "redirectUri", "oauthBase"]) if (options[key] !== undefined) app[key] = options[key];
  return app;
}

async function send(options, request) {
  const fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
  const response = await fetchFn(request.url, {
    method: request.method,
    headers: request.headers,
    body: request.body ?? undefined,
    redirect: "manual",
    signal: options.signal,
  });
  return { status: response.status, headers: headerRecord(response.headers), body: new Uint8Array(await response.arrayBuffer()) };
}

/** Step 1 of the code flow: `{url, state, codeVerifier}`; send the user to `url`, keep the other two. */
export function createAuthorization(options) {
  return core(() => authorizationUrl(appOf(options)));
}

/**
 * Step 2: the redirect came back to `callbackUrl`. Checks `state`, exchanges the
 * code with the PKCE verifier, and resolves to the token set (store form).
 */
export async function exchangeCode(options, { callbackUrl, state, codeVerifier }) {
  const code = core(() => parseCallback(callbackUrl, state));
  const r = await send(options, core(() => codeExchangeRequest(appOf(options), code, codeVerifier)));
  return core(() => parseTokenResponse(r.status, r.headers, r.body, Date.now()));
}

/** A new token set from a refresh token (Zoom rotates it: store the result). */
export async function refreshTokens(options, refreshToken) {
  const r = await send(options, core(() => refreshRequest(appOf(options), refreshToken)));
  return core(() => parseTokenResponse(r.status, r.headers, r.body, Date.now(), refreshToken));
}

/** Revokes an access or refresh token. */
export async function revokeToken(options, token) {
  const r = await send(options, core(() => revokeRequest(appOf(options), token)));
  core(() => parseRevokeResponse(r.status, r.headers, r.body));
}

/**
 * The device flow: asks for a user code, hands `{userCode, verificationUri,
 * verificationUriComplete, expiresAt}` to `onPrompt`, then polls as the core
 * says until the user decides; resolves to the token set.
 */
export async function deviceAuthorization(options, onPrompt) {
  const start = await send(options, core(() => deviceAuthorizationRequest(appOf(options))));
  const flow = core(() => new DeviceFlow(appOf(options), start.status, start.headers, start.body, Date.now()));
  try {
    await onPrompt(flow.prompt);
    for (;;) {
      if (options.signal?.aborted) throw options.signal.reason;
      const step = core(() => flow.poll(Date.now()));
      if (step.type === "done") return step.tokens;
      if (step.type === "wait") {
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, step.until - Date.now())));
        continue;
      }
      const r = await send(options, step.request);
      flow.receive(r.status, r.headers, r.body, Date.now());
    }
  } finally {
    flow.free();
  }
}
