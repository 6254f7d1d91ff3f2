// The package's error classes: one per class of the core's classification
// (zoom_phone::error::ErrorClass), so the class of an error is decided once,
// in the core, and only looked up here.
import { instanceId } from "./zoom_phone_wasm.js";

/** Base class of every error this package throws for a Zoom or SDK failure. Messages never contain a secret. */
export class ZoomPhoneError extends Error {
  constructor(message, fields = {}, options) {
    super(message, options);
    this.name = new.target.name;
    /** The core's class (`not_found`, `rate_limit`, `transport`, ...). */
    this.class = fields.class ?? "internal";
    /** Stable snake_case code (`not_found`, `missing_parameter`, `invalid_grant`, `bad_signature`, ...). */
    this.code = fields.code ?? "error";
    /** The operation that failed, when there was one. */
    this.operation = fields.operation;
    /** HTTP status of Zoom's answer (for webhook errors: the status to answer with). */
    this.status = fields.status;
    /** Zoom's own error number (1001, 124, 300, ...) and message. */
    this.zoomCode = fields.zoom_code;
    this.zoomMessage = fields.zoom_message;
    /** Zoom's per-field problems of a validation error. */
    this.errors = fields.errors ?? [];
    /** Zoom's `x-zm-trackingid`, for Zoom support. */
    this.trackingId = fields.tracking_id;
    /** What the answer's rate-limit headers said: `{category, type, limit, remaining}`, or `null`. */
    this.rateLimit = fields.rate_limit ?? null;
    /** When a retry may succeed: milliseconds from the answer, and the instant. */
    this.retryAfterMs = fields.retry_after_ms;
    this.retryAt = fields.retry_at_ms != null ? new Date(fields.retry_at_ms) : undefined;
    /** For transport failures: `{kind, target}` (`connect`/`reset`/`timeout`/`other`, `scheme://host:port`). */
    this.transport = fields.transport;
    /** For bodies over the limit: the limit in bytes. */
    this.limit = fields.limit;
  }
}

/** Zoom answered with an error (or the OAuth server did). */
export class ZoomApiError extends ZoomPhoneError {}
/** 401, Zoom's code 124, or OAuth refused the credentials or the refresh token. */
export class ZoomAuthenticationError extends ZoomApiError {}
/** 403: the token lacks a scope or the account a feature. */
export class ZoomPermissionDeniedError extends ZoomApiError {}
/** 404: the resource does not exist. */
export class ZoomNotFoundError extends ZoomApiError {}
/** 400/422: Zoom refused the parameters; see `errors`. */
export class ZoomValidationError extends ZoomApiError {}
/** 409: the request conflicts with the resource's state. */
export class ZoomConflictError extends ZoomApiError {}
/** 429: over a rate limit; see `retryAfterMs`, `rateLimit`. */
export class ZoomRateLimitError extends ZoomApiError {}
/** The account's daily quota is spent; `retryAt` is its reset. */
export class ZoomDailyLimitError extends ZoomRateLimitError {}
/** 5xx after the retries the policy allowed. */
export class ZoomServerError extends ZoomApiError {}
/** No answer: connection refused or reset, DNS, an attempt's timeout; `cause` is the platform's error. */
export class ZoomTransportError extends ZoomPhoneError {}
/** The call's deadline (`timeoutMs`) passed. */
export class ZoomTimeoutError extends ZoomTransportError {}
/** A success answer whose body is not what the operation returns. */
export class ZoomDecodeError extends ZoomPhoneError {}
/** Caught before sending: bad parameters, options or configuration. */
export class ZoomBuildError extends ZoomPhoneError {}
/** A webhook request that is not genuine; `status` is the HTTP status to answer with. */
export class ZoomWebhookError extends ZoomPhoneError {}
/** The token store failed (load, save, lock); `cause` is its error. */
export class ZoomTokenStoreError extends ZoomPhoneError {}
/** A page token older than Zoom keeps them (15 minutes): start the walk again. */
export class ZoomPageTokenExpiredError extends ZoomPhoneError {}
/** A response body over `maxResponseBytes` / `maxDownloadBytes`; reading stopped there. */
export class ZoomResponseTooLargeError extends ZoomPhoneError {}
/** The call was given up. */
export class ZoomCancelledError extends ZoomPhoneError {}
/** A bug (of this package, or a broken protocol); the message says which. */
export class ZoomInternalError extends ZoomPhoneError {}

/** The name of 0.1's class for authentication errors. */
export const ZoomAuthError = ZoomAuthenticationError;

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

/** The error for the core's `Error::to_json()`, with the platform's error as `cause`. */
export function errorFromCore(json, cause) {
  const Class = CLASSES[json.class] ?? ZoomInternalError;
  return new Class(json.message, json, cause === undefined ? undefined : { cause });
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
  return new ZoomInternalError("the WebAssembly core failed (a bug: its message is on the console); the next call starts afresh", {
    class: "internal",
    code: "internal_error",
  });
}

/** A value thrown by the core as this package's error; other values pass through. */
export function toZoomError(raw) {
  if (raw instanceof ZoomPhoneError) return raw;
  if (isCoreFailure(raw)) return coreFailure();
  if (raw instanceof Error && raw.details && typeof raw.details.class === "string") return errorFromCore(raw.details);
  return raw;
}

export const isZoomPhoneError = (e) => e instanceof ZoomPhoneError;
export const isZoomApiError = (e) => e instanceof ZoomApiError;
export const isZoomAuthError = (e) => e instanceof ZoomAuthenticationError;
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
