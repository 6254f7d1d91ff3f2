// A finished call's answer, and the promise every method returns: the
// result by default, the raw response with it (`withResponse()`) or
// instead of it (`asResponse()`). A JSON body is parsed once, and only when
// something asks for it.
import { decodeError } from "./zoom_phone_wasm.js";
import { core, errorFromCore } from "./errors.js";

const decoder = new TextDecoder();

/** What the core read of a finished call's answer, the platform's response, and the body's bytes. */
export class Answer {
  constructor(step, operation, response, bytes) {
    this.step = step;
    this.operation = operation;
    this.response = response;
    this.bytes = bytes;
    this.parsed = undefined;
  }

  /** The body: the JSON parsed (a failure is the core's `DecodeError`), the bytes, the text, or `null`. */
  body() {
    switch (this.step.kind) {
      case "json":
        if (this.parsed === undefined) this.parsed = { value: this.#parse() };
        return this.parsed.value;
      case "binary":
        return this.bytes;
      case "text":
        return this.step.text;
      default:
        return null;
    }
  }

  /** What a method resolves to: the body, `undefined` for none. */
  data() {
    return this.step.kind === "empty" ? undefined : this.body();
  }

  #parse() {
    try {
      return JSON.parse(decoder.decode(this.bytes));
    } catch (e) {
      const { status, trackingId } = this.step;
      throw errorFromCore(core(() => decodeError(this.operation, status, trackingId ?? undefined, this.bytes)), e);
    }
  }

  /** The raw response's evidence: `{operation, status, headers, trackingId, rateLimit, location, kind, contentType}`. */
  info() {
    const step = this.step;
    const headers = this.response?.headers;
    return {
      operation: this.operation,
      status: step.status,
      headers,
      trackingId: step.trackingId ?? null,
      rateLimit: step.rateLimit,
      location: step.location ?? null,
      kind: step.kind,
      contentType: step.contentType ?? headers?.get("content-type") ?? null,
    };
  }

  /** The answer as the platform's `Response`: its status and headers, the body unread. */
  asResponse() {
    if (typeof globalThis.Response !== "function") {
      throw new TypeError("asResponse() needs the platform's Response class (the fetch API)");
    }
    const headers = new Headers(this.response?.headers ?? undefined);
    // The bytes are as fetch decoded them: the wire's encoding and length no longer describe them.
    headers.delete("content-encoding");
    headers.delete("content-length");
    const status = this.step.status;
    const bodiless = status === 204 || status === 205 || status === 304;
    return new Response(bodiless ? null : this.bytes, { status, headers });
  }
}

function resultOf(answer) {
  return answer.data();
}

function fulfilled(resolve) {
  resolve(undefined);
}

/**
 * What every method returns: a promise of the result that can also give
 * the raw response with it (`withResponse()`) or instead of it
 * (`asResponse()`); the body is parsed only for what is asked.
 */
export class ZoomPromise extends Promise {
  // Derived promises (then, catch, finally, Promise.all...) are plain ones.
  static get [Symbol.species]() {
    return Promise;
  }

  #answer;
  #result;

  /** @param answer a promise of the call's `Answer` (the client makes these; there is no public constructor). */
  constructor(answer) {
    if (!(answer instanceof Promise)) throw new TypeError("a ZoomPromise is made by the client's methods");
    super(fulfilled);
    this.#answer = answer;
  }

  #data() {
    return (this.#result ??= this.#answer.then(resultOf));
  }

  then(onFulfilled, onRejected) {
    return this.#data().then(onFulfilled, onRejected);
  }

  catch(onRejected) {
    return this.#data().catch(onRejected);
  }

  finally(onFinally) {
    return this.#data().finally(onFinally);
  }

  /** The result and the raw response: `{data, response: {status, headers, trackingId, rateLimit, location, ...}}`. */
  withResponse() {
    return this.#answer.then((a) => ({ data: a.data(), response: a.info() }));
  }

  /** The final answer as the platform's `Response` (status, headers, the body unread and unparsed). */
  asResponse() {
    return this.#answer.then((a) => a.asResponse());
  }
}
