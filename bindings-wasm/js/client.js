// The thin JS host of the core's call driver: it moves bytes with `fetch`
// and time with timers. Which token, when to refresh, whether and when to
// retry, which page is next, what an answer means: all decided in Rust
// (zoom_phone::driver) and only carried out here.
import { Pager, Session, instanceId } from "./zoom_phone_wasm.js";
import { headerRecord, readCapped } from "./body.js";
import { core, coreFailure, on, toZoomError } from "./errors.js";
import { GROUPS } from "./generated/operations.js";
import { lockStore } from "./token-stores.js";

function randomSeed() {
  const [a, b] = globalThis.crypto.getRandomValues(new Uint32Array(2));
  return a * 2 ** 21 + (b >>> 11); // 53 random bits: a safe integer
}

function authFrom(credentials) {
  if (credentials == null || typeof credentials !== "object") {
    throw new TypeError("credentials must be an object: {accountId, clientId, clientSecret}, {accessToken} or {tokenSource}");
  }
  const c = credentials;
  if (typeof c.tokenSource === "function") return { type: "external" };
  if (c.accessToken !== undefined) return { type: "fixed", accessToken: c.accessToken };
  if (c.refreshToken !== undefined || c.tokens !== undefined) {
    // Only a refresh token: an access token that expired at the epoch, so the
    // first call renews before sending anything.
    const tokens = c.tokens ?? { access_token: "expired", refresh_token: c.refreshToken, expires_at: 0 };
    return { type: "refreshToken", clientId: c.clientId, clientSecret: c.clientSecret, tokens };
  }
  if (c.accountId !== undefined) {
    return { type: "serverToServer", accountId: c.accountId, clientId: c.clientId, clientSecret: c.clientSecret };
  }
  if (c.clientId !== undefined) return { type: "clientCredentials", clientId: c.clientId, clientSecret: c.clientSecret };
  throw new TypeError("credentials must hold {accountId, clientId, clientSecret}, {accessToken}, {refreshToken, clientId} or {tokenSource}");
}

/** A token source's answer as the store form the core reads. */
function storedFrom(token) {
  if (typeof token === "string") return { access_token: token };
  if (token && typeof token === "object" && "accessToken" in token) {
    return {
      access_token: token.accessToken,
      refresh_token: token.refreshToken ?? null,
      expires_at: token.expiresAt ?? (token.expiresIn != null ? Date.now() + token.expiresIn * 1000 : null),
      api_url: token.apiUrl ?? null,
      scopes: token.scopes ?? [],
    };
  }
  return token;
}

/** How `fetch` failed, in the core's terms (it decides what may be retried). */
function failureKind(error) {
  const code = error?.cause?.code ?? error?.code;
  if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "UND_ERR_CONNECT_TIMEOUT") {
    return "connect";
  }
  if (code === "ECONNRESET" || code === "UND_ERR_SOCKET" || code === "EPIPE" || code === "UND_ERR_CLOSED") return "reset";
  if (error?.name === "TimeoutError") return "timeout";
  return "other";
}

function abortReason(signal) {
  return signal.reason ?? new DOMException("The operation was aborted", "AbortError");
}

function resultOf(output) {
  switch (output.kind) {
    case "json":
    case "binary":
      return output.body;
    case "redirect":
      return output.location;
    default:
      return undefined;
  }
}

export class ZoomPhone {
  #config;
  #session;
  #sessionInstance;
  #lastTokens;
  #fetch;
  #tokenSource;
  #tokenStore;
  #timeoutMs;
  #loaded;
  #waiters = new Set();

