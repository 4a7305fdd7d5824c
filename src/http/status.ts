// What /api/status reports. Aggregates only: no agent names or extensions. The reads are
// in src/db/status (and the failing windows, the horizon, the hours not loaded below it);
// this module shapes their answer.
import { isoUtc } from '../time.ts';
import { readHorizon } from '../db/horizon.ts';
import type { Db } from '../db/query.ts';
import { listFailing } from '../db/failing-windows.ts';
import { readGaps } from '../db/status/gaps.ts';
import { readLastRun, readLastSuccess, type RunRow } from '../db/status/last-run.ts';
import { readLoadedSince, readRejected } from '../db/status/loaded-since.ts';
import { readAnsweredOverOffered, readReconciliation, readUnknownEventTypes, readUnmappedReasons } from '../db/status/data-quality.ts';
import { notLoadedHours } from '../report/not-loaded.ts';

const ER_NO_SUCH_TABLE = 'ER_NO_SUCH_TABLE';

/** TIMESTAMP(3) read as 'YYYY-MM-DD HH:MM:SS[.mmm]' in the session's UTC, as ISO-8601. */
function isoFromSql(ts: string | null | undefined): string | null {
  return ts ? ts.replace(' ', 'T') + 'Z' : null;
}

/** A data-quality figure from a TRANSFORM view; the view missing is shown, not thrown. */
async function fromView<T>(read: () => Promise<T>): Promise<T | { error: string }> {
  try {
    return await read();
  } catch (err) {
    if ((err as { code?: string }).code === ER_NO_SUCH_TABLE) return { error: 'view missing: run npm run migrate' };
    throw err;
  }
}

function runJson(run: RunRow | undefined): Record<string, unknown> | null {
  if (run === undefined) return null;
  return {
    kind: run.kind,
    startedAt: isoFromSql(run.started_at),
    endedAt: isoFromSql(run.ended_at),
    outcome: run.outcome,
    windowFrom: run.from_ts === null ? null : isoUtc(Number(run.from_ts)),
    windowTo: run.to_ts === null ? null : isoUtc(Number(run.to_ts)),
    events: Number(run.events),
    rejected: Number(run.rejected),
    message: run.message,
  };
}

/** `nextCollectorRun`: when this process's collector runs next (null when it does not run here). */
export async function readStatus(pool: Db, nowMs = Date.now(), nextCollectorRun: Date | null = null): Promise<Record<string, unknown>> {
  const now = Math.floor(nowMs / 1000);
  const dayAgo = now - 86400;
  const horizon = await readHorizon(pool);

  const gaps = await readGaps(pool);
  const run = await readLastRun(pool);
  const lastCollector = await readLastRun(pool, 'collector');
  const lastBackfill = await readLastRun(pool, 'backfill');
  const lastOk = await readLastSuccess(pool);
  const loaded = await readLoadedSince(pool, dayAgo);
  const rejected = await readRejected(pool, dayAgo);

  return {
    now: isoUtc(now),
    horizon: horizon === null ? null : isoUtc(horizon),
    lagSeconds: horizon === null ? null : now - horizon,
    gaps: {
      count: gaps.count,
      seconds: gaps.seconds,
      latest: gaps.latest.map((g) => ({ from: isoUtc(g.from), to: isoUtc(g.to), seconds: g.to - g.from })),
    },
    // windows that failed while later ones loaded: each run retries them
    failingWindows: (await listFailing(pool)).map((w) => ({
      from: isoUtc(w.fromTs),
      to: isoUtc(w.toTs),
      failingSince: isoUtc(w.firstFailedAt),
      lastFailedAt: isoUtc(w.lastFailedAt),
      failures: w.failures,
      lastError: w.lastError,
    })),
    lastRun: runJson(run),
    lastCollectorRun: runJson(lastCollector),
    lastBackfill: runJson(lastBackfill),
    nextCollectorRun: nextCollectorRun === null ? null : isoUtc(Math.floor(nextCollectorRun.getTime() / 1000)),
    lastSuccessAt: isoFromSql(lastOk),
    last24h: {
      windowsLoaded: loaded.windows,
      eventsLoaded: loaded.events,
      statsRowsLoaded: loaded.statsRows,
      rejected: rejected.since,
    },
    rejectedTotal: rejected.total,
    notLoadedHours: horizon === null ? [] : await readNotLoadedHours(pool, horizon),
    dataQuality: await readDataQuality(pool, dayAgo),
  };
}

/**
 * rules §3: report hours of the 7 days before the horizon with seconds outside loaded time
 * (a gap, a failed window, time before the first load), for an operator to backfill.
 */
async function readNotLoadedHours(pool: Db, horizon: number): Promise<{ start: string; end: string; localStart: string; notLoadedSeconds: number }[]> {
  const hours = await notLoadedHours(pool, horizon - 7 * 86400, horizon, horizon);
  return hours.map((h) => ({ start: isoUtc(h.hourStart), end: isoUtc(h.hourEnd), localStart: h.localStart, notLoadedSeconds: h.notLoadedSeconds }));
}

/**
 * Data quality (the data-quality views), in aggregate: counts and seconds, no extension or name.
 * Reconciliation compares the derived seconds with the upstream's stats for report hours
 * that started in the last 24 h, where both cover the same part of the hour.
 */
async function readDataQuality(pool: Db, dayAgo: number): Promise<Record<string, unknown>> {
  const reconciliation = await fromView(async () => {
    const list = await readReconciliation(pool, dayAgo);
    const total = (k: 'compared' | 'differing' | 'absDifferenceSeconds') => list.reduce((n, r) => n + r[k], 0);
    return {
      hoursSince: isoUtc(dayAgo),
      comparedFigures: total('compared'),
      differingFigures: total('differing'),
      absDifferenceSeconds: total('absDifferenceSeconds'),
      byField: Object.fromEntries(list.map(({ field, ...figures }) => [field, figures])),
    };
  });
  const answeredOverOffered = await fromView(async () => {
    const r = await readAnsweredOverOffered(pool, dayAgo);
    return { last24h: r.since, total: r.total };
  });
  const unknownEventTypes = await fromView(() => readUnknownEventTypes(pool));
  const unmappedReasons = await fromView(() => readUnmappedReasons(pool));
  return { reconciliation, answeredOverOffered, unknownEventTypes, unmappedReasons };
}
