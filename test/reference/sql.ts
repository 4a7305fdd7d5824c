// Database helpers for the transform's tests: events straight into agent_events (the
// property tests need thousands of hand-made timelines), and agent_activity read back in
// the reference model's shape.
import type { Pool } from 'mysql2/promise';
import { SECONDS_COLUMNS, type RefEvent, type RefHour, type RefRow } from './model.ts';

/** Inserts events as the loader stores them (raw_timestamp = ts), in batches. */
export async function insertEvents(pool: Pool, events: readonly RefEvent[]): Promise<void> {
  for (let i = 0; i < events.length; i += 2000) {
    const rows = events.slice(i, i + 2000).map((e) => [e.ext, e.ts, e.seq, e.event, e.enabled ? 1 : 0, e.state, e.ts]);
    await pool.query('INSERT INTO agent_events (ext, ts, seq, event, enabled, state, raw_timestamp) VALUES ?', [rows]);
  }
}

/** Everything before `horizon` loaded, as one window from the epoch (null: nothing loaded). */
export async function setHorizon(pool: Pool, horizon: number | null): Promise<void> {
  await setLoaded(pool, horizon === null ? [] : [{ from: 0, to: horizon }]);
}

/** Loaded time as these windows (rules §3), and the horizon at the latest end. */
export async function setLoaded(pool: Pool, windows: readonly { from: number; to: number }[]): Promise<void> {
  await pool.query('DELETE FROM loaded_windows');
  if (windows.length > 0) {
    await pool.query('INSERT INTO loaded_windows (from_ts, to_ts, source) VALUES ?', [windows.map((w) => [w.from, w.to, 'backfill'])]);
  }
  const horizon = windows.length === 0 ? null : Math.max(...windows.map((w) => w.to));
  await pool.query('UPDATE collector_state SET horizon = ? WHERE id = 1', [horizon]);
}

/** Empties what the transform reads and writes, so one database serves many timelines. */
export async function clearData(pool: Pool): Promise<void> {
  for (const t of ['agent_events', 'users_calls', 'agent_activity', 'agent_slot_activity', 'agent_reason_activity', 'agent_state_checkpoints', 'agent_state_marks']) {
    await pool.query(`DELETE FROM ${t}`);
  }
  await setHorizon(pool, null);
}

/** Report hours whose UTC start lies in [from, to). */
export async function hoursBetween(pool: Pool, from: number, to: number): Promise<RefHour[]> {
  const [rows] = await pool.query('SELECT hour_start, hour_end FROM report_hours WHERE hour_start >= ? AND hour_start < ? ORDER BY hour_start', [from, to]);
  return (rows as { hour_start: number; hour_end: number }[]).map((r) => ({ hourStart: Number(r.hour_start), hourEnd: Number(r.hour_end) }));
}

export interface ActivityRow extends RefRow {
  total_calls: number;
  answered_calls: number;
}

/** agent_activity rows with hour_start in [from, to), by hour then ext. */
export function readActivity(pool: Pool, from = 0, to = Number.MAX_SAFE_INTEGER): Promise<ActivityRow[]> {
  return readRows(pool, 'agent_activity', 'hour_start', from, to);
}

/** agent_slot_activity rows with slot_start in [from, to), by slot then ext (hourStart = the slot's start). */
export function readSlotActivity(pool: Pool, from = 0, to = Number.MAX_SAFE_INTEGER): Promise<ActivityRow[]> {
  return readRows(pool, 'agent_slot_activity', 'slot_start', from, to);
}

async function readRows(pool: Pool, table: string, startColumn: string, from: number, to: number): Promise<ActivityRow[]> {
  const [rows] = await pool.query(
    `SELECT ${startColumn}, ext, counted_s, not_loaded_s, ${SECONDS_COLUMNS.join(', ')}, total_calls, answered_calls
     FROM ${table} WHERE ${startColumn} >= ? AND ${startColumn} < ? ORDER BY ${startColumn}, ext`,
    [from, to],
  );
  return asActivityRows(rows as Record<string, unknown>[], startColumn);
}

function asActivityRows(rows: Record<string, unknown>[], startColumn: string): ActivityRow[] {
  return rows.map((r) => {
    const out: Record<string, unknown> = { hourStart: Number(r[startColumn]), ext: String(r.ext) };
    for (const [k, v] of Object.entries(r)) if (k !== startColumn && k !== 'ext') out[k] = Number(v);
    return out as unknown as ActivityRow;
  });
}

/** The model's columns of a row (drops the call counts), for toEqual against RefRow. */
export function withoutCalls(r: ActivityRow): RefRow {
  const { total_calls: _t, answered_calls: _a, ...rest } = r;
  return rest;
}

/**
 * Rows of agent_activity or agent_slot_activity where the categories and Offline do not
 * add up to the loaded seconds, or loaded and Not Loaded to the unit (rules §3).
 */
export async function conservationViolations(pool: Pool): Promise<unknown[]> {
  const check = (table: string, start: string, end: string) =>
    `SELECT ${start} AS unit_start, ext, counted_s, ${SECONDS_COLUMNS.join(' + ')} AS total FROM ${table}
     WHERE ${SECONDS_COLUMNS.join(' + ')} <> counted_s OR counted_s + not_loaded_s <> ${end} - ${start}
       OR counted_s < 0 OR not_loaded_s < 0 OR LEAST(${SECONDS_COLUMNS.join(', ')}) < 0`;
  const [rows] = await pool.query(`${check('agent_activity', 'hour_start', 'hour_end')} UNION ALL ${check('agent_slot_activity', 'slot_start', 'slot_end')}`);
  return rows as unknown[];
}

/** Local DATETIME string of an epoch second in the report calendar (its hour's local start). */
export async function localStartOf(pool: Pool, hourStart: number): Promise<string> {
  const [rows] = await pool.query('SELECT local_start FROM report_hours WHERE hour_start = ?', [hourStart]);
  const v = (rows as { local_start: string }[])[0]?.local_start;
  if (v === undefined) throw new Error(`no report hour starts at ${hourStart}`);
  return v;
}

/** agent_events as the reference model takes them. */
export async function readEvents(pool: Pool): Promise<RefEvent[]> {
  const [rows] = await pool.query('SELECT ext, ts, seq, event, enabled, state FROM agent_events');
  return (rows as { ext: string; ts: number; seq: number; event: string; enabled: number; state: string | null }[]).map((e) => ({
    ext: e.ext,
    ts: Number(e.ts),
    seq: Number(e.seq),
    event: e.event,
    enabled: Number(e.enabled) === 1,
    state: e.state,
  }));
}
