// Running windows, for a collector run and a backfill alike: a range is cut into windows
// at report-hour boundaries, each window is fetched and loaded in one transaction within
// its deadline (window.ts), the hours behind the loaded windows are aggregated while later
// ones load (progressive.ts), and at the end everything pending is (aggregate.ts). The two
// drivers differ only in what a failed window does to the others:
//   'isolate' (the collector): windows in order. A window that fails for what it holds is
//     loaded hour by hour, its failing hours recorded as failing windows (a gap, retried
//     on every run), and later windows go on; any other failure (the upstream or the
//     database) is thrown: the run stops there and the horizon waits.
//   'retry' (the backfill): windows side by side; one that fails is tried once more after
//     the others, unless it ran out of time (a second pass would double its deadline).
import type { Pool } from 'mysql2/promise';
import type { Fields, Logger } from '../log.ts';
import type { Upstream } from '../upstream/client.ts';
import { windowGivenUp } from '../upstream/client.ts';
import { UpstreamError } from '../upstream/errors.ts';
import { dbFetchLog, type FetchLog } from '../upstream/fetch-log.ts';
import { isoUtc as iso } from '../time.ts';
import { eventsLoaded, recordsRejected, windowsFailed, windowsLoaded } from '../metrics.ts';
import { calendarOf, loadWindow, type Calendar, type Hour, type WindowResult } from './window.ts';
import { prepareDayPartitions } from './day-partitions.ts';
import { Progressive } from './progressive.ts';
import { aggregatePending } from './aggregate.ts';
import { windowLine } from './window-line.ts';
import { loadHourByHour, retryFailing, type Isolated } from './failing.ts';

export type FailurePolicy = 'isolate' | 'retry';

export interface FailedWindow {
  fromTs: number;
  toTs: number;
  error: string;
  /** The upstream refused in a way another attempt will not change (a login 404, a 401). */
  permanent?: boolean;
}

export interface RunnerOptions {
  pool: Pool;
  upstream: Upstream;
  log: Logger;
  reportTz: string;
  source: 'collector' | 'backfill';
  /** The collector_runs row the upstream calls are logged under. */
  runId: number;
  signal?: AbortSignal;
}

export interface RangeOptions {
  fromTs: number;
  toTs: number;
  /** The range's windows, from its report hours. */
  cut: (hours: Hour[]) => [number, number][];
  failures: FailurePolicy;
  /** Windows loaded at once ('retry' only; 'isolate' loads them in order). */
  concurrency?: number;
  /** Day partitions are made ready from fromTs up to here (the collector: days ahead too). */
  partitionsTo: number;
  /** The line logged before the first window, given the number of windows. */
  announce: (windows: number) => [string, Fields];
  /** The range's calendar when the caller has read it already (calendarOf); else it is read here. */
  calendar?: Calendar;
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

export class WindowRunner {
  /** Every window loaded in this run, in the order they committed. */
  readonly loaded: WindowResult[] = [];
  /** 'isolate': the pieces now recorded as failing windows; 'retry': the windows not loaded after both tries. */
  readonly failed: FailedWindow[] = [];
  /** The range's windows (0 before runRange). */
  windows = 0;
  /** 'retry', stopping: windows not started, or rolled back. */
  notLoaded = 0;
  private progressive: Progressive | undefined;
  private readonly fetchLog: FetchLog;
  /** The range's calendar and partitions, once runRange has them. */
  private calendar: Calendar | undefined;
  private writable: Promise<unknown> | undefined;

  constructor(private readonly o: RunnerOptions) {
    this.fetchLog = dbFetchLog(o.pool, o.runId, o.log);
  }

  /** Loads [fromTs, toTs) within its deadline: an upstream that trickles or never answers is given up. */
  readonly loadOne = (fromTs: number, toTs: number): Promise<WindowResult> => {
    const { pool, upstream, reportTz, source } = this.o;
    return upstream.withWindowDeadline(fromTs, toTs, this.o.signal, (signal) =>
      loadWindow({ pool, upstream, reportTz, fetchLog: this.fetchLog, source, signal, calendar: this.calendar, writable: this.writable }, fromTs, toTs),
    );
  };

  private readonly scrub = (m: string): string => this.o.upstream.scrub(m);

  private record(w: WindowResult, msg = 'window loaded'): void {
    windowsLoaded.inc({ source: this.o.source });
    eventsLoaded.inc(w.events);
    recordsRejected.inc(w.rejected);
    this.loaded.push(w);
    this.o.log.info(msg, windowLine(w, this.o.reportTz));
  }

  private take(r: Isolated): void {
    for (const w of r.loaded) this.record(w);
    this.failed.push(...r.failed);
  }

