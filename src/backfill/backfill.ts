// npm run backfill: loads [fromTs, toTs) in report-hour windows with bounded
// concurrency, each window in one transaction that also moves the horizon (rules §3);
// windows that fail get one more try after the others. Then it re-aggregates every hour
// that can change, from the start up to the horizon. Idempotent: re-loading gives the
// same rows (event identity, stats replace per hour).
import type { Pool } from 'mysql2/promise';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { Upstream, upstreamFromConfig, windowGivenUp } from '../upstream/client.ts';
import { isoUtc as iso } from '../time.ts';
import { dbFetchLog } from '../upstream/fetch-log.ts';
import { UpstreamError } from '../upstream/errors.ts';
import { acquireLoadLock } from '../ingest/lock.ts';
import { prepareDayPartitions } from '../ingest/day-partitions.ts';
import { finishRun, startRun } from '../ingest/runs.ts';
import { hoursOverlapping, loadWindow, type WindowResult } from '../ingest/window.ts';
import { splitWindows } from '../ingest/windows.ts';
import { aggregatePending } from '../ingest/aggregate.ts';
import { Progressive } from '../ingest/progressive.ts';
import { windowLine } from '../ingest/window-line.ts';
import { readHorizon } from '../db/horizon.ts';
import { wipeStaging } from './wipe.ts';
import { DEFAULT_CONCURRENCY } from './options.ts';
import { readCut } from '../db/raw-cut.ts';
import { UsageError } from '../usage-error.ts';
import { localTime } from '../log.ts';
import { collectorRuns, eventsLoaded, recordsRejected, windowsFailed, windowsLoaded } from '../metrics.ts';

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

export interface FailedWindow {
  fromTs: number;
  toTs: number;
  error: string;
  /** The upstream refused in a way another attempt will not change (a login 404, a 401). */
  permanent?: boolean;
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

/** Runs `work` over `items` with at most `limit` at once. */
async function pooled<T>(items: T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await work(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
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
    const runId = await startRun(pool, 'backfill', opts.fromTs, opts.toTs);
    const fetchLog = dbFetchLog(pool, runId, log);
    const hours = await hoursOverlapping(pool, cfg.reportTz, opts.fromTs, opts.toTs);
    const windows = splitWindows(hours, opts.fromTs, opts.toTs, 1);
    await prepareDayPartitions(pool, cfg.reportTz, opts.fromTs, opts.toTs, log);
    const concurrency = opts.concurrency ?? DEFAULT_CONCURRENCY;
    log.info('backfill', {
      run: runId,
      from: iso(opts.fromTs),
      to: iso(opts.toTs),
      local: `${localTime(opts.fromTs, cfg.reportTz)} .. ${localTime(opts.toTs, cfg.reportTz)}`,
      windows: windows.length,
      concurrency,
    });
    const loaded: WindowResult[] = [];
    let failed: FailedWindow[] = [];
    // A window given up at its deadline has had its whole UPSTREAM_WINDOW_TIMEOUT_S in this
    // run: a second pass would double it (the next run tries it again).
    const outOfTime: FailedWindow[] = [];
    let notLoaded = 0;
    const ctx = { pool, upstream, reportTz: cfg.reportTz, fetchLog, source: 'backfill' as const, signal: opts.signal };
    // Hours whose windows, and all windows before them, are loaded are aggregated while
    // the rest loads: the database works on both at once.
    const progressive = new Progressive(pool, hours, windows, opts.signal);
    const attempt = async ([f, t]: [number, number], pass: number, index: number) => {
      // Stopping: windows not started, and those rolled back, are counted, not each logged.
      if (opts.signal?.aborted) {
        notLoaded++;
        return;
      }
      try {
        // each window has a deadline: an upstream that trickles or never answers is given up
        const w = await upstream.withWindowDeadline(f, t, opts.signal, (signal) => loadWindow({ ...ctx, signal }, f, t));
        loaded.push(w);
        windowsLoaded.inc({ source: 'backfill' });
        eventsLoaded.inc(w.events);
        recordsRejected.inc(w.rejected);
        log.info(`window ${loaded.length}/${windows.length}`, windowLine(w, cfg.reportTz));
        if (pass === 1) progressive.loaded(index);
      } catch (err) {
        if (opts.signal?.aborted) {
          notLoaded++;
          return;
        }
        windowsFailed.inc({ source: 'backfill' });
        const error = upstream.scrub((err as Error).message);
        const outOfTimeNow = windowGivenUp(err);
        (outOfTimeNow ? outOfTime : failed).push({ fromTs: f, toTs: t, error, permanent: err instanceof UpstreamError && !err.transient && err.status !== null });
        const msg = outOfTimeNow ? 'window failed: out of time; the next run tries it again' : pass === 1 ? 'window failed; it is tried again after the others' : 'window failed again';
        log.warn(msg, { from: iso(f), to: iso(t), error });
      }
    };
    await pooled(windows, concurrency, (w, i) => attempt(w, 1, i));
    if (failed.length > 0 && !opts.signal?.aborted) {
      const again = failed.map((w): [number, number] => [w.fromTs, w.toTs]);
      failed = [];
      await pooled(again, concurrency, (w, i) => attempt(w, 2, i));
    }
    let aggregatedHours = 0;
    let aggregationError: string | null = null;
    const early = await progressive.finish();
    aggregatedHours += early.hours;
    if (early.error) log.warn('aggregating while loading failed; the whole range is aggregated now', { error: early.error });
    if (!opts.signal?.aborted) {
      try {
        aggregatedHours += (await aggregatePending(pool, log, opts.signal, early.done ?? undefined))?.hours ?? 0;
      } catch (err) {
        aggregationError = (err as Error).message;
        log.error('aggregation failed; run the backfill again (loading is idempotent)', { error: aggregationError });
      }
    }
    failed.push(...outOfTime);
    failed.sort((a, b) => a.fromTs - b.fromTs);
    const seconds = (Date.now() - started) / 1000;
    const sum = (k: 'events' | 'statsRows' | 'rejected' | 'splits' | 'requests') => loaded.reduce((n, w) => n + w[k], 0);
    const summary: BackfillSummary = {
      runId,
      fromTs: opts.fromTs,
      toTs: opts.toTs,
      windows: windows.length,
      failed,
      stopped: opts.signal?.aborted === true,
      notLoaded: opts.signal?.aborted ? windows.length - loaded.length : notLoaded,
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
    const stopNote = summary.stopped ? [`stopped by a signal: ${loaded.length} of ${windows.length} window(s) loaded`] : [];
    const problems = [...stopNote, ...failed.map((w) => `[${iso(w.fromTs)}, ${iso(w.toTs)}): ${w.error}`), ...(aggregationError ? [`aggregation: ${aggregationError}`] : [])];
    await finishRun(pool, runId, {
      outcome: problems.length === 0 ? 'ok' : 'failed',
      events: summary.events,
      rejected: summary.rejected,
      message: problems.length === 0 ? `${windows.length} window(s)` : problems.join('; '),
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
