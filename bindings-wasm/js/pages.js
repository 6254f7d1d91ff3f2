// Walking a listing: the core's Pager says which parameters to ask for next
// and which items of each page to hand out; this module fetches the pages
// (through the client's calls) and hands out items or whole pages, and can
// say at any moment where to resume later.
import { Pager, instanceId } from "./zoom_phone_wasm.js";
import { core, on } from "./errors.js";

const DONE = Object.freeze({ value: undefined, done: true });
/** The resume point after `n` items of the current page (for the sharded jobs, which hand items out themselves). */
export const RESUME_AT = Symbol("resumeAt");

/**
 * The items (or, with `pages()`, the pages) of one listing, fetched a page
 * at a time as they are consumed. `resumePoint` says where to continue
 * later (in another process too, within the 15 minutes Zoom keeps a page
 * token): pass it as the `resume` option of a new walk with the same
 * parameters.
 */
export class Paginator {
  #fetchPage;
  #operation;
  #pager;
  #inst;
  #tokenField;
  #itemsField;
  /** The current page's items and the range of them to hand out. */
  #items = [];
  #index = 0;
  #end = 0;
  #start = 0;
  #finished = false;
  #mode = undefined;
  /** The resume point when the walk ended (the core's pager is freed then). */
  #final = undefined;
  #pending = undefined;

  /** `fetchPage(params)` resolves to `{data, response}` of one page call. */
  constructor(operation, params, options, fetchPage) {
    this.#operation = operation;
    this.#fetchPage = fetchPage;
    this.#inst = instanceId();
    this.#pager = core(() => new Pager(operation, params, options.limit, options.resume));
    this.#tokenField = this.#pager.tokenField;
    this.#itemsField = this.#pager.itemsField;
  }

  /** Where to continue: `{token, issued_at_ms, skip}` after the items handed out so far; `null` when nothing is left. */
  get resumePoint() {
    if (this.#pager === undefined) return this.#final;
    return on(this.#inst, () => this.#pager.resumePoint(this.#index - this.#start));
  }

  [RESUME_AT](n) {
    if (this.#pager === undefined) return this.#final;
    return on(this.#inst, () => this.#pager.resumePoint(n));
  }

  [Symbol.asyncIterator]() {
    return this;
  }

  /** The next item. */
  next() {
    if (this.#index < this.#end) return Promise.resolve({ value: this.#items[this.#index++], done: false });
    if (this.#finished) return Promise.resolve(DONE);
    this.#use("items");
    // One page fetch at a time, however many `next()` calls overlap.
    this.#pending ??= this.#advance().finally(() => {
      this.#pending = undefined;
    });
    return this.#pending.then(() => this.next());
  }

  /** Stops the walk (a `break` out of `for await`); `resumePoint` stays readable. */
  async return() {
    this.#finish();
    return DONE;
  }

  async throw(error) {
    this.#finish();
    throw error;
  }

  /**
   * The walk page by page: `{items, data, response}` per page (`items`: what
   * the walk hands out of it; `data`: the page as parsed; `response`: its
   * status, headers, tracking id, rate-limit headers).
   */
  pages() {
    this.#use("pages");
    const self = this;
    return {
      [Symbol.asyncIterator]() {
        return this;
      },
      async next() {
        if (self.#finished) return DONE;
        try {
          const page = await self.#page();
          if (page === null) return DONE;
          self.#index = self.#end;
          return { value: page, done: false };
        } catch (e) {
          self.#finish();
          throw e;
        }
      },
      async return() {
        self.#finish();
        return DONE;
      },
      get resumePoint() {
        return self.resumePoint;
      },
    };
  }

  #use(mode) {
    if (this.#mode !== undefined && this.#mode !== mode) {
      throw new TypeError("a walk is consumed either by item or with pages(), not both");
    }
    this.#mode = mode;
  }

  /** Fetches the next page with items to hand out (skipping empty ones), or ends the walk. */
  async #advance() {
    try {
      for (;;) {
        const page = await this.#page();
        if (page === null || this.#end > this.#start) return;
      }
    } catch (e) {
      this.#finish();
      throw e;
    }
  }

  /** Fetches one page: `{items, data, response}`, or `null` at the end. */
  async #page() {
    // The last page is handed out: the caller's to keep or drop, not ours
    // to hold while the next one is sent, read and parsed.
    this.#items = [];
    const next = on(this.#inst, () => this.#pager.nextParams(Date.now()));
    if (next === null) {
      this.#finish();
      return null;
    }
    const { data, response } = await this.#fetchPage(next);
    if (this.#finished) return null;
    const items = data?.[this.#itemsField] ?? [];
    const token = data?.[this.#tokenField];
    const [from, to] = on(this.#inst, () =>
      this.#pager.acceptPage(typeof token === "string" ? token : undefined, items.length, Date.now()),
    );
    this.#items = items;
    this.#start = this.#index = from;
    this.#end = to;
    return { items: from === 0 && to === items.length ? items : items.slice(from, to), data, response };
  }

  #finish() {
    if (this.#finished) return;
    this.#finished = true;
    if (this.#pager !== undefined && instanceId() === this.#inst) {
      this.#final = this.#pager.resumePoint(this.#index - this.#start);
      this.#pager.free();
    } else {
      this.#final = null;
    }
    this.#pager = undefined;
    this.#end = this.#index;
  }
}
