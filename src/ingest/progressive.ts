// Aggregating while a backfill loads. An hour can be aggregated once every window up to
// its end has loaded: later windows cannot change it (state is carried forward only), and
// the horizon is already past it. Such hours are handed to the transform one call after
// another while the remaining windows load: whenever the previous call has returned, every
// hour ready by then, if they are at least a batch (an eighth of a short range, at least
// MIN_BATCH_HOURS, at most a day). So the transform keeps pace with the loading, in calls
// as large as it fell behind, and what is left for the end of the run is a few hours,
// not a quarter of a day's backfill.
import type { Pool } from 'mysql2/promise';
import type { Hour } from './window.ts';
import { aggregateRange } from './aggregate.ts';

const BATCH_HOURS = 24;
/** The smallest batch: each call has a cost of its own (about 15 ms at 200 agents). */
const MIN_BATCH_HOURS = 3;

export class Progressive {
  private readonly ok: boolean[];
  private prefix = 0; // windows[0, prefix) have loaded
  private readyTo: number; // every hour ending by here can be aggregated
  private scheduledTo: number; // hours ending by here are aggregated or being aggregated
  private running: Promise<void> | null = null;
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
    this.readyTo = this.scheduledTo;
    this.batchHours = Math.min(BATCH_HOURS, Math.max(MIN_BATCH_HOURS, Math.ceil(hours.length / 8)));
  }

  /** Window `index` (of the first pass) has loaded. */
  loaded(index: number): void {
    this.ok[index] = true;
    while (this.prefix < this.windows.length && this.ok[this.prefix]) this.prefix++;
    if (this.prefix === 0) return;
    this.readyTo = this.windows[this.prefix - 1]![1];
    this.next();
  }

  /** Starts a call on the hours ready, unless one is running (it starts the next when it returns). */
  private next(): void {
    if (this.running !== null || this.error !== null || this.signal?.aborted) return;
    const ready = this.hours.filter((h) => h.hourStart >= this.scheduledTo && h.hourEnd <= this.readyTo);
    // whole batches while loading; what is left waits for the end of the run
    if (ready.length < this.batchHours) return;
    const from = ready[0]!.hourStart;
    const to = ready[Math.min(ready.length, BATCH_HOURS) - 1]!.hourEnd;
    this.scheduledTo = to;
    this.running = (async () => {
      try {
        this.hoursDone += await aggregateRange(this.pool, from, to, this.signal);
        this.doneFrom ??= from;
        this.doneTo = to;
      } catch (err) {
        this.error = (err as Error).message;
      }
    })();
    void this.running.then(() => {
      this.running = null;
      this.next();
    });
  }

  /** Waits for the calls under way. `done` is the range aggregated (null if none or failed). */
  async finish(): Promise<{ done: { fromTs: number; toTs: number } | null; hours: number; error: string | null }> {
    // (the call that ends first clears `running` and starts any next one: its reaction was registered first)
    while (this.running !== null) await this.running;
    const done = this.error === null && this.doneFrom !== null && this.doneTo !== null ? { fromTs: this.doneFrom, toTs: this.doneTo } : null;
    return { done, hours: this.hoursDone, error: this.error };
  }
}