  /**
   * @param credentials `{accountId, clientId, clientSecret}` (server-to-server),
   *   `{clientId, clientSecret}` (client credentials), `{accessToken}` (fixed),
   *   `{clientId, clientSecret?, refreshToken | tokens}` (a user's tokens), or
   *   `{tokenSource: async () => token}`.
   */
  constructor(credentials, options = {}) {
    const auth = authFrom(credentials);
    this.#tokenSource = credentials.tokenSource;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#tokenStore = options.tokenStore;
    this.#timeoutMs = options.timeoutMs;
    // A store may be shared with other clients: renewals re-read it first.
    const config = { auth, seed: options.seed ?? randomSeed(), sharedStore: options.tokenStore != null };
    for (const key of ["baseUrl", "fileBaseUrl", "userAgent", "oauthBase", "retry", "rateLimits", "maxResponseBytes", "maxDownloadBytes"]) {
      if (options[key] !== undefined) config[key] = options[key];
    }
    this.#config = config;
    this.#session = core(() => new Session(config));
    this.#sessionInstance = instanceId();
    for (const [group, methods] of Object.entries(GROUPS)) {
      const api = {};
      for (const [name, [operationId, pages]] of Object.entries(methods)) {
        const method = (params, opts) => this.call(operationId, params, opts);
        if (pages) method.iter = (params, opts) => this.paginate(operationId, params, opts);
        Object.defineProperty(method, "name", { value: name });
        api[name] = method;
      }
      Object.defineProperty(this, group, { value: Object.freeze(api), enumerable: true });
    }
  }

  /** The session and its instance, rebuilt (with the last tokens) if the core failed since it was made. */
  #current() {
    const inst = instanceId();
    if (this.#sessionInstance !== inst) {
      this.#session = core(() => new Session(this.#config));
      this.#sessionInstance = inst;
      if (this.#lastTokens) core(() => this.#session.loadTokens(this.#lastTokens));
    }
    return { session: this.#session, inst };
  }

  /** Calls an operation (operationId or snake_case name); resolves to its result. */
  async call(operationId, params, options = {}) {
    return resultOf(await this.request(operationId, params, options));
  }

  /** Calls an operation; resolves to the whole answer (status, trackingId, rateLimit, kind, body). */
  async request(operationId, params, options = {}) {
    return this.#drive(options, (session, opts, now) => session.start(operationId, params, opts, now));
  }

  /** Downloads a `download_url` from an earlier answer (redirects followed, token only to Zoom). */
  async download(url, options = {}) {
    const output = await this.#drive(options, (session, opts, now) => session.startDownload(url, opts, now));
    return output.body;
  }

  /** The items of every page of a listing, fetched page by page as they are consumed. */
  async *paginate(operationId, params, options = {}) {
    const inst = instanceId();
    const pager = core(() => new Pager(operationId, params, options.limit));
    try {
      for (;;) {
        const next = on(inst, () => pager.nextParams(Date.now()));
        if (next === null) return;
        // The pager takes each page inside the core (pollPage): only its items cross over.
        const { items } = await this.#drive(
          options,
          (session, opts, now) => session.start(operationId, next, opts, now),
          pager,
          inst,
        );
        yield* items;
      }
    } finally {
      if (instanceId() === inst) pager.free();
    }
  }

  async #drive(options, start, pager, pagerInst) {
    const signal = options.signal;
    if (signal?.aborted) throw abortReason(signal);
    await this.#loadStore();
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    const deadlineMs = timeoutMs != null ? Date.now() + timeoutMs : undefined;
    const opts = {};
    if (deadlineMs !== undefined) opts.deadlineMs = deadlineMs;
    if (options.retryNonIdempotent) opts.retryNonIdempotent = true;
    // One session for the whole call: ids are only meaningful to the session that made them.
    const { session, inst } = this.#current();
    if (pager && pagerInst !== inst) throw coreFailure();
    const id = core(() => start(session, opts, Date.now()));
    let finished = false;
    // The token store's lock while this call renews the session's token.
    let release;
    try {
      for (;;) {
        if (release && !on(inst, () => session.renewing(id))) {
          await release();
          release = undefined;
        }
        if (signal?.aborted) throw abortReason(signal);
        let action;
        try {
          action = on(inst, () => (pager ? session.pollPage(id, pager, Date.now()) : session.poll(id, Date.now())));
        } catch (e) {
          finished = true;
          throw toZoomError(e);
        }
        switch (action.type) {
          case "done":
            finished = true;
            return pager ? action : action.output;
          case "send":
            await this.#send(session, inst, id, action, signal, deadlineMs);
            break;
          case "fetchToken":
            await this.#fetchToken(session, inst, id, action);
            break;
          case "loadTokens":
            release ??= await lockStore(this.#tokenStore);
            await this.#loadStored(session, inst, id, action);
            break;
          default:
            await this.#wait(action.until, deadlineMs, signal);
        }
      }
    } finally {
      if (release) await release();
      if (!finished) {
        if (instanceId() === inst) session.cancel(id);
        this.#notify();
      }
    }
  }

