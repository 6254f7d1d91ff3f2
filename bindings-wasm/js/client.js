// The client: its options translated into the core's configuration (one
// core Session per client, shared by its `withOptions` copies), a method per
// operation, walks, syncs and sharded jobs. Each call is run by the host
// loop in call.js; every decision is the core's (zoom_phone::driver).
import { Session, instanceId } from "./zoom_phone_wasm.js";
import { ZoomPromise } from "./answer.js";
import { Call, Host, abortReason } from "./call.js";
import { core } from "./errors.js";
import { Fleet } from "./fleet.js";
import { GROUPS } from "./generated/operations.js";
import { logSetup } from "./logging.js";
import { Paginator } from "./pages.js";
import { ShardWalk } from "./shards.js";
import { SyncRun } from "./sync.js";
import { MemoryTokenStore } from "./token-stores.js";

export { ZoomPromise } from "./answer.js";

/** The options a ZoomPhone keeps to itself; every other one goes to the core's HostConfig. */
const HOST_OPTIONS = new Set(["fetch", "tokenStore", "logger", "tokenSource", "fleet"]);
/** What `withOptions` may set: the per-call options, as defaults of every call of the copy. */
const COPY_OPTIONS = new Set(["signal", "timeoutMs", "maxAttempts", "retryNonIdempotent", "headers"]);
/** The constructor's private path for `withOptions`. */
const COPY = Symbol("copy");

function randomSeed() {
  const [a, b] = globalThis.crypto.getRandomValues(new Uint32Array(2));
  return a * 2 ** 21 + (b >>> 11); // 53 random bits: a safe integer
}

/** The per-call options the core reads (it names a wrong one), or `undefined` for none: the fast path. */
function callOptions(options) {
  let out;
  for (const key in options) {
    if (key !== "signal" && options[key] !== undefined) (out ??= {})[key] = options[key];
  }
  return out;
}

/** A signal that aborts when either does. */
function eitherSignal(a, b) {
  if (a === undefined || a === b) return b;
  if (b === undefined) return a;
  if (typeof AbortSignal.any === "function") return AbortSignal.any([a, b]);
  const controller = new AbortController();
  for (const s of [a, b]) {
    if (s.aborted) controller.abort(s.reason);
    else s.addEventListener("abort", () => controller.abort(s.reason), { once: true });
  }
  return controller.signal;
}

/** A call's options over a copy's defaults: the call's win, headers merged, either signal aborts. */
function withDefaults(defaults, options) {
  if (defaults === undefined) return options;
  const out = { ...defaults, ...options };
  if (defaults.headers && options.headers) out.headers = { ...defaults.headers, ...options.headers };
  out.signal = eitherSignal(defaults.signal, options.signal);
  return out;
}

export class ZoomPhone {
  /** What a client and its `withOptions` copies share: the configuration, the session (rebuilt after a core failure), the host. */
  #shared;
  /** A copy's defaults for every call. */
  #defaults;

  /**
   * @param credentials `{accountId, clientId, clientSecret}` (server-to-server),
   *   `{clientId, clientSecret}` (client credentials), `{accessToken}` (fixed),
   *   `{clientId, clientSecret?, refreshToken | tokens}` (a user's tokens), or
   *   `{tokenSource: async () => token}`.
   */
  constructor(credentials, options = {}) {
    if (credentials === COPY) {
      this.#shared = options.shared;
      this.#defaults = options.defaults;
      this.#groups();
      return;
    }
    if (credentials == null || typeof credentials !== "object") {
      throw new TypeError("credentials must be an object: {accountId, clientId, clientSecret}, {accessToken}, {refreshToken, clientId} or {tokenSource}");
    }
    const config = { sdk: "js", seed: randomSeed() };
    for (const source of [credentials, options]) {
      for (const [key, value] of Object.entries(source)) if (!HOST_OPTIONS.has(key) && value !== undefined) config[key] = value;
    }
    const source = credentials.tokenSource;
    if (source !== undefined) {
      if (typeof source !== "function") throw new TypeError("tokenSource must be a function");
      config.tokenSource = true;
    }
    const { logger, log } = logSetup(options);
    if (log !== undefined) config.log = log;
    let fleet;
    if (options.fleet !== undefined) {
      if (options.fleet === null || typeof options.fleet !== "object") {
        throw new TypeError("fleet must be an object: {redis, account?, share?, tokens?, prefix?, ...}");
      }
      const { redis, ...settings } = options.fleet;
      fleet = new Fleet(redis);
      config.fleet = settings;
      // The fleet keeps the tokens: the core refuses a store beside it, naming both.
      if (options.tokenStore) config.tokenStore = "shared";
    } else {
      // Without a store of the user's, rotated tokens are kept in memory, so a
      // session rebuilt after a core failure starts from them.
      config.tokenStore = options.tokenStore ? "shared" : "private";
    }
    const host = new Host(
      options.fetch ?? globalThis.fetch.bind(globalThis),
      source,
      options.tokenStore ?? new MemoryTokenStore(),
      logger,
      log,
      fleet,
    );
    this.#shared = { config, session: core(() => new Session(config)), inst: instanceId(), host };
    this.#groups();
  }

