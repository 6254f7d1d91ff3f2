// The fleet's Redis side in this host: the user's own Redis client (`redis`
// v4+ or `ioredis`, told apart by shape; neither is a dependency of the
// package) runs the Lua scripts the core hands out, and nothing else. What
// a script is for, and what its answer means, is the core's
// (zoom_phone::fleet).

/** How long to wait, as a rejection the runner reports like any failure. */
function timeout(ms) {
  let timer;
  const promise = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
  });
  return { promise, clear: () => clearTimeout(timer) };
}

/** `Name: message` of a Redis client's error: never its command (whose arguments may hold tokens). */
function describe(e) {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}

/** A reply as JSON data: buffers as text (ioredis' *Buffer variants), nothing else changed. */
function plain(reply) {
  if (reply === null || reply === undefined) return null;
  if (Array.isArray(reply)) return reply.map(plain);
  if (reply instanceof Uint8Array) return new TextDecoder().decode(reply);
  return reply;
}

/** `EVALSHA` and `EVAL` of a client, whichever library it comes from. */
function commandsOf(client) {
  if (client === null || typeof client !== "object") return undefined;
  // node-redis (`redis` v4, v5, ...): evalSha(sha, {keys, arguments}), also on its cluster client.
  if (typeof client.evalSha === "function" && typeof client.eval === "function") {
    return {
      evalsha: (sha, keys, args) => client.evalSha(sha, { keys, arguments: args }),
      eval: (source, keys, args) => client.eval(source, { keys, arguments: args }),
    };
  }
  // ioredis (and its Cluster): evalsha(sha, numkeys, ...keys, ...args).
  if (typeof client.evalsha === "function" && typeof client.eval === "function") {
    return {
      evalsha: (sha, keys, args) => client.evalsha(sha, keys.length, ...keys, ...args),
      eval: (source, keys, args) => client.eval(source, keys.length, ...keys, ...args),
    };
  }
  return undefined;
}

/** Runs the core's scripts on the user's Redis client. */
export class Fleet {
  #commands;
  /** Script sources by SHA-1: each step carries its script's source once. */
  #sources = new Map();

  constructor(client) {
    this.#commands = commandsOf(client);
    if (!this.#commands) {
      throw new TypeError(
        "fleet.redis must be a connected Redis client: from `redis` (createClient, v4 or later) or `ioredis` (new Redis())",
      );
    }
  }

  /**
   * Runs one script op (`{sha1, source?, keys, args, timeoutMs}`):
   * `EVALSHA`, then `EVAL` after `NOSCRIPT`, all within `timeoutMs`.
   * Resolves to `{reply}` (its JSON text) or `{error, cause}`; never rejects.
   */
  async run(op) {
    if (op.source !== undefined) this.#sources.set(op.sha1, op.source);
    const limit = timeout(op.timeoutMs);
    // A command that outlives its timeout settles later: nobody awaits it then.
    const bounded = (promise) => {
      promise.catch(() => {});
      return Promise.race([promise, limit.promise]);
    };
    try {
      let reply;
      try {
        reply = await bounded(Promise.resolve().then(() => this.#commands.evalsha(op.sha1, op.keys, op.args)));
      } catch (e) {
        const source = this.#sources.get(op.sha1);
        if (!(e instanceof Error && /^NOSCRIPT/.test(e.message)) || source === undefined) throw e;
        reply = await bounded(Promise.resolve().then(() => this.#commands.eval(source, op.keys, op.args)));
      }
      return { reply: JSON.stringify(plain(reply)) };
    } catch (e) {
      return { error: describe(e), cause: e };
    } finally {
      limit.clear();
    }
  }
}
