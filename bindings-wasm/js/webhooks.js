// Webhook verification: the core decides whether a request is genuine and how
// to answer; these helpers adapt fetch-style and node:http requests to it.
import { handleWebhook as coreHandleWebhook, verifyWebhook as coreVerifyWebhook } from "./zoom_phone_wasm.js";
import { headerRecord } from "./body.js";
import { ZoomWebhookError, core } from "./errors.js";

/** Headers from a fetch `Headers`, Node's `IncomingHttpHeaders` or a plain object. */
function plainHeaders(headers) {
  if (headers == null) return {};
  if (typeof headers.forEach === "function" && typeof headers.get === "function") return headerRecord(headers);
  const out = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.join(", ") : String(value);
  }
  return out;
}

/** Throws `ZoomWebhookError` unless the request was signed by Zoom with one of `secrets`. */
export function verifyWebhook(headers, rawBody, secrets, nowMs = Date.now()) {
  core(() => coreVerifyWebhook(plainHeaders(headers), rawBody, secrets, nowMs));
}

/**
 * Verifies a webhook request and says how to answer: `{status, contentType,
 * body, event, payload}` (the URL-validation answer included). Throws
 * `ZoomWebhookError` (with the `status` to answer) when it is not genuine.
 */
export function handleWebhook(headers, rawBody, secrets, nowMs = Date.now()) {
  return core(() => coreHandleWebhook(plainHeaders(headers), rawBody, secrets, nowMs));
}

/**
 * For fetch-style servers (Workers, Deno, Bun): `{response, event, payload}`;
 * on a request that is not genuine `response` is the refusal and `error` says why.
 */
export async function handleWebhookRequest(request, secrets, nowMs = Date.now()) {
  const raw = new Uint8Array(await request.arrayBuffer());
  try {
    const r = handleWebhook(request.headers, raw, secrets, nowMs);
    const headers = r.contentType ? { "content-type": r.contentType } : {};
    const response = new Response(r.status === 204 ? null : r.body, { status: r.status, headers });
    return { response, event: r.event, payload: r.payload };
  } catch (error) {
    if (!(error instanceof ZoomWebhookError)) throw error;
    return { response: new Response(null, { status: error.status ?? 401 }), event: null, payload: null, error };
  }
}

/**
 * For Node's `http`: reads the body of `req`, answers on `res`, and resolves to
 * `{event, payload}` of a genuine event (payload `null` for URL validation), or
 * `null` after refusing a request that is not genuine.
 */
export async function handleNodeWebhook(req, res, secrets, nowMs) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const raw = new Uint8Array(Buffer.concat(chunks));
  try {
    const r = handleWebhook(req.headers, raw, secrets, nowMs ?? Date.now());
    res.writeHead(r.status, r.contentType ? { "content-type": r.contentType } : {});
    res.end(r.status === 204 ? undefined : r.body);
    return { event: r.event, payload: r.payload };
  } catch (error) {
    if (!(error instanceof ZoomWebhookError)) throw error;
    res.writeHead(error.status ?? 401);
    res.end();
    return null;
  }
}
