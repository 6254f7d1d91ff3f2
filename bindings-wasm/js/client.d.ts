// Types of client.js: the client, its options and its methods.
import type { ParsedResponse, RetryOptions, StoredTokens } from "./zoom_phone_wasm.js";
import type { Groups, Operations, PagedOperationId } from "./generated/operations.js";
import type { AbortSignalLike, FetchLike, HeadersLike } from "./platform.js";
import type { TokenStore } from "./token-stores.js";

/** Per-call options. */
export interface RequestOptions {
  /** Aborts the call (the promise rejects with the signal's reason). */
  signal?: AbortSignalLike;
  /** Overrides the client's `timeoutMs` for this call: retries included, it fails with a `ZoomTimeoutError` after this. */
  timeoutMs?: number;
  /** Attempts in all for this call, the first included. */
  maxAttempts?: number;
  /** Retry this POST/PATCH after a 5xx or timeout, accepting that it may apply twice. */
  retryNonIdempotent?: boolean;
  /** Extra request headers (never logged). */
  headers?: Record<string, string>;
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

/** The whole answer of `request`: its `body` typed from the operation id. */
export interface ZoomResponse<B = unknown> extends Omit<ParsedResponse, "body" | "kind"> {
  kind: "json" | "empty" | "binary" | "text";
  /** The parsed JSON, the bytes of a download, the transcript's text, or `null` (no body). */
  body: B;
  /** Every header of Zoom's (last) answer, as the platform's `fetch` gave them. */
  headers: HeadersLike;
}

/** The core's log record of a step of a call (`request`, `retry`, `token.renewed`, ...); never a secret. */
export interface LogRecord {
  level: "error" | "warn" | "info" | "debug";
  name: string;
  message: string;
  [field: string]: unknown;
}

/** Where the log records go: `logger.info(message, record)`; `console` fits. */
export interface Logger {
  debug?(message: string, record: LogRecord): void;
  info?(message: string, record: LogRecord): void;
  warn?(message: string, record: LogRecord): void;
  error?(message: string, record: LogRecord): void;
}

export interface ZoomPhoneOptions {
  /** API base URL, default `https://api.zoom.us/v2` (a token's `api_url` wins). */
  baseUrl?: string;
  fileBaseUrl?: string;
  /** OAuth server, default `https://zoom.us`. */
  oauthBase?: string;
  userAgent?: string;
  /** The `fetch` to use (default: the global one). Called with `redirect: "manual"`. */
  fetch?: FetchLike;
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
  /** Each attempt's time limit (default 120 s). */
  attemptTimeoutMs?: number;
  /** Renew a token this long before it expires. */
  refreshSkewMs?: number;
  /** Send the `x-zm-sdk` header (default true). */
  sdkHeader?: boolean;
  /** Gets the core's log records (`log`: from which level; `"info"` when a logger is given). */
  logger?: Logger;
  log?: "off" | "error" | "warn" | "info" | "debug";
}

export interface ZoomPhone extends Groups {}
export declare class ZoomPhone {
  constructor(credentials: Credentials, options?: ZoomPhoneOptions);
  /** Calls an operation by Zoom's operationId. */
  call<K extends keyof Operations>(operationId: K, params?: Operations[K]["params"], options?: RequestOptions): Promise<Operations[K]["result"]>;
  /** Calls an operation; the whole answer (status, trackingId, rateLimit, kind, body). */
  request<K extends keyof Operations>(
    operationId: K,
    params?: Operations[K]["params"],
    options?: RequestOptions,
  ): Promise<ZoomResponse<Operations[K]["body"]>>;
  /** Downloads a `download_url` from an earlier answer (redirects followed, the token only to Zoom's hosts). */
  download(url: string, options?: RequestOptions): Promise<Uint8Array>;
  /** Every item of a listing, page by page as consumed. */
  paginate<K extends PagedOperationId>(
    operationId: K,
    params?: Operations[K]["params"],
    options?: PageOptions,
  ): AsyncGenerator<Operations[K]["item"], void, undefined>;
}
