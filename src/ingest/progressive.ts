// Aggregating while a backfill loads. An hour can be aggregated once every window up to
// its end has loaded: later windows cannot change it (state is carried forward only), and
// the horizon is already past it. Such hours are handed to the transform in batches (a day
// at a time; a quarter of a short range, so that a day's backfill does not leave all of
// its aggregation to the end), one call after another, while the remaining windows load.
import type { Pool } from 'mysql2/promise';
import type { Hour } from './window.ts';
import { aggregateRange } from './aggregate.ts';

const BATCH_HOURS = 24;
/** The smallest batch: each call has a cost of its own. */
const MIN_BATCH_HOURS = 6;

export class Progressive {
  private readonly ok: boolean[];
  private prefix = 0; // windows[0, prefix) have loaded
  private scheduledTo: number; // hours ending by here are aggregated or queued
  private chain: Promise<void> = Promise.resolve();
  private doneFrom: number | null = null;
  private doneTo: number | null = null;
  private hoursDone = 0;
  private error: string | null = null;
  private readonly batchHours: number;

  constructor(
    private readonly pool: Pool,
    private readonly hours: Hour[],
    private readonly windows: [number, number][],
    private readonly signal?: AbortSignal,
  ) {
    this.ok = windows.map(() => false);
    this.scheduledTo = hours[0]?.hourStart ?? 0;
    this.batchHours = Math.min(BATCH_HOURS, Math.max(MIN_BATCH_HOURS, Math.ceil(hours.length / 4)));
  }

  /** Window `index` (of the first pass) has loaded. */
  loaded(index: number): void {
    this.ok[index] = true;
    while (this.prefix < this.windows.length && this.ok[this.prefix]) this.prefix++;
    if (this.prefix === 0) return;
    const readyTo = this.windows[this.prefix - 1]![1];
    const ready = this.hours.filter((h) => h.hourStart >= this.scheduledTo && h.hourEnd <= readyTo);
    // whole batches while loading; what is left waits for the end of the run
    if (ready.length < this.batchHours) return;
    const batch = ready.slice(0, ready.length - (ready.length % this.batchHours));
    const from = batch[0]!.hourStart;
    const to = batch[batch.length - 1]!.hourEnd;
    this.scheduledTo = to;
    this.chain = this.chain.then(async () => {
      if (this.error !== null || this.signal?.aborted) return;
      try {
        this.hoursDone += await aggregateRange(this.pool, from, to, this.signal);
        this.doneFrom ??= from;
        this.doneTo = to;
      } catch (err) {
        this.error = (err as Error).message;
      }
    });
  }

  /** Waits for the queued aggregations. `done` is the range aggregated (null if none or failed). */
  async finish(): Promise<{ done: { fromTs: number; toTs: number } | null; hours: number; error: string | null }> {
    await this.chain;
    const done = this.error === null && this.doneFrom !== null && this.doneTo !== null ? { fromTs: this.doneFrom, toTs: this.doneTo } : null;
    return { done, hours: this.hoursDone, error: this.error };
  }
}
