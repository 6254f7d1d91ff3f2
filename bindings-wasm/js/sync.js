// Incremental sync of one of Zoom's sync operations (syncUserCallLogs, ...):
// the core's Syncer says what to ask for next (the full sync, the backfill of
// older records, then the changes since the newest seen) and where the sync
// stands after each answer; this module sends each call and hands out the
// batches with the checkpoint to save.
import { Syncer, instanceId } from "./zoom_phone_wasm.js";
import { core, on } from "./errors.js";

const DONE = Object.freeze({ value: undefined, done: true });

/**
 * The batches of one sync run, each `{phase, page, records, checkpoint,
 * response}`, until caught up. Save `checkpoint` after handling a batch; a
 * later run given it (`{checkpoint}`) asks only for what changed since.
 */
export class SyncRun {
  #syncer;
  #inst;
  #fetchPage;
  #recordFields;
  #tokenField;
  #checkpoint;
  #finished = false;
  #pending = undefined;

  /** `fetchPage(params)` resolves to `{data, response}` of one call. */
  constructor(operation, params, checkpoint, fetchPage) {
    this.#inst = instanceId();
    this.#syncer = core(() => new Syncer(operation, params, checkpoint));
    this.#fetchPage = fetchPage;
    this.#recordFields = this.#syncer.recordFields;
    this.#tokenField = this.#syncer.tokenField;
    this.#checkpoint = this.#syncer.checkpoint;
  }

  /** Where the sync stands after the batches handed out so far: `{forward, backward, backfilled}`. */
  get checkpoint() {
    return this.#checkpoint;
  }

  [Symbol.asyncIterator]() {
    return this;
  }

  /** The next batch; one call at a time however many `next()` calls overlap. */
  next() {
    if (this.#finished) return Promise.resolve(DONE);
    const previous = this.#pending ?? Promise.resolve();
    const batch = previous.then(() => this.#batch(), () => this.#batch());
    this.#pending = batch.catch(() => {});
    return batch;
  }

  async return() {
    this.#finish();
    return DONE;
  }

  async #batch() {
    if (this.#finished) return DONE;
    try {
      const next = on(this.#inst, () => this.#syncer.nextBatch());
      if (next === null) {
        this.#finish();
        return DONE;
      }
      const { data, response } = await this.#fetchPage(next.params);
      if (this.#finished) return DONE;
      let records = 0;
      for (const field of this.#recordFields) {
        const list = data?.[field];
        if (Array.isArray(list)) records += list.length;
      }
      const token = data?.[this.#tokenField];
      const phase = on(this.#inst, () => this.#syncer.accept(typeof token === "string" ? token : undefined, records));
      this.#checkpoint = on(this.#inst, () => this.#syncer.checkpoint);
      return { value: { phase, page: data, records, checkpoint: this.#checkpoint, response }, done: false };
    } catch (e) {
      this.#finish();
      throw e;
    }
  }

  #finish() {
    if (this.#finished) return;
    this.#finished = true;
    if (instanceId() === this.#inst) this.#syncer.free();
  }
}
