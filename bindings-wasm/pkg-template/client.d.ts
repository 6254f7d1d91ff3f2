// Types of client.js: the client, its errors and the webhook helpers.
import type { RetryOptions, StoredTokens, WebhookResult, ParsedResponse } from "./zoom_phone_wasm.js";
import type { Groups, Operations } from "./operations.js";
import type { ZoomPhoneEvent } from "./events.js";

/** Per-call options. */
export interface RequestOptions {
  /** Aborts the call (the promise rejects with the signal's reason). */
  signal?: AbortSignal;
  /** Overrides the client's `timeoutMs` for this call: retries included, it fails with a `ZoomTransportError` (`code: "timeout"`) after this. */
  timeoutMs?: number;
  /** Retry this POST/PATCH after a 5xx or timeout, accepting that it may apply twice. */
  retryNonIdempotent?: boolean;
}

/** Options of a paginated walk. */
export interface PageOptions extends RequestOptions {
  /** Stop after this many items. */
  limit?: number;
}

/** A method of a group whose parameters include required ones. */
export type Method<P, R> = (params: P, options?: RequestOptions) => Promise<R>;
/** A method of a group whose parameters are all optional. */
export type OptionalMethod<P, R> = (params?: P, options?: RequestOptions) => Promise<R>;
/** A paginated method: one page per call, or every item with `iter`. */
export type PagedMethod<P, R, I> = Method<P, R> & {
  iter(params: P, options?: PageOptions): AsyncGenerator<I, void, undefined>;
};
export type OptionalPagedMethod<P, R, I> = OptionalMethod<P, R> & {
  iter(params?: P, options?: PageOptions): AsyncGenerator<I, void, undefined>;
};

/** A token as a `tokenSource` may hand it: the access token, or with its lifetime. */
export type SuppliedToken =
  | string
  | StoredTokens
  | { accessToken: string; expiresAt?: number; expiresIn?: number; refreshToken?: string; apiUrl?: string; scopes?: string[] };

export type Credentials =
  /** Server-to-server OAuth. */
  | { accountId: string; clientId: string; clientSecret: string }
  /** The client credentials grant. */
  | { clientId: string; clientSecret: string; accountId?: undefined }
  /** One access token, used as long as Zoom takes it. */
  | { accessToken: string }
  /** A user's tokens, renewed with the refresh grant (rotated tokens go to the token store). */
  | { clientId: string; clientSecret?: string; refreshToken: string }
  | { clientId: string; clientSecret?: string; tokens: StoredTokens }
  /** Your own source of tokens (a vault, another service). */
  | { tokenSource: () => Promise<SuppliedToken> | SuppliedToken };

/** Where tokens live between processes; `save` gets every new token set. */
export interface TokenStore {
  load(): Promise<StoredTokens | string | null | undefined> | StoredTokens | string | null | undefined;
  save(tokens: StoredTokens): Promise<void> | void;
  /**
   * For a store shared by several clients: resolves, once no other client
   * holds it, to a function that releases it. A client holds it while it
   * reads the store, refreshes and saves, so none refreshes with a refresh
   * token another one rotated away.
   */
  lock?(): Promise<() => void | Promise<void>>;
}

/** Tokens in memory for the clients of one JS realm, with a `lock`. */
export declare class MemoryTokenStore implements TokenStore {
  constructor(tokens?: StoredTokens | string | null);
  load(): Promise<StoredTokens | string | null>;
  save(tokens: StoredTokens): Promise<void>;
  lock(): Promise<() => Promise<void>>;
}

export interface ZoomPhoneOptions {
  /** API base URL, default `https://api.zoom.us/v2` (a token's `api_url` wins). */
  baseUrl?: string;
  fileBaseUrl?: string;
  /** OAuth server, default `https://zoom.us`. */
  oauthBase?: string;
  userAgent?: string;
  /** The `fetch` to use (default: the global one). Called with `redirect: "manual"`. */
  fetch?: typeof globalThis.fetch;
  tokenStore?: TokenStore;
  /** Default per-call time limit, retries included. */
  timeoutMs?: number;
  retry?: RetryOptions;
  /** Client-side rate limiting by Zoom's plan limits; off by default. */
  rateLimits?: "pro" | "business" | "off";
  /** Largest API answer read, in bytes (default 32 MiB); longer fails with `ZoomResponseTooLargeError`. */
  maxResponseBytes?: number;
  /** Largest download read, in bytes (default 1 GiB). */
  maxDownloadBytes?: number;
  /** Jitter seed; default from `crypto.getRandomValues`. */
  seed?: number;
}

export interface ZoomPhone extends Groups {}
export declare class ZoomPhone {
  constructor(credentials: Credentials, options?: ZoomPhoneOptions);
  /** Calls an operation by Zoom's operationId. */
  call<K extends keyof Operations>(operationId: K, params?: Operations[K]["params"], options?: RequestOptions): Promise<Operations[K]["result"]>;
  /** Calls an operation; the whole answer (status, trackingId, rateLimit, kind, body). */
  request<K extends keyof Operations>(operationId: K, params?: Operations[K]["params"], options?: RequestOptions): Promise<ParsedResponse>;
  /** Downloads a `download_url` from an earlier answer. */
  download(url: string, options?: RequestOptions): Promise<Uint8Array>;
  /** Every item of a listing, page by page as consumed. */
  paginate<K extends keyof Operations>(operationId: K, params?: Operations[K]["params"], options?: PageOptions): AsyncGenerator<unknown, void, undefined>;
}

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

/** Headers as fetch's `Headers`, Node's `IncomingHttpHeaders` or a plain object. */
export type AnyHeaders = Headers | Record<string, string | string[] | undefined>;
export type RawBody = Uint8Array | ArrayBuffer | string;

/** A verified webhook request: answer with `status`/`body` now, process `payload` after. */
export type VerifiedWebhook = Omit<WebhookResult, "payload"> & {
  /** The verified event (narrow it on `event`); `null` for `endpoint.url_validation`. */
  payload: ZoomPhoneEvent | null;
};

export declare function verifyWebhook(headers: AnyHeaders, rawBody: RawBody, secrets: string | string[], nowMs?: number): void;
export declare function handleWebhook(headers: AnyHeaders, rawBody: RawBody, secrets: string | string[], nowMs?: number): VerifiedWebhook;
export declare function handleWebhookRequest(
  request: Request,
  secrets: string | string[],
  nowMs?: number,
): Promise<{ response: Response; event: string | null; payload: ZoomPhoneEvent | null; error?: ZoomWebhookError }>;
export declare function handleNodeWebhook(
  req: AsyncIterable<Uint8Array> & { headers: Record<string, string | string[] | undefined> },
  res: { writeHead(status: number, headers?: Record<string, string>): unknown; end(body?: Uint8Array): unknown },
  secrets: string | string[],
  nowMs?: number,
): Promise<{ event: string; payload: ZoomPhoneEvent | null } | null>;
