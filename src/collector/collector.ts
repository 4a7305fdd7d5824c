// The collector: every COLLECT_CRON tick, and once at start-up, loads
// [horizon - COLLECT_OVERLAP_MINUTES, now) (the last 48 hours on an empty database), then
// aggregates from the earliest touched hour up to now. One at a time across processes
// (a MySQL named lock); the horizon moves window by window, only after a window loaded
// completely, so a failing upstream leaves it waiting and the next run retries.
import { setMaxListeners } from 'node:events';
import schedule from 'node-schedule';
import type { Pool } from 'mysql2/promise';
import type { Logger } from '../log.ts';
import type { Upstream } from '../upstream/client.ts';
import { isoUtc as iso } from '../time.ts';
import { readHorizon } from '../db/horizon.ts';
import { acquireLoadLock } from '../ingest/lock.ts';
import { DAYS_AHEAD } from '../db/partitions.ts';
import { finishRun, gapsNote, recordSkipped, startRun } from '../ingest/runs.ts';
import type { WindowResult } from '../ingest/window.ts';
import { splitWindows } from '../ingest/windows.ts';
import { WindowRunner } from '../ingest/runner.ts';
import { localTime } from '../log.ts';
import { pruneDue, pruneRaw } from '../retention/prune.ts';
import { collectorRuns } from '../metrics.ts';

const FIRST_RUN_HOURS = 48;
/** A catch-up after downtime is loaded in windows of at most this many report hours. */
const CATCH_UP_WINDOW_HOURS = 3;

export interface CollectorOptions {
  pool: Pool;
  upstream: Upstream;
  log: Logger;
  reportTz: string;
  overlapMinutes: number;
  /** RAW_RETENTION_DAYS: raw data older than this is pruned once a day (undefined: kept). */
  retentionDays?: number;
  /** Wall clock in ms (tests move it). */
  clock?: () => number;
  signal?: AbortSignal;
}

export interface CollectorRun {
  outcome: 'ok' | 'failed' | 'skipped';
  runId: number;
  fromTs?: number;
  toTs?: number;
  windows: WindowResult[];
  events: number;
  rejected: number;
  error?: string;
}

