// Compiled with `tsc --noEmit` only: shared token stores (with a lock) and
// the body limits type-check as documented, and wrong uses are refused.
import {
  MemoryTokenStore,
  ZoomPhone,
  ZoomPhoneError,
  ZoomResponseTooLargeError,
  type StoredTokens,
  type TokenStore,
} from "zoom-phone";

const user = { clientId: "c", clientSecret: "s", refreshToken: "r" };

export function sharedStores(tokens: StoredTokens): ZoomPhone[] {
  const memory = new MemoryTokenStore(tokens);
  let text: string | null = null;
  let tail: Promise<void> = Promise.resolve();
  // A store of one's own: JSON text, a synchronous save, a lock.
  const own: TokenStore = {
    load: () => text,
    save: (t) => {
      text = JSON.stringify(t);
    },
    lock: () => {
      const previous = tail;
      let release = (): void => {};
      tail = previous.then(() => new Promise<void>((resolve) => (release = resolve)));
      return previous.then(() => release);
    },
  };
  // A store without a lock is still a store.
  const plain: TokenStore = { load: async () => null, save: async () => {} };
  return [memory, own, plain].map(
    (tokenStore) => new ZoomPhone(user, { tokenStore, maxResponseBytes: 1 << 20, maxDownloadBytes: 1 << 30 }),
  );
}

export async function releaseIsAFunction(store: MemoryTokenStore): Promise<void> {
  const release: () => Promise<void> = await store.lock();
  await release();
}

export function tooLarge(e: unknown): string {
  if (e instanceof ZoomResponseTooLargeError) {
    const base: ZoomPhoneError = e;
    return `${base.code} ${e.message}`;
  }
  return "";
}

export function wrongUses(): void {
  // @ts-expect-error: the limit is a number of bytes.
  new ZoomPhone(user, { maxResponseBytes: "32MiB" });
  // @ts-expect-error: lock resolves to a release function, not a boolean.
  const bad: TokenStore = { load: () => null, save: () => {}, lock: async () => true };
  void bad;
}
