// What `npm run schedules` prints: the schedules with their next run, one run's outcome,
// and the history of runs with each destination's delivery.
import type { Pool } from 'mysql2/promise';
import { DateTime } from 'luxon';
import { destinationsOf, type Schedule } from './file.ts';
import { deliveries, recentRuns } from './runs.ts';
import type { RunResult } from './run.ts';
import { nextRun } from './scheduler.ts';

const local = (ms: number, tz: string) => DateTime.fromMillis(ms, { zone: tz }).toFormat('yyyy-MM-dd HH:mm ZZ');

export function printList(schedules: Schedule[], tz: string, now = Date.now()): void {
  if (schedules.length === 0) console.log('no schedules in the file');
  for (const s of schedules) {
    const next = nextRun(s.cron, tz, now).getTime();
    const report = Object.entries(s.report ?? {})
      .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`)
      .join(' ');
    console.log(`${s.name}: cron "${s.cron}" (${tz}), range ${s.range}${report ? `, ${report}` : ''}, to ${destinationsOf(s).join(', ')}; next run ${local(next, tz)} (${new Date(next).toISOString()})`);
  }
}

export function printRun(name: string, r: RunResult): void {
  if (r.outcome === 'skipped') {
    console.log(`${name}: skipped (already run for this time)`);
    return;
  }
  if (r.produced) console.log(`${name}: ${r.produced.filename}, ${r.produced.rows} row(s), ${r.produced.bytes} bytes (the same as GET ${r.produced.apiPath})`);
  if (r.note) console.log(`${name}: NOT COMPLETE: ${r.note}`);
  for (const d of r.deliveries) console.log(`${name}: ${d.destination}: ${d.status} (${d.detail})`);
  console.log(`${name}: ${r.outcome}${r.error ? `: ${r.error}` : ''}`);
}

export async function printHistory(pool: Pool, limit: number, schedule?: string): Promise<void> {
  const list = await recentRuns(pool, limit, schedule);
  if (list.length === 0) console.log('no runs yet');
  for (const r of list) {
    const ds = await deliveries(pool, Number(r.id));
    const size = r.row_count === null ? '' : ` ${r.row_count} row(s) ${r.bytes} bytes`;
    console.log(
      `#${r.id} ${r.schedule} (${r.trigger_kind}) ${r.range_label}: ${r.outcome}${size}; started ${r.started_at} UTC` +
        `${r.finished_at ? `, finished ${r.finished_at} UTC` : ''}; ${ds.map((d) => `${d.destination} ${d.status}${d.attempts > 1 ? ` after ${d.attempts} tries` : ''}`).join(', ')}` +
        `${r.note ? `; NOT COMPLETE: ${r.note}` : ''}${r.error ? `; error: ${r.error}` : ''}`,
    );
  }
}
