// Runs the transform (TRANSFORM's sp_aggregate_epoch_range) over everything pending: the
// ranges loaded windows marked, up to the horizon. A day of hours per call, so progress
// shows and a stop request is honoured between days.
import type { Pool } from 'mysql2/promise';
import type { Logger } from '../log.ts';
import { select } from '../load/db.ts';
import { readHorizon } from '../load/horizon.ts';
import { clearPending, pendingRange } from '../load/pending.ts';

const HOURS_PER_CALL = 24;

export interface AggregateResult {
  fromTs: number;
  toTs: number;
  hours: number;
  ms: number;
}

/** Aggregates the report hours overlapping [fromTs, toTs), a day at a time. Returns the hours done. */
export async function aggregateRange(pool: Pool, fromTs: number, toTs: number, signal?: AbortSignal): Promise<number> {
  const hours = await select<{ hour_start: number; hour_end: number }>(
    pool,
    'SELECT hour_start, hour_end FROM report_hours WHERE hour_end > ? AND hour_start < ? ORDER BY hour_start',
    [fromTs, toTs],
  );
  let done = 0;
  for (let i = 0; i < hours.length; i += HOURS_PER_CALL) {
    signal?.throwIfAborted();
    const chunk = hours.slice(i, i + HOURS_PER_CALL);
    await pool.query('CALL sp_aggregate_epoch_range(?, ?)', [Number(chunk[0]!.hour_start), Number(chunk[chunk.length - 1]!.hour_end)]);
    done += chunk.length;
  }
  return done;
}

/** Aggregates every pending range (this run's and any a killed run left), then clears them. */
export async function aggregatePending(pool: Pool, log: Logger, signal?: AbortSignal): Promise<AggregateResult | null> {
  const pending = await pendingRange(pool);
  if (pending === null) return null;
  const started = Date.now();
  const horizon = await readHorizon(pool);
  const toTs = Math.max(pending.toTs, horizon ?? pending.toTs);
  const hours = await aggregateRange(pool, pending.fromTs, toTs, signal);
  await clearPending(pool, pending.lastId);
  const result = { fromTs: pending.fromTs, toTs, hours, ms: Date.now() - started };
  log.info('aggregated', { from: iso(result.fromTs), to: iso(result.toTs), hours, ms: result.ms });
  return result;
}

function iso(ts: number): string {
  return new Date(ts * 1000).toISOString().replace('.000Z', 'Z');
}
