// Types of client.js: the client, its options and its methods.
import type { ParsedResponse, RateLimit, ResumePoint, RetryOptions, StoredTokens, SyncCheckpoint, SyncPhase } from "./zoom_phone_wasm.js";
import type { Groups, Operations, PagedOperationId, SyncOperationId } from "./generated/operations.js";
import type { AbortSignalLike, FetchLike, HeadersLike, ResponseLike } from "./platform.js";
import type { TokenStore } from "./token-stores.js";

/** Per-call options: of every method, and (as defaults) of a `withOptions` copy. */
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

/** Options of a paginated walk: those of each page's call, and the walk's own. */
export interface PageOptions extends RequestOptions {
  /** Stop after this many items. */
  limit?: number;
  /** Continue where an earlier walk's `resumePoint` said (the same parameters; within the 15 minutes Zoom keeps page tokens). */
  resume?: ResumePoint | null;
}

/** Options of an incremental sync: those of each call, and where to resume. */
export interface SyncOptions extends RequestOptions {
  /** The checkpoint of an earlier run: this run asks only for what changed since. */
  checkpoint?: SyncCheckpoint | null;
}

/** The raw response of a call, beside its result. */
export interface ResponseInfo {
  /** The operationId (or `download`). */
  operation: string;
  status: number;
  /** Every header of Zoom's (last) answer, as the platform's `fetch` gave them. */
  headers: HeadersLike;
  /** Zoom's `x-zm-trackingid`, for Zoom support. */
  trackingId: string | null;
  /** What the answer's `X-RateLimit-*` headers said. */
  rateLimit: RateLimit;
  /** Where a redirect sent the call (the transcript's URL). */
  location: string | null;
  kind: "json" | "empty" | "binary" | "text";
  contentType: string | null;
}

/** What `withResponse()` resolves to. */
export interface WithResponse<T> {
  data: T;
  response: ResponseInfo;
}

/** What every method returns: a promise of the result, that also gives the raw response. */
export declare class ZoomPromise<T> extends Promise<T> {
  private constructor();
  /** The result and the raw response (status, headers, tracking id, rate-limit headers, location). */
  withResponse(): Promise<WithResponse<T>>;
  /** The final answer as the platform's `Response`: status, headers, and the body unread (not parsed). */
  asResponse(): Promise<ResponseLike>;
}

/** One page of a walk. */
export interface Page<R, I> {
  /** The items the walk hands out of this page (a resume or a limit may leave some out). */
  items: I[];
  /** The page as parsed. */
  data: R;
  response: ResponseInfo;
}

/** The items of a listing, fetched a page at a time as consumed. */
export interface Paginator<R, I> extends AsyncIterableIterator<I> {
  /** The walk page by page instead (a walk is consumed one way or the other). */
  pages(): AsyncIterableIterator<Page<R, I>> & { readonly resumePoint: ResumePoint | null };
  /** Where to continue later, after the items handed out so far (`null`: nothing is left); pass it as `resume`. */
  readonly resumePoint: ResumePoint | null;
  next(): Promise<IteratorResult<I, undefined>>;
  return(): Promise<IteratorResult<I, undefined>>;
  [Symbol.asyncIterator](): Paginator<R, I>;
}

/** One answer of an incremental sync. */
export interface SyncBatch<R> {
  /** `full`: the newest records; `backward`: older ones until the history is complete; `incremental`: what changed. */
  phase: SyncPhase;
  /** The answer as parsed. */
  page: R;
  /** How many records it held. */
  records: number;
  /** Where the sync stands after this batch: save it once the batch is handled. */
  checkpoint: SyncCheckpoint;
  response: ResponseInfo;
}

/** The batches of one sync run, until caught up. */
export interface SyncRun<R> extends AsyncIterableIterator<SyncBatch<R>> {
  /** Where the sync stands after the batches handed out so far. */
  readonly checkpoint: SyncCheckpoint;
  next(): Promise<IteratorResult<SyncBatch<R>, undefined>>;
  return(): Promise<IteratorResult<SyncBatch<R>, undefined>>;
  [Symbol.asyncIterator](): SyncRun<R>;
}

/** The parameters of a sync: the operation's, without the sync type and token (the syncer's). */
export type SyncParams<P> = Omit<P, "sync_type" | "sync_token">;

/** Options of a sharded job (`shards`): one date range cut into shards claimed by the fleet's workers. */
export interface ShardOptions extends RequestOptions {
  /** The job's name: every worker of the job uses the same one (no colons or braces). */
  job: string;
  /** This worker's name in the leases (default: random). */
  worker?: string;
  /** The range, `YYYY-MM-DD`, both ends included. */
  from: string;
  to: string;
  /** The size of a shard (default one month: what Zoom's call history takes per call). */
  span?: { months: number } | { days: number };
}

/** Every item of the shards this worker claims. */
export interface ShardWalk<I> extends AsyncIterableIterator<I> {
  /** The shard being walked (`2026-01-01..2026-01-31`), or `null`. */
  readonly shard: string | null;
  /** Every shard of the job, in order. */
  readonly shards: string[];
  next(): Promise<IteratorResult<I, undefined>>;
  /** Stops; the shard's exact position is saved for whoever claims it next. */
  return(): Promise<IteratorResult<I, undefined>>;
  [Symbol.asyncIterator](): ShardWalk<I>;
}

