// Stats of one 15-minute slot (rules §4): fetched for [slot start, min(slot end, window
// end)), and a re-fetch REPLACES the slot: an extension missing from the new response
// loses its old row. Never summed across fetches.
import type { StatsRecord } from '../types.ts';
import { cleanName } from '../names.ts';
import { lit, queryRaw, type Db } from '../db/query.ts';

const COLUMNS =
  'slot_start, hour_start, ext, fetched_to, name, tags, total_calls, answered_calls, talked_time, talked_average, duration_seconds,' +
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

function statsRow(slot: StatsSlot, fetchedTo: number, s: StatsRecord): string {
  const values = [
    slot.slotStart,
    slot.hourStart,
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

export interface StatsSlot {
  slotStart: number;
  /** The report hour the slot belongs to. */
  hourStart: number;
}

/**
 * Replaces the users_calls rows of one slot with `stats`, fetched up to `fetchedTo`, and
 * records each extension's cleaned stats name. Run it inside the window's transaction.
 * Returns the rows inserted.
 */
export async function replaceSlotStats(db: Db, slot: StatsSlot, fetchedTo: number, stats: StatsRecord[]): Promise<number> {
  await db.query('DELETE FROM users_calls WHERE slot_start = ?', [slot.slotStart]);
  for (let i = 0; i < stats.length; i += BATCH) {
    const rows = stats.slice(i, i + BATCH).map((s) => statsRow(slot, fetchedTo, s));
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
