// A listing spread over the workers of a fleet: the core's ShardJob cuts a
// date range into shards that each worker claims in turn (with a lease),
// and saves each shard's position after every page, so a worker that stops
// leaves its shard for another to continue where it stopped. This module
// runs the job's Redis scripts and walks each claimed shard.
import { ShardJob, instanceId } from "./zoom_phone_wasm.js";
import { errorFromCore, on } from "./errors.js";
import { RESUME_AT } from "./pages.js";

const DONE = Object.freeze({ value: undefined, done: true });

/** The reply of a job's script, or the transport error of a Redis that failed. */
async function reply(fleet, op) {
  const out = await fleet.run(op);
  if (out.error === undefined) return out.reply;
  throw errorFromCore(
    { class: "transport", code: "transport_error", message: `the fleet's Redis failed running ${op.script}: ${out.error}` },
    out.cause,
  );
}

/**
 * Every item of the shards this worker claims, shard after shard, until no
 * shard is free. `shard` names the one being walked.
 */
export class ShardWalk {
  #job;
  #inst;
  #fleet;
  #params;
  #paginate;
  #log;
  #generator;
  /** The current shard and its walk. */
  #shard = null;
  #walk = undefined;
  #handed = 0;

  constructor({ session, inst, fleet, params, paginate, log }, { job, worker, from, to, span }) {
    this.#inst = inst;
    this.#job = on(inst, () => session.shardJob(job, worker, from, to, span));
    this.#fleet = fleet;
    this.#params = params;
    this.#paginate = paginate;
    this.#log = log;
    this.#generator = this.#items();
  }

  /** The shard being walked (`2026-01-01..2026-01-31`), or `null`. */
  get shard() {
    return this.#shard;
  }

  /** Every shard of the job, in order. */
  get shards() {
    return on(this.#inst, () => this.#job.shards);
  }

  [Symbol.asyncIterator]() {
    return this;
  }

  next() {
    return this.#generator.next();
  }

  /** Stops (a `break`): the shard's exact position is saved first, for whoever claims it next. */
  async return() {
    await this.#generator.return();
    return DONE;
  }

  async *#items() {
    try {
      await reply(this.#fleet, on(this.#inst, () => this.#job.planOp()));
      for (;;) {
        const answer = await reply(this.#fleet, on(this.#inst, () => this.#job.claimOp()));
        const claim = on(this.#inst, () => this.#job.claimed(answer, this.#params));
        if (claim === null) return;
        this.#shard = claim.shard;
        const walk = this.#paginate(claim.params, claim.resume);
        this.#walk = walk;
        const pages = walk.pages();
        let kept = true;
        for (;;) {
          const { value: page, done } = await pages.next();
          if (done) break;
          this.#handed = 0;
          for (const item of page.items) {
            // Counted before the yield: a consumer that stops (`break`) after
            // taking this item resumes the generator at the yield, not after it.
            this.#handed += 1;
            yield item;
          }
          // The last page leaves nothing to resume: the shard is saved as done below.
          const point = walk.resumePoint;
          if (point !== null && !(kept = await this.#save(point))) break;
        }
        this.#walk = undefined;
        await walk.return();
        if (kept) await this.#save(null);
        this.#shard = null;
      }
    } finally {
      // Stopped inside a shard: save exactly how far it got (best effort:
      // without it the next claimer repeats at most this page).
      const walk = this.#walk;
      if (walk !== undefined) {
        this.#walk = undefined;
        const point = walk[RESUME_AT](this.#handed);
        await walk.return();
        await this.#save(point).catch(() => {});
      }
      if (instanceId() === this.#inst) this.#job.free();
    }
  }

  /** Saves the shard's position (`null`: done); `false` when another worker took the shard over. */
  async #save(point) {
    const op = on(this.#inst, () => this.#job.checkpointOp(this.#shard, point));
    const kept = ShardJob.checkpointed(await reply(this.#fleet, op));
    if (!kept) {
      this.#log?.("warn", "fleet.lease_lost", `the lease of shard ${this.#shard} was lost to another worker; moving on`, {
        shard: this.#shard,
      });
    }
    return kept;
  }
}
