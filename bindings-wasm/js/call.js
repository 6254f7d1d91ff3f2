// One call's host loop: performs each action the core hands out (send
// with fetch, ask the token source, use the token store, run a fleet script
// on Redis, wait) and reports its outcome, until the core says `done`.
// Every decision is the core's (zoom_phone::driver).
import { headersRead } from "./zoom_phone_wasm.js";
import { Answer } from "./answer.js";
import { readCapped } from "./body.js";
import { core, errorFromCore, on } from "./errors.js";
import { enabled, forward } from "./logging.js";

// The wasm is instantiated after this module is evaluated: asked on first use.
let headersReadSet;
const HEADERS_READ = () => (headersReadSet ??= new Set(headersRead()));
const NO_BODY = new Uint8Array(0);

// How many attempts one abort controller serves before it is let go. Making
// one is a fifth of a call's CPU on Node 20 (`makeTransferable`), so an
// attempt that ends without aborting hands its controller on. Each fetch
// leaves a listener on the signal until its request is collected; undici
// lets a signal hold 100 (1,500 in later versions) before it warns.
const CONTROLLER_USES = 64;

/** How `fetch` failed, in the core's terms (it decides what may be retried). */
function failureKind(error) {
  const code = error?.cause?.code ?? error?.code;
  if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "UND_ERR_CONNECT_TIMEOUT") {
    return "connect";
  }
  if (code === "ECONNRESET" || code === "UND_ERR_SOCKET" || code === "EPIPE" || code === "UND_ERR_CLOSED") return "reset";
  return "other";
}

/** `Name: message (cause)`: the platform's own description, for the core's error. */
function describe(error) {
  const head = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const cause = error?.cause;
  return cause instanceof Error ? `${head} (${cause.code ?? cause.name}: ${cause.message})` : head;
}

export function abortReason(signal) {
  return signal.reason ?? new DOMException("The operation was aborted", "AbortError");
}

/** What the calls of one client share. */
export class Host {
  constructor(fetch, source, store, logger, logLevel, fleet) {
    Object.assign(this, { fetch, source, store, logger, logLevel, fleet });
    /** The wake-ups of the calls of this session that are in a `wait`. */
    this.waiters = new Set();
    /**
     * Abort controllers no attempt aborted, free for the next ones, each with
     * the attempts it served (see CONTROLLER_USES). The count is kept beside
     * the platform's object, not as a property added to it.
     */
    this.controllers = [];
  }

  /** A controller for one attempt: a free one, else a new one. */
  controller() {
    return this.controllers.pop() ?? { controller: new AbortController(), uses: 0 };
  }

  /** The attempt is over: its controller serves another unless it aborted or is worn out. */
  release(held) {
    if (!held.controller.signal.aborted && ++held.uses < CONTROLLER_USES) this.controllers.push(held);
  }

  /** A step said `wake`: every waiting call asks the core again. */
  wake() {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiters) wake();
  }

  /** The core's log records, to `logger.debug/info/warn/error(message, record)`. */
  log(events) {
    if (this.logger) forward(this.logger, events);
  }

  /** A record of this host's own (a sharded job's lease lost), in the core's record shape. */
  hostEvent(level, name, message, fields) {
    if (this.logger && enabled(this.logLevel, level)) forward(this.logger, [{ level, name, message, fields }]);
  }
}

/**
 * One call's host loop. `drive` settles the caller's promise when the core
 * says `done`, or at once when the caller aborts; a detached action out at
 * that moment (a token renewal step) is still completed and reported in the
 * background, so its result (a rotated refresh token) is never lost.
 */
export class Call {
  constructor(host, session, inst, id, operation, signal) {
    Object.assign(this, { host, session, inst, id, operation, signal });
    /** The last response and its bytes: the body of a `json`/`binary` answer. */
    this.response = undefined;
    this.bytes = NO_BODY;
    /** The platform's error behind the last failed action, the `cause` of a transport or store error. */
    this.failure = undefined;
    /** Aborts what is out (a request, a wait) when the caller gives up. */
    this.interrupt = undefined;
    /** `gone`: the core forgot the call; a step: perform it instead of reporting. */
    this.cancelled = undefined;
    this.settled = false;
  }

