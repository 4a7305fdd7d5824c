// Stats of one report hour (SPEC §4): fetched for [hour start, min(hour end, window end)),
// and a re-fetch REPLACES the hour: an extension missing from the new response loses its
// old row. Never summed across fetches.
import type { StatsRecord } from '../types.ts';
import { cleanName } from '../upstream/normalize.ts';
import { lit, queryRaw, type Db } from './db.ts';

const COLUMNS =
  'hour_start, ext, fetched_to, name, tags, total_calls, answered_calls, talked_time, talked_average, duration_seconds,' +
  ' max_connect_seconds, avg_connect_seconds, total_connect_seconds, callee_id_number, callee_id_name, registered_time,' +
  ' idle_time, wrap_up_time, hold_time, on_call_time, on_call_time_avg, not_available_time, not_available_detailed_report, raw';

const BATCH = 1000;

function json(v: unknown): string {
  return v === null || v === undefined ? 'NULL' : lit(JSON.stringify(v));
}

/** Whole seconds for BIGINT columns; the upstream sends integers, a fraction is rounded. */
function int(n: number): number {
  return Math.round(n);
}

function statsRow(hourStart: number, fetchedTo: number, s: StatsRecord): string {
  const values = [
    hourStart,
    lit(s.ext),
    fetchedTo,
    lit(s.name),
    json(s.tags),
    int(s.totalCalls),
    int(s.answeredCalls),
    int(s.talkedTime),
    s.talkedAverage,
    int(s.durationSeconds),
    int(s.maxConnectSeconds),
    s.avgConnectSeconds,
    int(s.totalConnectSeconds),
    lit(s.calleeIdNumber),
    lit(s.calleeIdName),
    int(s.registeredTime),
    int(s.idleTime),
    int(s.wrapUpTime),
    int(s.holdTime),
    int(s.onCallTime),
    s.onCallTimeAvg,
    int(s.notAvailableTime),
    json(s.notAvailableDetailedReport),
    json(s.raw),
  ];
  return '(' + values.join(',') + ')';
}

/**
 * Replaces the users_calls rows of one report hour with `stats`, fetched up to
 * `fetchedTo`, and records each extension's cleaned stats name. Run it inside the
 * window's transaction. Returns the rows inserted.
 */
export async function replaceHourStats(db: Db, hourStart: number, fetchedTo: number, stats: StatsRecord[]): Promise<number> {
  await db.query('DELETE FROM users_calls WHERE hour_start = ?', [hourStart]);
  for (let i = 0; i < stats.length; i += BATCH) {
    const rows = stats.slice(i, i + BATCH).map((s) => statsRow(hourStart, fetchedTo, s));
    await queryRaw(db, `INSERT INTO users_calls (${COLUMNS}) VALUES ?`, rows.join(','));
  }
  // Agents known only from stats get a row too; the name is used when no event names them.
  const named = stats
    .map((s) => ({ ext: s.ext, name: cleanName(s.name) }))
    .sort((a, b) => (a.ext < b.ext ? -1 : a.ext > b.ext ? 1 : 0));
  for (let i = 0; i < named.length; i += BATCH) {
    const rows = named.slice(i, i + BATCH).map((a) => `(${lit(a.ext)},${a.name === '' ? 'NULL' : lit(a.name)})`);
    await queryRaw(db, 'INSERT INTO agents (ext, stats_name) VALUES ? ON DUPLICATE KEY UPDATE stats_name = COALESCE(VALUES(stats_name), stats_name)', rows.join(','));
  }
  return stats.length;
}
