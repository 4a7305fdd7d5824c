// The last outcome of each scheduled report, from schedule_runs, for /api/status and
// /metrics: any server on the database shows it, not only the process that runs them.
import type { Pool } from 'mysql2/promise';
import type { Db } from '../db/query.ts';
import { scheduleLastOutcome, scheduleLastRunTime } from '../metrics.ts';
import { lastRunPerSchedule } from './runs.ts';

const OUTCOMES = ['running', 'ok', 'failed'] as const;

/** TIMESTAMP(3) read in the session's UTC, as ISO 8601. */
const iso = (ts: string | null) => (ts === null ? null : ts.replace(' ', 'T') + 'Z');

/** `next`: the times this process runs them (none where it does not run them). */
export async function scheduledReportsStatus(pool: Db, next: { name: string; next: Date | null }[]): Promise<Record<string, unknown>[]> {
  const last = new Map((await lastRunPerSchedule(pool)).map((r) => [r.schedule, r]));
  const names = [...new Set([...next.map((n) => n.name), ...last.keys()])].sort();
  return names.map((name) => {
    const r = last.get(name);
    const n = next.find((x) => x.name === name)?.next ?? null;
    return {
      name,
      nextRun: n === null ? null : n.toISOString(),
      lastRun:
        r === undefined
          ? null
          : {
              trigger: r.trigger_kind,
              range: r.range_label,
              startedAt: iso(r.started_at),
              finishedAt: iso(r.finished_at),
              outcome: r.outcome,
              file: r.filename,
              rows: r.row_count === null ? null : Number(r.row_count),
              bytes: r.bytes === null ? null : Number(r.bytes),
              notLoaded: r.note,
              error: r.error,
            },
    };
  });
}

/** Sets the per-schedule gauges from the table (at scrape time). */
export async function refreshScheduleGauges(pool: Pool): Promise<void> {
  const last = await lastRunPerSchedule(pool);
  scheduleLastOutcome.reset();
  scheduleLastRunTime.reset();
  for (const r of last) {
    for (const o of OUTCOMES) scheduleLastOutcome.set({ schedule: r.schedule, outcome: o }, r.outcome === o ? 1 : 0);
    scheduleLastRunTime.set({ schedule: r.schedule }, Date.parse(iso(r.started_at)!) / 1000);
  }
}