  /** The windows that failed in earlier runs, each tried once (a gap is retried on every run). */
  async retryFailing(): Promise<void> {
    this.take(await retryFailing(this.o.pool, this.o.log, this.loadOne, this.scrub, this.o.signal));
  }

  /** Loads the range's windows; with 'isolate', throws at a failure that is not the window's own. */
  async runRange(r: RangeOptions): Promise<void> {
    const { pool, log, reportTz, signal } = this.o;
    this.calendar = r.calendar ?? (await calendarOf(pool, reportTz, r.fromTs, r.toTs));
    const { hours } = this.calendar;
    const windows = r.cut(hours);
    this.windows = windows.length;
    // The first windows fetch while their days' partitions are split off; they write after.
    this.writable = prepareDayPartitions(pool, reportTz, r.fromTs, r.partitionsTo, log, signal);
    const [msg, fields] = r.announce(windows.length);
    log.info(msg, fields);
    // Hours whose windows, and all windows before them, are loaded are aggregated while
    // the rest loads: the database works on both at once.
    const progressive = new Progressive(pool, hours, windows, signal);
    this.progressive = progressive;
    try {
      await this.loadWindows(windows, hours, r, progressive);
    } finally {
      // (a split still running when the run stops is killed, then waited for: it holds the tables)
      await this.writable;
    }
  }

  private async loadWindows(windows: [number, number][], hours: Hour[], r: RangeOptions, progressive: Progressive): Promise<void> {
    const { pool, log, signal } = this.o;
    if (r.failures === 'isolate') {
      for (const [i, [f, t]] of windows.entries()) {
        signal?.throwIfAborted();
        let w;
        try {
          w = await this.loadOne(f, t);
        } catch (err) {
          if (!signal?.aborted) windowsFailed.inc({ source: this.o.source });
          this.take(await loadHourByHour(pool, log, this.loadOne, hours, f, t, err, this.scrub, signal));
          continue;
        }
        this.record(w);
        progressive.loaded(i);
      }
      return;
    }
    let failed: FailedWindow[] = [];
    const outOfTime: FailedWindow[] = [];
    const attempt = async ([f, t]: [number, number], pass: number, index: number) => {
      // Stopping: windows not started, and those rolled back, are counted, not each logged.
      if (signal?.aborted) {
        this.notLoaded++;
        return;
      }
      try {
        const w = await this.loadOne(f, t);
        this.record(w, `window ${this.loaded.length + 1}/${windows.length}`);
        if (pass === 1) progressive.loaded(index);
      } catch (err) {
        if (signal?.aborted) {
          this.notLoaded++;
          return;
        }
        windowsFailed.inc({ source: this.o.source });
        const error = this.scrub((err as Error).message);
        const givenUp = windowGivenUp(err);
        (givenUp ? outOfTime : failed).push({ fromTs: f, toTs: t, error, permanent: err instanceof UpstreamError && !err.transient && err.status !== null });
        const msg = givenUp ? 'window failed: out of time; the next run tries it again' : pass === 1 ? 'window failed; it is tried again after the others' : 'window failed again';
        log.warn(msg, { from: iso(f), to: iso(t), error });
      }
    };
    const concurrency = r.concurrency ?? 1;
    await pooled(windows, concurrency, (w, i) => attempt(w, 1, i));
    if (failed.length > 0 && !signal?.aborted) {
      const again = failed.map((w): [number, number] => [w.fromTs, w.toTs]);
      failed = [];
      await pooled(again, concurrency, (w, i) => attempt(w, 2, i));
    }
    this.failed.push(...failed, ...outOfTime);
    this.failed.sort((a, b) => a.fromTs - b.fromTs);
  }

  /**
   * Aggregates what the loaded windows left pending (also after a failure: the windows that
   * did load are aggregated), the hours done while loading not repeated. Returns the hours
   * aggregated in all, and the error when the aggregation failed (callers say what then).
   */
  async aggregate(): Promise<{ hours: number; error: string | null }> {
    const early = this.progressive ? await this.progressive.finish() : undefined;
    if (early?.error) this.o.log.warn('aggregating while loading failed; the whole range is aggregated now', { error: early.error });
    let hours = early?.hours ?? 0;
    if (this.o.signal?.aborted) return { hours, error: null };
    try {
      const done = early?.done ? { ...early.done, hours: early.hours } : undefined;
      hours += (await aggregatePending(this.o.pool, this.o.log, this.o.signal, done))?.hours ?? 0;
      return { hours, error: null };
    } catch (err) {
      return { hours, error: (err as Error).message };
    }
  }
}
