// Stats of one 15-minute slot (rules §4): fetched for [slot start, min(slot end, window
// end)), and a re-fetch REPLACES the slot: an extension missing from the new response
// loses its old row. Never summed across fetches.
import type { StatsRecord } from '../types.ts';
import { cleanName } from '../names.ts';
import { lit, litJson as json, queryRaw, type Db } from '../db/query.ts';

const COLUMNS =
  'slot_start, hour_start, ext, fetched_to, name, tags, total_calls, answered_calls, talked_time, talked_average, duration_seconds,' +
  ' max_connect_seconds, avg_connect_seconds, total_connect_seconds, callee_id_number, callee_id_name, registered_time,' +
  ' idle_time, wrap_up_time, hold_time, on_call_time, on_call_time_avg, not_available_time, not_available_detailed_report, raw';

const BATCH = 1000;

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

export interface SlotStats {
  slot: StatsSlot;
  /** The end of the range the stats were fetched for. */
  fetchedTo: number;
  stats: StatsRecord[];
}

/**
 * Replaces the users_calls rows of each slot with its stats, and records each extension's
 * cleaned stats name (a later slot's wins, as if the slots were written one after
 * another). Run it inside the window's transaction. Returns the rows inserted.
 */
export async function replaceStats(db: Db, slots: SlotStats[]): Promise<number> {
  const rows = await replaceStatsRows(db, slots);
  await upsertStatsNames(db, slots);
  return rows;
}

/** The users_calls half of replaceStats: each slot's rows replaced. Returns the rows inserted. */
export async function replaceStatsRows(db: Db, slots: SlotStats[]): Promise<number> {
  if (slots.length === 0) return 0;
  // a window's slots in a few statements, not three per slot: each is a round trip
  await queryRaw(db, 'DELETE FROM users_calls WHERE slot_start IN (?)', slots.map((s) => s.slot.slotStart).join(','));
  const rows = slots.flatMap((s) => s.stats.map((r) => statsRow(s.slot, s.fetchedTo, r)));
  for (let i = 0; i < rows.length; i += BATCH) {
    await queryRaw(db, `INSERT INTO users_calls (${COLUMNS}) VALUES ?`, rows.slice(i, i + BATCH).join(','));
  }
  return rows.length;
}

/** The agents half of replaceStats: each extension's stats name (their rows stay locked until the transaction ends). */
export async function upsertStatsNames(db: Db, slots: SlotStats[]): Promise<void> {
  // Agents known only from stats get a row too; the name is used when no event names them.
  // Per extension the last non-empty name, in slot order: what writing each slot in turn,
  // with COALESCE keeping a name an empty one would blank, leaves.
  const names = new Map<string, string | null>();
  for (const s of slots) {
    for (const r of s.stats) {
      const name = cleanName(r.name);
      if (name !== '') names.set(r.ext, name);
      else if (!names.has(r.ext)) names.set(r.ext, null);
    }
  }
  // in extension order: concurrent windows lock agents rows in the same order
  const named = [...names].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (let i = 0; i < named.length; i += BATCH) {
    const list = named.slice(i, i + BATCH).map(([ext, name]) => `(${lit(ext)},${lit(name)})`);
    await queryRaw(db, 'INSERT INTO agents (ext, stats_name) VALUES ? ON DUPLICATE KEY UPDATE stats_name = COALESCE(VALUES(stats_name), stats_name)', list.join(','));
  }
}

/** replaceStats for one slot. */
export function replaceSlotStats(db: Db, slot: StatsSlot, fetchedTo: number, stats: StatsRecord[]): Promise<number> {
  return replaceStats(db, [{ slot, fetchedTo, stats }]);
}
