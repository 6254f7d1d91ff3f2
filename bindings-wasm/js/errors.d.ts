// Types of errors.js: one class per class of the core's error classification.
import type { CoreErrorJson, RateLimit } from "./zoom_phone_wasm.js";

/** Base class of every error of this package. Messages never contain a secret. */
export declare class ZoomPhoneError extends Error {
  constructor(message: string, fields?: Partial<CoreErrorJson>, options?: { cause?: unknown });
  /** The core's class: `not_found`, `rate_limit`, `transport`, `build`, ... (one JS class each). */
  class: string;
  /** Stable snake_case code (`not_found`, `missing_parameter`, `invalid_grant`, `bad_signature`, ...). */
  code: string;
  /** The operation that failed, when there was one. */
  operation?: string;
  /** HTTP status of the failed answer (for webhook errors: the status to answer with). */
  status?: number;
  /** Zoom's own error number (1001, 124, 300, ...). */
  zoomCode?: number;
  /** Zoom's own message. */
  zoomMessage?: string;
  /** Zoom's per-field problems of a validation error. */
  errors: Array<{ field: string; message: string }>;
  /** Zoom's `x-zm-trackingid`, for Zoom support. */
  trackingId?: string;
  /** What the answer's `X-RateLimit-*` headers said. */
  rateLimit: RateLimit | null;
  /** When a retry may succeed: milliseconds from the answer's arrival. */
  retryAfterMs?: number;
  /** When a retry may succeed: the instant (a daily limit's reset, `Retry-After`). */
  retryAt?: Date;
  /** For transport failures: how it failed and where (`scheme://host:port`). */
  transport?: { kind: "connect" | "reset" | "timeout" | "other"; target?: string | null };
  /** For bodies over the limit: the limit in bytes. */
  limit?: number;
}
/** Zoom (or the OAuth server) answered with an error. */
export declare class ZoomApiError extends ZoomPhoneError {}
/** 401, Zoom's code 124, or OAuth refused the credentials or the refresh token. */
export declare class ZoomAuthenticationError extends ZoomApiError {}
/** 0.1's name of {@link ZoomAuthenticationError}. */
export declare const ZoomAuthError: typeof ZoomAuthenticationError;
export type ZoomAuthError = ZoomAuthenticationError;
/** 403. */
export declare class ZoomPermissionDeniedError extends ZoomApiError {}
/** 404. */
export declare class ZoomNotFoundError extends ZoomApiError {}
/** 400/422: Zoom refused the parameters; see `errors`. */
export declare class ZoomValidationError extends ZoomApiError {}
/** 409. */
export declare class ZoomConflictError extends ZoomApiError {}
/** 429; see `retryAfterMs` and `rateLimit`. */
export declare class ZoomRateLimitError extends ZoomApiError {}
/** The daily quota is spent; `retryAt` is its reset. */
export declare class ZoomDailyLimitError extends ZoomRateLimitError {}
/** 5xx, after the retries the policy allowed. */
export declare class ZoomServerError extends ZoomApiError {}
/** No answer (refused, reset, DNS, an attempt's timeout); `cause` is the platform's error. */
export declare class ZoomTransportError extends ZoomPhoneError {}
/** The call's deadline (`timeoutMs`) passed. */
export declare class ZoomTimeoutError extends ZoomTransportError {}
/** A success answer whose body is not what the operation returns. */
export declare class ZoomDecodeError extends ZoomPhoneError {}
/** Caught before sending: bad parameters, options or configuration. */
export declare class ZoomBuildError extends ZoomPhoneError {}
/** A webhook request that is not genuine; `status` is the HTTP status to answer with. */
export declare class ZoomWebhookError extends ZoomPhoneError {}
/** The token store failed; `cause` is its error. */
export declare class ZoomTokenStoreError extends ZoomPhoneError {}
/** A page token older than Zoom keeps them (15 minutes). */
export declare class ZoomPageTokenExpiredError extends ZoomPhoneError {}
/** A response body over `maxResponseBytes` / `maxDownloadBytes`; reading stopped there. */
export declare class ZoomResponseTooLargeError extends ZoomPhoneError {}
/** The call was given up. */
export declare class ZoomCancelledError extends ZoomPhoneError {}
/** A bug (of this package, or a broken protocol). */
export declare class ZoomInternalError extends ZoomPhoneError {}

/** The error of the core's `Error::to_json()`. */
export declare function errorFromCore(json: CoreErrorJson, cause?: unknown): ZoomPhoneError;
export declare function toZoomError(raw: unknown): unknown;
export declare function isZoomPhoneError(e: unknown): e is ZoomPhoneError;
export declare function isZoomApiError(e: unknown): e is ZoomApiError;
export declare function isZoomAuthError(e: unknown): e is ZoomAuthenticationError;
export declare function isZoomRateLimitError(e: unknown): e is ZoomRateLimitError;
export declare function isZoomNotFoundError(e: unknown): e is ZoomNotFoundError;
export declare function isZoomValidationError(e: unknown): e is ZoomValidationError;
export declare function isZoomWebhookError(e: unknown): e is ZoomWebhookError;
