// What /api/status reports. Aggregates only: no agent names or extensions.
import { isoUtc } from '../time.ts';
import { readHorizon } from '../db/horizon.ts';
import { one, select, type Db } from '../db/query.ts';
import { listFailing } from '../db/failing-windows.ts';
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

interface RunRow {
  kind: string;
  started_at: string;
  ended_at: string | null;
  outcome: string;
  from_ts: number | null;
  to_ts: number | null;
  events: number;
  rejected: number;
  message: string | null;
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

  const gapRows = await select<{ gap_from: number; gap_to: number }>(pool, 'SELECT gap_from, gap_to FROM vw_status_gaps ORDER BY gap_from DESC LIMIT 100');
  const gapCount = await one<{ n: number; s: number | null }>(pool, 'SELECT COUNT(*) AS n, SUM(gap_to - gap_from) AS s FROM vw_status_gaps');

  // The collector's last run and the last backfill apart: a backfill must not hide that
  // the collector stopped (or never ran).
  const lastOf = (kind: 'collector' | 'backfill') =>
    one<RunRow>(
      pool,
      "SELECT kind, started_at, ended_at, outcome, from_ts, to_ts, events, rejected, message FROM collector_runs WHERE kind = ? AND outcome <> 'skipped' ORDER BY started_at DESC, id DESC LIMIT 1",
      [kind],
    );
  const run = await one<RunRow>(
    pool,
    'SELECT kind, started_at, ended_at, outcome, from_ts, to_ts, events, rejected, message FROM collector_runs ORDER BY started_at DESC, id DESC LIMIT 1',
  );
  const lastCollector = await lastOf('collector');
  const lastBackfill = await lastOf('backfill');
  const lastOk = await one<{ ended_at: string | null }>(
    pool,
    "SELECT ended_at FROM collector_runs WHERE outcome = 'ok' ORDER BY started_at DESC, id DESC LIMIT 1",
  );
  const loaded = await one<{ windows: number; events: number | null; stats_rows: number | null }>(
    pool,
    'SELECT COUNT(*) AS windows, SUM(events) AS events, SUM(stats_rows) AS stats_rows FROM loaded_windows WHERE loaded_at >= FROM_UNIXTIME(?)',
    [dayAgo],
  );
  const rejected = await one<{ total: number; day: number | null }>(
    pool,
    'SELECT COUNT(*) AS total, SUM(created_at >= FROM_UNIXTIME(?)) AS day FROM rejected_records',
    [dayAgo],
  );

  return {
    now: isoUtc(now),
    horizon: horizon === null ? null : isoUtc(horizon),
    lagSeconds: horizon === null ? null : now - horizon,
    gaps: {
      count: Number(gapCount?.n ?? 0),
      seconds: Number(gapCount?.s ?? 0),
      latest: gapRows.map((g) => ({
        from: isoUtc(Number(g.gap_from)),
        to: isoUtc(Number(g.gap_to)),
        seconds: Number(g.gap_to) - Number(g.gap_from),
      })),
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
    lastSuccessAt: isoFromSql(lastOk?.ended_at),
    last24h: {
      windowsLoaded: Number(loaded?.windows ?? 0),
      eventsLoaded: Number(loaded?.events ?? 0),
      statsRowsLoaded: Number(loaded?.stats_rows ?? 0),
      rejected: Number(rejected?.day ?? 0),
    },
    rejectedTotal: Number(rejected?.total ?? 0),
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

interface FieldDiff {
  field: string;
  compared: number;
  differing: number;
  agent_hours: number;
  abs_s: number | null;
}

/**
 * Data quality (the data-quality views), in aggregate: counts and seconds, no extension or name.
 * Reconciliation compares the derived seconds with the upstream's stats for report hours
 * that started in the last 24 h, where both cover the same part of the hour.
 */
async function readDataQuality(pool: Db, dayAgo: number): Promise<Record<string, unknown>> {
  const reconciliation = await fromView(async () => {
    const list = await select<FieldDiff>(
      pool,
      `SELECT field, COUNT(*) AS compared, SUM(diff_s <> 0) AS differing,
         COUNT(DISTINCT CASE WHEN diff_s <> 0 THEN CONCAT(hour_start, ':', ext) END) AS agent_hours,
         SUM(ABS(diff_s)) AS abs_s
       FROM vw_reconciliation
       WHERE hour_start >= ? AND diff_s IS NOT NULL AND counted_s = upstream_window_s
       GROUP BY field ORDER BY field`,
      [dayAgo],
    );
    const total = (k: 'compared' | 'differing' | 'abs_s') => list.reduce((n, r) => n + Number(r[k] ?? 0), 0);
    return {
      hoursSince: isoUtc(dayAgo),
      comparedFigures: total('compared'),
      differingFigures: total('differing'),
      absDifferenceSeconds: total('abs_s'),
      byField: Object.fromEntries(
        list.map((r) => [r.field, { compared: Number(r.compared), differing: Number(r.differing ?? 0), agentHours: Number(r.agent_hours), absDifferenceSeconds: Number(r.abs_s ?? 0) }]),
      ),
    };
  });
  const answeredOverOffered = await fromView(async () => {
    const r = await one<{ total: number; day: number | null }>(pool, 'SELECT COUNT(*) AS total, SUM(hour_start >= ?) AS day FROM vw_answered_over_offered', [dayAgo]);
    return { last24h: Number(r?.day ?? 0), total: Number(r?.total ?? 0) };
  });
  const unknownEventTypes = await fromView(async () => {
    const rows = await select<{ event: string; events: number }>(pool, 'SELECT event, events FROM vw_unknown_event_types ORDER BY events DESC, event LIMIT 20');
    return rows.map((r) => ({ event: r.event, events: Number(r.events) }));
  });
  const unmappedReasons = await fromView(async () => {
    const r = await one<{ n: number; s: number | null }>(pool, 'SELECT COUNT(*) AS n, SUM(other_npt_s) AS s FROM vw_unmapped_reasons');
    return { reasons: Number(r?.n ?? 0), otherNptSeconds: Number(r?.s ?? 0) };
  });
  return { reconciliation, answeredOverOffered, unknownEventTypes, unmappedReasons };
}
