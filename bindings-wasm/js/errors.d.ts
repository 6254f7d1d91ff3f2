// Types of errors.js: the error classes and their guards.

export interface ZoomErrorFields {
  kind?: string;
  code?: string;
  status?: number;
  zoomCode?: number;
  trackingId?: string;
  errors?: Array<{ field: string; message: string }>;
  rateLimit?: Record<string, unknown> | null;
  retryAfter?: { delayMs: number } | { at: number };
}

/** Base class of every error of this package. Messages never contain a secret. */
export declare class ZoomPhoneError extends Error {
  constructor(message: string, fields?: ZoomErrorFields);
  /** The core's error kind: `ApiError`, `BuildError`, `OAuthError`, `WebhookError`, `TransportError`, `TimeoutError`, ... */
  kind: string;
  /** Stable snake_case code (`api_error`, `missing_parameter`, `invalid_grant`, `bad_signature`, ...). */
  code: string;
  /** HTTP status of the failed response (for webhooks: the status to answer with). */
  status?: number;
  /** Zoom's own error number (1001, 124, 300, ...). */
  zoomCode?: number;
  /** Zoom's `x-zm-trackingid`, for Zoom support. */
  trackingId?: string;
  /** Zoom's per-field problems of a validation error. */
  errors: Array<{ field: string; message: string }>;
  /** What the rate-limit headers said. */
  rateLimit: Record<string, unknown> | null;
  /** When a retry may succeed. */
  retryAfter?: { delayMs: number } | { at: number };
}
export declare class ZoomApiError extends ZoomPhoneError {}
export declare class ZoomAuthError extends ZoomApiError {}
export declare class ZoomRateLimitError extends ZoomApiError {}
export declare class ZoomNotFoundError extends ZoomApiError {}
export declare class ZoomValidationError extends ZoomApiError {}
export declare class ZoomWebhookError extends ZoomApiError {}
export declare class ZoomTransportError extends ZoomPhoneError {}
/** A response body over `maxResponseBytes` / `maxDownloadBytes`; reading stopped there. */
export declare class ZoomResponseTooLargeError extends ZoomPhoneError {}

export declare function toZoomError(raw: unknown): unknown;
export declare function isZoomPhoneError(e: unknown): e is ZoomPhoneError;
export declare function isZoomApiError(e: unknown): e is ZoomApiError;
export declare function isZoomAuthError(e: unknown): e is ZoomAuthError;
export declare function isZoomRateLimitError(e: unknown): e is ZoomRateLimitError;
export declare function isZoomNotFoundError(e: unknown): e is ZoomNotFoundError;
export declare function isZoomValidationError(e: unknown): e is ZoomValidationError;
export declare function isZoomWebhookError(e: unknown): e is ZoomWebhookError;
