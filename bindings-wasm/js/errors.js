// The package's error classes, and the translation of the core's thrown
// errors (and of a trapped wasm instance) into them.
import { instanceId } from "./zoom_phone_wasm.js";

/** Base class of every error this package throws for a Zoom or SDK failure. */
export class ZoomPhoneError extends Error {
  constructor(message, fields = {}) {
    super(message);
    this.name = new.target.name;
    /** The core's error kind: `ApiError`, `BuildError`, `OAuthError`, ... */
    this.kind = fields.kind ?? "ZoomPhoneError";
    this.code = fields.code ?? "error";
    this.status = fields.status;
    this.zoomCode = fields.zoomCode;
    this.trackingId = fields.trackingId;
    this.errors = fields.errors ?? [];
    this.rateLimit = fields.rateLimit ?? null;
    this.retryAfter = fields.retryAfter;
  }
}
/** Zoom (or the OAuth server, or the SDK's checks before sending) refused the call. */
export class ZoomApiError extends ZoomPhoneError {}
/** Tokens could not be obtained, or Zoom refused the token (401, code 124). */
export class ZoomAuthError extends ZoomApiError {}
/** 429, or the account's daily quota is spent; see `retryAfter`. */
export class ZoomRateLimitError extends ZoomApiError {}
/** 404: the resource does not exist. */
export class ZoomNotFoundError extends ZoomApiError {}
/** The parameters are wrong: caught before sending (`kind: "BuildError"`) or Zoom's 400/300. */
export class ZoomValidationError extends ZoomApiError {}
/** A webhook request that is not genuine; `status` is the HTTP status to answer with. */
export class ZoomWebhookError extends ZoomApiError {}
/** No answer: connection failure, timeout, abort of a request in flight. */
export class ZoomTransportError extends ZoomPhoneError {}
/** A response body over the client's limit (`maxResponseBytes`, `maxDownloadBytes`); the message names it. */
export class ZoomResponseTooLargeError extends ZoomPhoneError {}

function classFor(raw) {
  switch (raw.name) {
    case "BuildError":
      return ZoomValidationError;
    case "OAuthError":
      return ZoomAuthError;
    case "WebhookError":
      return ZoomWebhookError;
    case "DailyLimitExceededError":
      return ZoomRateLimitError;
    case "TransportError":
    case "TimeoutError":
      return ZoomTransportError;
    case "ApiError":
      if (raw.status === 401 || raw.zoomCode === 124) return ZoomAuthError;
      if (raw.status === 429) return ZoomRateLimitError;
      if (raw.status === 404) return ZoomNotFoundError;
      if (raw.status === 400 || raw.status === 422) return ZoomValidationError;
      return ZoomApiError;
    case "DecodeError":
    case "PageTokenExpiredError":
      return ZoomApiError;
    case "ResponseTooLargeError":
      return ZoomResponseTooLargeError;
    default:
      return ZoomPhoneError;
  }
}

// A panic in the core traps (RuntimeError) and makes the next call run on a
// fresh wasm instance (see `start` in bindings-wasm/src/lib.rs). Objects of
// the old instance must not be touched again: each is used only while
// `instanceId()` still names the instance that made it.
function isCoreFailure(raw) {
  return raw instanceof WebAssembly.RuntimeError || (raw instanceof Error && raw.message.startsWith("Invalid stale object"));
}

/** The error of a call whose wasm instance trapped. */
export function coreFailure() {
  return new ZoomPhoneError("the WebAssembly core failed (a bug: its message is on the console); the next call starts afresh", {
    kind: "InternalError",
    code: "internal_error",
  });
}

/** The core's thrown error as an instance of the class hierarchy; other values pass through. */
export function toZoomError(raw) {
  if (raw instanceof ZoomPhoneError) return raw;
  if (isCoreFailure(raw)) return coreFailure();
  if (!(raw instanceof Error) || typeof raw.code !== "string" || raw instanceof TypeError) return raw;
  const Class = classFor(raw);
  return new Class(raw.message, {
    kind: raw.name,
    code: raw.code,
    status: raw.status,
    zoomCode: raw.zoomCode,
    trackingId: raw.trackingId,
    errors: raw.errors,
    rateLimit: raw.rateLimit,
    retryAfter: raw.retryAfter,
  });
}

export const isZoomPhoneError = (e) => e instanceof ZoomPhoneError;
export const isZoomApiError = (e) => e instanceof ZoomApiError;
export const isZoomAuthError = (e) => e instanceof ZoomAuthError;
export const isZoomRateLimitError = (e) => e instanceof ZoomRateLimitError;
export const isZoomNotFoundError = (e) => e instanceof ZoomNotFoundError;
export const isZoomValidationError = (e) => e instanceof ZoomValidationError;
export const isZoomWebhookError = (e) => e instanceof ZoomWebhookError;

/** Runs a call into the core, its thrown errors as this package's classes. */
export function core(fn) {
  try {
    return fn();
  } catch (e) {
    throw toZoomError(e);
  }
}

/** Runs `fn` on an object of instance `inst`, or fails if that instance is gone. */
export function on(inst, fn) {
  if (instanceId() !== inst) throw coreFailure();
  return core(fn);
}