/** A method of a group whose parameters include required ones. */
export type Method<P, R> = (params: P, options?: RequestOptions) => ZoomPromise<R>;
/** A method of a group whose parameters are all optional. */
export type OptionalMethod<P, R> = (params?: P, options?: RequestOptions) => ZoomPromise<R>;
/** A paginated method: one page per call, or every item with `iter`. */
export type PagedMethod<P, R, I> = Method<P, R> & {
  iter(params: P, options?: PageOptions): Paginator<R, I>;
};
export type OptionalPagedMethod<P, R, I> = OptionalMethod<P, R> & {
  iter(params?: P, options?: PageOptions): Paginator<R, I>;
};
/** An incremental-sync method's `sync`: the full sync, the backfill, then the changes. */
export type Syncs<P, R> = {
  sync(params: SyncParams<P>, options?: SyncOptions): SyncRun<R>;
};
export type OptionalSyncs<P, R> = {
  sync(params?: SyncParams<P>, options?: SyncOptions): SyncRun<R>;
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
export interface ZoomResponse<B = unknown> extends Omit<ParsedResponse, "body" | "kind" | "location" | "contentType">, ResponseInfo {
  /** The parsed JSON, the bytes of a download, the transcript's text, or `null` (no body). */
  body: B;
}

/** The core's log record of a step of a call (`request`, `retry`, `token.renewed`, `fleet.degraded`, ...); never a secret. */
export interface LogRecord {
  level: "error" | "warn" | "info" | "debug";
  name: string;
  message: string;
  /** The record's data: operation, attempt, status, tracking id, wait, ... */
  fields: Record<string, unknown>;
}

/** Where the log records go: `logger.info(message, record)`; `console` fits, and so do pino and winston. */
export interface Logger {
  debug?(message: string, record: LogRecord): void;
  info?(message: string, record: LogRecord): void;
  warn?(message: string, record: LogRecord): void;
  error?(message: string, record: LogRecord): void;
  /** The logger's own level (pino, winston): the core builds records from it on unless `log` says otherwise. */
  level?: string;
}

/** A Redis client of `redis` (node-redis v4 or later: `evalSha`/`eval`) or of `ioredis` (`evalsha`/`eval`). */
export type RedisClient =
  | { evalSha(sha1: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>; eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown> }
  | { evalsha(sha1: string, numkeys: number, ...keysAndArgs: string[]): Promise<unknown>; eval(script: string, numkeys: number, ...keysAndArgs: string[]): Promise<unknown> };

/** Sharing the account's rate-limit budget and tokens with the other workers of a fleet, through Redis. */
export interface FleetOptions {
  /** Your connected Redis client (the package depends on no Redis library). */
  redis: RedisClient;
  /** The Zoom account whose budget and tokens are shared (default: the server-to-server `accountId`). */
  account?: string;
  /** First part of every key (default `zoom-phone`). */
  prefix?: string;
  /** Which token set is shared (default `account`; name a user's for user tokens). */
  tokens?: string;
  /** The part of the plan's limits the fleet uses (default 0.9). */
  share?: number;
  /** How long the token lock holds if its holder goes silent (default 30 s). */
  leaseMs?: number;
  /** The longest one Redis script may take before this worker carries on alone (default 250 ms). */
  timeoutMs?: number;
  /** How often a worker working alone tries Redis again (default 500 ms). */
  probeMs?: number;
}

export interface ZoomPhoneOptions {
  /** API base URL, default `https://api.zoom.us/v2` (a token's `api_url` wins). */
  baseUrl?: string;
  fileBaseUrl?: string;
  /**
   * The OAuth server's root URL, default `https://zoom.us`; the client appends `/oauth/token` (and the
   * other endpoints' paths) itself. A base ending in `/oauth/token` is a `ZoomBuildError`; a token
   * endpoint answering 404 is a `ZoomAuthenticationError` (code `not_an_oauth_endpoint`) naming the URL.
   */
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
  /** Gets the core's log records. */
  logger?: Logger;
  /** From which level the core builds records: this, else `ZOOM_PHONE_LOG` (Node), else the logger's `level`, else `info`; `console` when no logger is given. */
  log?: "off" | "error" | "warn" | "info" | "debug";
  /** Share the account's budget and tokens with other workers through Redis (not with `tokenStore`). */
  fleet?: FleetOptions;
}

export interface ZoomPhone extends Groups {}
export declare class ZoomPhone {
  constructor(credentials: Credentials, options?: ZoomPhoneOptions);
  /** A copy whose calls take these options by default; it shares this client's session (tokens, limiter, fleet). */
  withOptions(defaults: RequestOptions): ZoomPhone;
  /** Calls an operation by Zoom's operationId. */
  call<K extends keyof Operations>(operationId: K, params?: Operations[K]["params"], options?: RequestOptions): ZoomPromise<Operations[K]["result"]>;
  /** Calls an operation; the whole answer (status, headers, trackingId, rateLimit, kind, body). */
  request<K extends keyof Operations>(
    operationId: K,
    params?: Operations[K]["params"],
    options?: RequestOptions,
  ): Promise<ZoomResponse<Operations[K]["body"]>>;
  /** Downloads a `download_url` from an earlier answer (redirects followed, the token only to Zoom's hosts). */
  download(url: string, options?: RequestOptions): ZoomPromise<Uint8Array>;
  /** Every item of a listing, page by page as consumed. */
  paginate<K extends PagedOperationId>(
    operationId: K,
    params?: Operations[K]["params"],
    options?: PageOptions,
  ): Paginator<Operations[K]["result"], Operations[K]["item"]>;
  /** An incremental sync: the full sync, the backfill, then the changes; from `checkpoint`, only the changes since. */
  sync<K extends SyncOperationId>(
    operationId: K,
    params: SyncParams<Operations[K]["params"]>,
    options?: SyncOptions,
  ): SyncRun<Operations[K]["result"]>;
  /** A listing's date range spread over the fleet's workers: every item of the shards this worker claims. */
  shards<K extends PagedOperationId>(
    operationId: K,
    params: Omit<Operations[K]["params"], "from" | "to">,
    options: ShardOptions,
  ): ShardWalk<Operations[K]["item"]>;
}
