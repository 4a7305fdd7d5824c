// Runs the transform (sp_aggregate_epoch_range) over report hours, a day of
// hours per call so progress shows and a stop request is honoured between days. After a
// load, everything pending is aggregated: the ranges loaded windows marked, up to the
// horizon (a filled gap changes the state carried into later hours).
import type { Pool } from 'mysql2/promise';
import type { Logger } from '../log.ts';
import { retryLockConflicts } from '../db/retry.ts';
import { storedHours } from '../db/calendar.ts';
import { readHorizon } from '../db/horizon.ts';
import { clearPending, pendingRange } from '../load/pending.ts';
import { isoUtc } from '../time.ts';
import { aggregationSeconds } from '../metrics.ts';

const HOURS_PER_CALL = 24;

export interface AggregateResult {
  fromTs: number;
  toTs: number;
  hours: number;
  ms: number;
}

/** Aggregates the report hours overlapping [fromTs, toTs), a day at a time. Returns the hours done. */
export async function aggregateRange(pool: Pool, fromTs: number, toTs: number, signal?: AbortSignal): Promise<number> {
  if (toTs <= fromTs) return 0;
  const hours = await storedHours(pool, fromTs, toTs);
  if (hours.length === 0) return 0;
  const conn = await pool.getConnection();
  try {
    // The transform only reads agent_events; with READ COMMITTED its reads take no locks
    // that would hold up windows loading meanwhile (a backfill aggregates as it goes).
    await conn.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
    let done = 0;
    for (let i = 0; i < hours.length; i += HOURS_PER_CALL) {
      signal?.throwIfAborted();
      const chunk = hours.slice(i, i + HOURS_PER_CALL);
      // a deadlock or lock wait with a loading window: the call is run again (src/db/retry.ts)
      await retryLockConflicts(async () => {
        const timer = aggregationSeconds.startTimer();
        await conn.query('CALL sp_aggregate_epoch_range(?, ?)', [chunk[0]!.hourStart, chunk[chunk.length - 1]!.hourEnd]);
        timer();
      });
      done += chunk.length;
    }
    return done;
  } finally {
    conn.release();
  }
}

/**
 * Aggregates every pending range (this run's and any a killed run left), up to the
 * horizon, then clears them. `done` is a range this run aggregated already (a backfill
 * aggregating as it loads): it is not repeated.
 */
export async function aggregatePending(
  pool: Pool,
  log: Logger,
  signal?: AbortSignal,
  done?: { fromTs: number; toTs: number; hours?: number },
): Promise<AggregateResult | null> {
  const pending = await pendingRange(pool);
  if (pending === null) return null;
  const started = Date.now();
  const horizon = await readHorizon(pool);
  const toTs = Math.max(pending.toTs, horizon ?? pending.toTs);
  let hours = 0;
  if (done && done.toTs > done.fromTs) {
    hours += await aggregateRange(pool, pending.fromTs, Math.min(done.fromTs, toTs), signal);
    hours += await aggregateRange(pool, Math.max(done.toTs, pending.fromTs), toTs, signal);
  } else {
    hours += await aggregateRange(pool, pending.fromTs, toTs, signal);
  }
  await clearPending(pool, pending.lastId);
  const result = { fromTs: pending.fromTs, toTs, hours, ms: Date.now() - started };
  // hours: every report hour of the range this run aggregated, those done while loading included
  log.info('aggregated', { from: isoUtc(result.fromTs), to: isoUtc(result.toTs), hours: hours + (done?.hours ?? 0), while_loading: done?.hours, ms: result.ms });
  return result;
}
