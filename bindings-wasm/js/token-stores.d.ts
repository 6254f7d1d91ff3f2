// Types of token-stores.js.
import type { StoredTokens } from "./zoom_phone_wasm.js";

/** Where tokens live between processes; `save` gets every new token set. */
export interface TokenStore {
  load(): Promise<StoredTokens | string | null | undefined> | StoredTokens | string | null | undefined;
  save(tokens: StoredTokens): Promise<void> | void;
  /**
   * For a store shared by several clients: resolves, once no other client
   * holds it, to a function that releases it. A client holds it while it
   * reads the store, refreshes and saves, so none refreshes with a refresh
   * token another one rotated away. A lock that cannot be waited for (a
   * file, a database row another process holds) may resolve to `false`
   * instead: the client then tries again shortly, until the call's deadline.
   */
  lock?(): Promise<(() => void | Promise<void>) | false>;
}

/** Tokens in memory for the clients of one JS realm, with a `lock`. */
export declare class MemoryTokenStore implements TokenStore {
  constructor(tokens?: StoredTokens | string | null);
  load(): Promise<StoredTokens | string | null>;
  save(tokens: StoredTokens): Promise<void>;
  lock(): Promise<() => Promise<void>>;
}
