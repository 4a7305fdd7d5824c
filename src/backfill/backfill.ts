// npm run backfill: loads [fromTs, toTs) in report-hour windows, several at once, each in
// one transaction that also moves the horizon (rules §3); a window that fails gets one
// more try after the others (src/ingest/runner.ts runs them). Then it re-aggregates every
// hour that can change, from the start up to the horizon. Idempotent: re-loading gives
// the same rows (events keep their identity, a slot's stats are replaced whole).
import type { Pool } from 'mysql2/promise';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { Upstream, upstreamFromConfig } from '../upstream/client.ts';
import { isoUtc as iso } from '../time.ts';
import { acquireLoadLock } from '../ingest/lock.ts';
import { finishRun, startRun } from '../ingest/runs.ts';
import { splitWindows } from '../ingest/windows.ts';
import { WindowRunner, type FailedWindow } from '../ingest/runner.ts';
import { calendarOf } from '../ingest/window.ts';
import { readHorizon } from '../db/horizon.ts';
import { wipeStaging } from './wipe.ts';
import { DEFAULT_CONCURRENCY } from './options.ts';
import { readCut } from '../db/raw-cut.ts';
import { UsageError } from '../usage-error.ts';
import { localTime } from '../log.ts';
import { collectorRuns } from '../metrics.ts';

export type { FailedWindow };

export interface BackfillOptions {
  fromTs: number;
  toTs: number;
  concurrency?: number;
  log: Logger;
  /** Empty staging, activity and the horizon first (the CLI asks the operator). */
  wipe?: boolean;
  /** A client of your own (tests: short retry delays); default: from cfg. Not closed here. */
  upstream?: Upstream;
  /** How long to wait for a running collector or backfill to finish, seconds (default 600). */
  lockWaitSeconds?: number;
  signal?: AbortSignal;
}

export interface BackfillSummary {
  runId: number;
  fromTs: number;
  toTs: number;
  windows: number;
  failed: FailedWindow[];
  /** Stopped by the signal: windows never tried or rolled back (not in `failed`). */
  stopped: boolean;
  notLoaded: number;
  events: number;
  statsRows: number;
  rejected: number;
  splits: number;
  requests: number;
  aggregatedHours: number;
  horizon: number | null;
  seconds: number;
  eventsPerSecond: number;
}

export async function runBackfill(cfg: Config, pool: Pool, opts: BackfillOptions): Promise<BackfillSummary> {
  const { log } = opts;
  const started = Date.now();
  if (!(opts.toTs > opts.fromTs)) throw new Error(`backfill: the end ${iso(opts.toTs)} must be after the start ${iso(opts.fromTs)}`);
  const lockWait = opts.lockWaitSeconds ?? 600;
  const lock = await acquireLoadLock(pool, lockWait);
  if (lock === null) throw new Error(`backfill: a collector run or another backfill held the load lock for ${lockWait} s; try again when it ends`);
  const upstream = opts.upstream ?? upstreamFromConfig(cfg, { log });
  try {
    if (opts.wipe) {
      const wiped = await wipeStaging(pool);
      log.warn(`wiped ${wiped.join(', ')}, the data horizon and the retention cut`);
    }
    const cut = await readCut(pool);
    if (opts.fromTs < cut) {
      const at = localTime(cut, cfg.reportTz);
      throw new UsageError(
        `the range starts at ${localTime(opts.fromTs, cfg.reportTz)}, before the retention cut ${at}: raw data before it was pruned (RAW_RETENTION_DAYS) and those hours keep their rows; start at ${at} or later`,
      );
    }
    // (the range's calendar is read while the run's row is written: one wait, not two)
    const calendarRead = calendarOf(pool, cfg.reportTz, opts.fromTs, opts.toTs);
    calendarRead.catch(() => {}); // said below, after startRun's own error if there is one
    const runId = await startRun(pool, 'backfill', opts.fromTs, opts.toTs);
    const calendar = await calendarRead;
    const concurrency = opts.concurrency ?? DEFAULT_CONCURRENCY;
    const runner = new WindowRunner({ pool, upstream, log, reportTz: cfg.reportTz, source: 'backfill', runId, signal: opts.signal });
    await runner.runRange({
      fromTs: opts.fromTs,
      toTs: opts.toTs,
      cut: (hours) => splitWindows(hours, opts.fromTs, opts.toTs, 1),
      failures: 'retry',
      concurrency,
      partitionsTo: opts.toTs,
      calendar,
      announce: (windows) => [
        'backfill',
        {
          run: runId,
          from: iso(opts.fromTs),
          to: iso(opts.toTs),
          local: `${localTime(opts.fromTs, cfg.reportTz)} .. ${localTime(opts.toTs, cfg.reportTz)}`,
          windows,
          concurrency,
        },
      ],
    });
    const { loaded, failed } = runner;
    const windows = runner.windows;
    const aggregation = await runner.aggregate();
    const aggregatedHours = aggregation.hours;
    const aggregationError = aggregation.error;
    if (aggregationError !== null) log.error('aggregation failed; run the backfill again (loading is idempotent)', { error: aggregationError });
    const seconds = (Date.now() - started) / 1000;
    const sum = (k: 'events' | 'statsRows' | 'rejected' | 'splits' | 'requests') => loaded.reduce((n, w) => n + w[k], 0);
    const summary: BackfillSummary = {
      runId,
      fromTs: opts.fromTs,
      toTs: opts.toTs,
      windows,
      failed,
      stopped: opts.signal?.aborted === true,
      notLoaded: opts.signal?.aborted ? windows - loaded.length : runner.notLoaded,
      events: sum('events'),
      statsRows: sum('statsRows'),
      rejected: sum('rejected'),
      splits: sum('splits'),
      requests: sum('requests'),
      aggregatedHours,
      horizon: await readHorizon(pool),
      seconds,
      eventsPerSecond: seconds > 0 ? Math.round(sum('events') / seconds) : 0,
    };
    const stopNote = summary.stopped ? [`stopped by a signal: ${loaded.length} of ${windows} window(s) loaded`] : [];
    const problems = [...stopNote, ...failed.map((w) => `[${iso(w.fromTs)}, ${iso(w.toTs)}): ${w.error}`), ...(aggregationError ? [`aggregation: ${aggregationError}`] : [])];
    await finishRun(pool, runId, {
      outcome: problems.length === 0 ? 'ok' : 'failed',
      events: summary.events,
      rejected: summary.rejected,
      message: problems.length === 0 ? `${windows} window(s)` : problems.join('; '),
    });
    if (aggregationError) summary.failed.push({ fromTs: opts.fromTs, toTs: opts.toTs, error: `aggregation: ${aggregationError}` });
    collectorRuns.inc({ kind: 'backfill', outcome: summary.stopped ? 'stopped' : problems.length === 0 ? 'ok' : 'failed' });
    // Stopped: the command prints the one summary line itself.
    if (!summary.stopped) log.info('backfill done', {
      windows: summary.windows,
      failed: summary.failed.length,
      events: summary.events,
      stats: summary.statsRows,
      rejected: summary.rejected,
      splits: summary.splits,
      hours_aggregated: aggregatedHours,
      seconds: Number(seconds.toFixed(1)),
      events_per_s: summary.eventsPerSecond,
    });
    return summary;
  } finally {
    if (!opts.upstream) await upstream.close();
    await lock.release();
  }
}