  async #loadStored(session, inst, id, { attempt }) {
    let stored = null;
    let failure;
    try {
      stored = this.#tokenStore ? ((await this.#tokenStore.load()) ?? null) : null;
    } catch (error) {
      failure = `the token store could not be read: ${error?.name ?? "Error"}`;
    }
    on(inst, () => session.receiveStored(id, attempt, stored, failure, Date.now()));
    this.#notify();
  }

  async #send(session, inst, id, { attempt, request }, signal, deadlineMs) {
    const controller = new AbortController();
    let timedOut = false;
    const onAbort = () => controller.abort(abortReason(signal));
    signal?.addEventListener("abort", onAbort, { once: true });
    let outcome;
    const timer =
      deadlineMs !== undefined
        ? setTimeout(() => {
            timedOut = true;
            controller.abort(new DOMException("timed out", "TimeoutError"));
          }, Math.max(0, deadlineMs - Date.now()))
        : undefined;
    try {
      const response = await this.#fetch(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body ?? undefined,
        redirect: "manual",
        signal: controller.signal,
      });
      const limit = on(inst, () => session.responseLimit(id));
      const body = await readCapped(response, limit);
      if (body === null) {
        outcome = () => session.receiveTooLarge(id, attempt);
      } else if (response.type === "opaqueredirect" || response.status === 0) {
        // Browsers hide redirect targets from `redirect: "manual"`.
        outcome = () => session.receiveFailure(id, attempt, "other", "the browser did not expose a redirect", Date.now());
      } else {
        const headers = headerRecord(response.headers);
        outcome = () => session.receive(id, attempt, response.status, headers, body, Date.now());
      }
    } catch (error) {
      if (signal?.aborted) throw abortReason(signal);
      const kind = timedOut ? "timeout" : failureKind(error);
      const message = String(error?.cause?.message ?? error?.message ?? error);
      // Node's timers may fire a millisecond before Date.now() reaches the
      // deadline; the deadline's own timer has reached it by definition.
      const now = timedOut ? Math.max(Date.now(), deadlineMs) : Date.now();
      outcome = () => session.receiveFailure(id, attempt, kind, message, now);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
    on(inst, outcome);
    await this.#persist(session, inst);
    this.#notify();
  }

  async #fetchToken(session, inst, id, { attempt }) {
    let token;
    try {
      token = await this.#tokenSource();
    } catch (error) {
      const reason = `the token source failed: ${error?.message ?? error}`;
      on(inst, () => session.receiveToken(id, attempt, null, reason, Date.now()));
      this.#notify();
      return;
    }
    on(inst, () => session.receiveToken(id, attempt, token == null ? null : storedFrom(token), undefined, Date.now()));
    await this.#persist(session, inst);
    this.#notify();
  }

  #wait(until, deadlineMs, signal) {
    const limit = deadlineMs !== undefined ? (until == null ? deadlineMs : Math.min(until, deadlineMs)) : until;
    return new Promise((resolve) => {
      let timer;
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      this.#waiters.add(done);
      signal?.addEventListener("abort", done, { once: true });
      if (limit != null) timer = setTimeout(done, Math.max(0, limit - Date.now()));
    });
  }

  /** Wakes every call waiting for another call of this client to progress. */
  #notify() {
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const wake of waiters) wake();
  }

  #loadStore() {
    if (!this.#tokenStore) return undefined;
    this.#loaded ??= (async () => {
      const stored = await this.#tokenStore.load();
      if (stored != null) core(() => this.#current().session.loadTokens(stored));
    })().catch((error) => {
      // A store that failed once (a network blip, a locked file) is asked
      // again by the next call rather than failing every call from now on.
      this.#loaded = undefined;
      throw error;
    });
    return this.#loaded;
  }

  async #persist(session, inst) {
    const tokens = on(inst, () => session.takePersist());
    if (tokens === undefined) return;
    this.#lastTokens = tokens;
    if (this.#tokenStore) await this.#tokenStore.save(tokens);
  }
}