  drive(step) {
    return new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
      const signal = this.signal;
      let onAbort;
      if (signal) {
        onAbort = () => this.abort();
        signal.addEventListener("abort", onAbort, { once: true });
      }
      this.loop(step)
        .catch((e) => this.settle(e, true))
        .finally(() => signal?.removeEventListener("abort", onAbort));
    });
  }

  settle(value, failed) {
    if (this.settled) return;
    this.settled = true;
    (failed ? this.reject : this.resolve)(value);
  }

  /** The caller aborted: the core says whether anything must still be finished. */
  abort() {
    if (this.settled) return;
    this.settle(abortReason(this.signal), true);
    let answer;
    try {
      answer = JSON.parse(on(this.inst, () => this.session.cancel(this.id, Date.now())));
    } catch {
      answer = { cancelled: "gone" };
    }
    if (answer.cancelled === "finishing") return;
    this.cancelled = answer.cancelled === "gone" ? "gone" : answer;
    this.interrupt?.();
  }

  // No instance check here: a session of a replaced instance throws "stale
  // object" by itself, which `core` turns into the core-failure error.
  report(fn) {
    return JSON.parse(core(fn));
  }

  async loop(step) {
    const { host, session, id } = this;
    for (;;) {
      if (step.wake) host.wake();
      if (step.events) host.log(step.events);
      clearTimeout(this.expiry);
      if (step.expiresAtMs !== undefined) this.expireAt(step.expiresAtMs);
      if (step.type === "done") {
        if (step.error) this.settle(errorFromCore(step.error, this.failure), true);
        else this.settle(new Answer(step, this.operation, this.response, this.bytes), false);
        return;
      }
      // The outcome, as the crossing that reports it to the session.
      const outcome = await this.perform(step, session, id);
      const cancelled = this.cancelled;
      if (cancelled === "gone") return;
      this.cancelled = undefined;
      step = cancelled ?? this.report(() => outcome(Date.now()));
    }
  }

  /** Performs one action that is not `done`. */
  async perform(step, session, id) {
    const { store, source, fleet } = this.host;
    switch (step.type) {
      case "send":
        return this.send(step, session, id);
      case "wait":
        await this.wait(step.untilMs);
        return (now) => session.report(id, "woken", now);
      case "shared": {
        // A fleet script on Redis; the core reads its reply (or failure).
        const out = await fleet.run(step);
        return (now) => session.shared(id, out.reply, out.error, now);
      }
      case "fetch_token":
        try {
          const answer = (await source()) ?? null;
          return (now) => session.token(id, answer, undefined, now);
        } catch (e) {
          // The source's message may quote what it handles (as the store's
          // may): only its class crosses; the error is the call error's cause.
          this.failure = e;
          return (now) => session.token(id, undefined, e?.name ?? "Error", now);
        }
      case "lock_store":
      case "read_store":
      case "write_store":
      case "unlock_store":
        try {
          return await this.useStore(step, store, session, id);
        } catch (e) {
          this.failure = e;
          // As for the source: only the class of the store's failure crosses.
          return (now) => session.storeFailed(id, e?.name ?? "Error", now);
        }
      default:
        throw new TypeError(`the core asked for an action this host does not know: ${step.type}`);
    }
  }

  async useStore(step, store, session, id) {
    switch (step.type) {
      case "lock_store": {
        const release = typeof store.lock === "function" ? await store.lock() : undefined;
        // Held elsewhere: the core waits a moment and asks again.
        if (release === false) return (now) => session.report(id, "lock_busy", now);
        this.release = release;
        return (now) => session.report(id, "locked", now);
      }
      case "read_store": {
        const held = await store.load();
        const text = held == null ? undefined : typeof held === "string" ? held : JSON.stringify(held);
        return (now) => session.stored(id, text, now);
      }
      case "write_store":
        await store.save(step.tokens);
        return (now) => session.report(id, "written", now);
      default: {
        const release = this.release;
        this.release = undefined;
        if (typeof release === "function") await release();
        return (now) => session.report(id, "unlocked", now);
      }
    }
  }

  /** A detached action outlived the call's deadline: the caller gets its timeout now. */
  expireAt(at) {
    this.expiry = setTimeout(() => {
      if (this.settled) return;
      const step = this.report(() => this.session.report(this.id, "expired", Date.now()));
      if (step.type === "done" && step.error) this.settle(errorFromCore(step.error), true);
    }, Math.max(0, at - Date.now()));
  }

  /** Sends one request with the core's attempt timeout and body limit; never follows redirects. */
  async send(step, session, id) {
    const held = this.host.controller();
    const { controller } = held;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new DOMException("the attempt timed out", "TimeoutError"));
    }, step.timeoutMs);
    // A detached request (a token renewal) is not aborted with its call.
    if (!step.detached) this.interrupt = () => controller.abort(abortReason(this.signal));
    try {
      const body = step.binaryBody ? session.takeBody() : step.body;
      const response = await this.host.fetch(step.url, {
        method: step.method,
        headers: step.headers,
        body,
        redirect: "manual",
        signal: controller.signal,
      });
      this.response = response;
      // Only the headers the core reads cross into it, in one pass.
      const read = HEADERS_READ();
      let headers = "";
      let length = null;
      let encoding = null;
      response.headers.forEach((value, name) => {
        if (read.has(name)) {
          headers += `${name}\n${value}\n`;
          if (name === "content-length") length = value;
        } else if (name === "content-encoding") encoding = value;
      });
      const bytes = await readCapped(response, step.bodyLimit, length, encoding);
      if (bytes === null) return (now) => session.report(id, "too_large", now);
      if (response.type === "opaqueredirect" || response.status === 0) {
        // Browsers hide redirect targets from `redirect: "manual"`.
        const message = "the browser did not expose a redirect (fetch redirect: manual)";
        return (now) => session.fail(id, "other", message, now);
      }
      this.bytes = bytes;
      return (now) => session.respond(id, response.status, headers, bytes, now);
    } catch (error) {
      this.failure = error;
      const kind = timedOut ? "timeout" : failureKind(error);
      const message = describe(error);
      return (now) => session.fail(id, kind, message, now);
    } finally {
      clearTimeout(timer);
      this.interrupt = undefined;
      this.host.release(held);
    }
  }

  /** Sleeps until `until`, or until another call's step says `wake`, or the caller aborts. */
  wait(until) {
    const waiters = this.host.waiters;
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        waiters.delete(done);
        this.interrupt = undefined;
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, until - Date.now()));
      waiters.add(done);
      this.interrupt = done;
    });
  }
}
