// Token stores: where a client keeps tokens between processes, and the lock
// that lets clients sharing a store take turns to renew.

/**
 * Tokens in memory, shared by the clients of one JS realm that are given
 * this store; its `lock` lets them take turns to refresh, so none sends a
 * refresh token another one already rotated away.
 */
export class MemoryTokenStore {
  #tokens;
  #tail = Promise.resolve();

  constructor(tokens) {
    this.#tokens = tokens ?? null;
  }

  async load() {
    return this.#tokens;
  }

  async save(tokens) {
    this.#tokens = tokens;
  }

  /** Resolves to a release function once every earlier holder released. */
  lock() {
    let release;
    const held = new Promise((resolve) => {
      release = resolve;
    });
    const previous = this.#tail;
    this.#tail = previous.then(() => held);
    return previous.then(() => async () => release());
  }
}