  #groups() {
    for (const [group, methods] of Object.entries(GROUPS)) {
      const api = {};
      for (const [name, [operationId, kind]] of Object.entries(methods)) {
        const method = (params, opts) => this.call(operationId, params, opts);
        if (kind === 1) method.iter = (params, opts) => this.paginate(operationId, params, opts);
        else if (kind === 2) method.sync = (params, opts) => this.sync(operationId, params, opts);
        Object.defineProperty(method, "name", { value: name });
        api[name] = method;
      }
      Object.defineProperty(this, group, { value: Object.freeze(api), enumerable: true });
    }
  }

  /**
   * A copy of this client whose calls all take these options (`timeoutMs`,
   * `maxAttempts`, `retryNonIdempotent`, `headers`, `signal`); a call's own
   * options win (headers are merged, either signal aborts). The copy shares
   * this client's session: its tokens, rate limiter, retries and fleet.
   */
  withOptions(defaults) {
    if (defaults === null || typeof defaults !== "object") throw new TypeError("withOptions takes an object of call options");
    for (const key of Object.keys(defaults)) {
      if (!COPY_OPTIONS.has(key)) {
        throw new TypeError(`withOptions: \`${key}\` is not a call option (${[...COPY_OPTIONS].join(", ")}); client options go to the constructor`);
      }
    }
    return new ZoomPhone(COPY, { shared: this.#shared, defaults: withDefaults(this.#defaults, defaults) });
  }

  /** Calls an operation (operationId or snake_case name): a promise of its result, with `withResponse()`/`asResponse()`. */
  call(operationId, params, options = {}) {
    return new ZoomPromise(this.#run(operationId, options, (s, o, now) => s.start(operationId, params, o, now)));
  }

  /** Calls an operation; the whole answer as data: `{operation, status, headers, trackingId, rateLimit, kind, contentType, location, body}`. */
  async request(operationId, params, options = {}) {
    const answer = await this.#run(operationId, options, (s, o, now) => s.start(operationId, params, o, now));
    return { ...answer.info(), body: answer.body() };
  }

  /** Downloads a `download_url` from an earlier answer (redirects followed, the token only to Zoom): a promise of its bytes. */
  download(url, options = {}) {
    return new ZoomPromise(this.#run("download", options, (s, o, now) => s.download(url, o, now)));
  }

  /**
   * The items of every page of a listing, fetched page by page as they are
   * consumed (`.pages()` for whole pages with their responses). Its
   * `resumePoint` says where to continue later; the `resume` option
   * continues there.
   */
  paginate(operationId, params, options = {}) {
    const { limit, resume, ...call } = options;
    return new Paginator(operationId, params, { limit, resume }, (next) => this.#page(operationId, next, call));
  }

  /**
   * An incremental sync of a sync operation (`syncUserCallLogs`, ...): the
   * batches `{phase, page, records, checkpoint, response}` of the full sync,
   * the backfill of older records, then the changes since; given the
   * `checkpoint` saved from an earlier run, only what changed since then.
   */
  sync(operationId, params, options = {}) {
    const { checkpoint, ...call } = options;
    return new SyncRun(operationId, params, checkpoint, (next) => this.#page(operationId, next, call));
  }

  /**
   * A listing spread over the workers of the fleet: its date range
   * `from..to` cut into shards of `span` (default `{months: 1}`) that the
   * workers claim in turn. Iterates every item of the shards this worker
   * claims, saving each shard's position in Redis after every page.
   */
  shards(operationId, params, options = {}) {
    const { job, worker = `w${randomSeed().toString(36)}`, from, to, span, ...call } = options;
    const shared = this.#shared;
    if (!shared.host.fleet) throw new TypeError("shards() needs a fleet: give the client the `fleet: {redis, ...}` option");
    const session = this.#current();
    const host = shared.host;
    return new ShardWalk(
      {
        session,
        inst: shared.inst,
        fleet: host.fleet,
        params,
        paginate: (p, resume) => this.paginate(operationId, p, { ...call, resume }),
        log: (level, name, message, fields) => host.hostEvent(level, name, message, fields),
      },
      { job, worker, from, to, span },
    );
  }

  /** One page of a walk or a sync: its parsed body and the raw response's evidence. */
  async #page(operationId, params, options) {
    const answer = await this.#run(operationId, options, (s, o, now) => s.start(operationId, params, o, now));
    return { data: answer.data(), response: answer.info() };
  }

  /** The session, rebuilt if the core failed since it was made. */
  #current() {
    const shared = this.#shared;
    const inst = instanceId();
    if (shared.inst !== inst) {
      shared.session = core(() => new Session(shared.config));
      shared.inst = inst;
    }
    return shared.session;
  }

  /** How many times this client's session crossed into the core (tests assert the fast path with it). */
  get [Symbol.for("zoom-phone.coreEntries")]() {
    return this.#shared.session.entries;
  }

  /** One call: starts it, then the host loop performs each action until the core says `done`; a promise of its Answer. */
  #run(operation, options, start) {
    options = withDefaults(this.#defaults, options);
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const session = this.#current();
    const shared = this.#shared;
    let step;
    try {
      step = JSON.parse(core(() => start(session, callOptions(options), Date.now())));
    } catch (e) {
      return Promise.reject(e);
    }
    return new Call(shared.host, session, shared.inst, step.id, operation, signal).drive(step);
  }
}