/** One collector run. Never throws for upstream or load failures: they end as 'failed'. */
export async function runCollector(opts: CollectorOptions): Promise<CollectorRun> {
  const { pool, log } = opts;
  const lock = await acquireLoadLock(pool, 0);
  if (lock === null) {
    const message = 'another collector run (or a backfill) holds the load lock: skipped';
    log.info(`collector: ${message}`);
    const runId = await recordSkipped(pool, 'collector', message);
    collectorRuns.inc({ kind: 'collector', outcome: 'skipped' });
    return { outcome: 'skipped', runId, windows: [], events: 0, rejected: 0 };
  }
  try {
    const now = Math.floor((opts.clock ?? Date.now)() / 1000);
    const horizon = await readHorizon(pool);
    const fromTs = horizon === null ? now - FIRST_RUN_HOURS * 3600 : Math.min(horizon, now) - opts.overlapMinutes * 60;
    const runId = await startRun(pool, 'collector', fromTs, now);
    const run: CollectorRun = { outcome: 'ok', runId, fromTs, toTs: now, windows: [], events: 0, rejected: 0 };
    const runner = new WindowRunner({ pool, upstream: opts.upstream, log, reportTz: opts.reportTz, source: 'collector', runId, signal: opts.signal });
    try {
      await runner.retryFailing();
      if (fromTs < now) {
        await runner.runRange({
          fromTs,
          toTs: now,
          // a catch-up after downtime in windows of a few hours; a short range in one
          cut: (hours) => (now - fromTs <= CATCH_UP_WINDOW_HOURS * 3600 ? [[fromTs, now]] : splitWindows(hours, fromTs, now, CATCH_UP_WINDOW_HOURS)),
          failures: 'isolate',
          partitionsTo: now + DAYS_AHEAD * 86400,
          announce: (windows) => [
            'collector run',
            {
              run: runId,
              from: iso(fromTs),
              to: iso(now),
              local: `${localTime(fromTs, opts.reportTz)} .. ${localTime(now, opts.reportTz)}`,
              windows,
              horizon: horizon === null ? 'none' : iso(horizon),
            },
          ],
        });
      }
      if (runner.failed.length > 0) {
        run.outcome = 'failed';
        run.error = runner.failed.map((w) => `window [${iso(w.fromTs)}, ${iso(w.toTs)}) failed (retried on every run): ${w.error}`).join('; ');
      }
    } catch (err) {
      run.outcome = 'failed';
      run.error = opts.upstream.scrub((err as Error).message);
      log.warn('collector run failed; the horizon waits and the next run retries', { run: runId, error: run.error });
    }
    run.windows = runner.loaded;
    run.events = runner.loaded.reduce((n, w) => n + w.events, 0);
    run.rejected = runner.loaded.reduce((n, w) => n + w.rejected, 0);
    const aggregation = await runner.aggregate();
    if (aggregation.error !== null) {
      run.outcome = 'failed';
      run.error = (run.error ? run.error + '; ' : '') + `aggregation: ${aggregation.error}`;
      log.warn('aggregation failed; the next run repeats it', { run: runId, error: aggregation.error });
    }
    // Once a day, under this run's lock (no window loads meanwhile); a failure only waits
    // for the next run.
    try {
      if (!opts.signal?.aborted && (await pruneDue(pool, opts.reportTz, opts.retentionDays, now))) {
        await pruneRaw(pool, { reportTz: opts.reportTz, days: opts.retentionDays!, log, nowSeconds: now, signal: opts.signal });
      }
    } catch (err) {
      log.warn('prune failed; the next run tries again', { run: runId, error: (err as Error).message });
    }
    // The live state at the new horizon, stored for the live board and /metrics (only
    // when nothing is left to aggregate: who was busy today comes from the report rows);
    // a failure only means they compute it on each request until the next run.
    if (aggregation.error === null && !opts.signal?.aborted) {
      await pool.query('CALL sp_store_live_state()').catch((err: unknown) => {
        log.warn('storing the live state failed; the live board computes it meanwhile', { run: runId, error: (err as Error).message });
      });
    }
    // This run loads from the horizon on: a gap before it (a failed backfill window) stays
    // until a backfill fills it, so every run says so.
    const gaps = await gapsNote(pool, opts.reportTz).catch(() => null);
    if (gaps !== null) log.warn(`collector: ${gaps}`, { run: runId });
    await finishRun(pool, runId, {
      outcome: run.outcome === 'ok' ? 'ok' : 'failed',
      events: run.events,
      rejected: run.rejected,
      message: [run.error ?? `${run.windows.length} window(s)`, gaps].filter((m) => m !== null).join('; '),
    });
    collectorRuns.inc({ kind: 'collector', outcome: run.outcome });
    log.info('collector run done', { run: runId, outcome: run.outcome, windows: run.windows.length, events: run.events, rejected: run.rejected });
    return run;
  } finally {
    await lock.release();
  }
}

export interface Collector {
  /** Runs now unless a run of this process is going (then waits for that one). */
  runNow(): Promise<CollectorRun | undefined>;
  /** Cancels the schedule, lets the current window finish or roll back, and waits. */
  stop(): Promise<void>;
  /** When the schedule runs next (null once stopped). */
  nextRun(): Date | null;
  /** Resolves when no run of this process is going (scheduled reports wait for it). */
  settled(): Promise<void>;
}

/** Schedules the collector on `cron` and runs it once at once. */
export function startCollector(opts: Omit<CollectorOptions, 'signal'> & { cron: string }): Collector {
  const abort = new AbortController();
  // every request of a window listens on this one signal (a window's stats are many calls)
  setMaxListeners(0, abort.signal);
  let current: Promise<CollectorRun | undefined> | undefined;
  const tick = (): Promise<CollectorRun | undefined> => {
    if (abort.signal.aborted) return Promise.resolve(undefined);
    if (current) {
      const message = 'the previous run is still going: this tick is skipped';
      opts.log.info(`collector: ${message}`);
      void recordSkipped(opts.pool, 'collector', message).catch(() => {});
      return current;
    }
    current = runCollector({ ...opts, signal: abort.signal })
      .catch((err: unknown) => {
        opts.log.error('collector run crashed', { error: opts.upstream.scrub((err as Error).message) });
        return undefined;
      })
      .finally(() => {
        current = undefined;
      });
    return current;
  };
  const job = schedule.scheduleJob(opts.cron, () => void tick());
  if (job === null) throw new Error(`COLLECT_CRON=${JSON.stringify(opts.cron)} is not a valid cron expression`);
  opts.log.info('collector scheduled', { cron: opts.cron, overlap_minutes: opts.overlapMinutes });
  void tick();
  return {
    runNow: tick,
    nextRun: () => (abort.signal.aborted ? null : job.nextInvocation()),
    settled: async () => {
      await current;
    },
    async stop() {
      job.cancel();
      abort.abort();
      await current;
    },
  };
}
