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

export async function setHorizon(pool: Pool, horizon: number | null): Promise<void> {
  await pool.query('UPDATE collector_state SET horizon = ? WHERE id = 1', [horizon]);
}

/** Empties what the transform reads and writes, so one database serves many timelines. */
export async function clearData(pool: Pool): Promise<void> {
  for (const t of ['agent_events', 'users_calls', 'agent_activity', 'agent_reason_activity', 'agent_state_checkpoints', 'agent_state_marks']) {
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
export async function readActivity(pool: Pool, from = 0, to = Number.MAX_SAFE_INTEGER): Promise<ActivityRow[]> {
  const [rows] = await pool.query(
    `SELECT hour_start, ext, counted_s, ${SECONDS_COLUMNS.join(', ')}, total_calls, answered_calls
     FROM agent_activity WHERE hour_start >= ? AND hour_start < ? ORDER BY hour_start, ext`,
    [from, to],
  );
  return (rows as Record<string, unknown>[]).map((r) => {
    const out: Record<string, unknown> = { hourStart: Number(r.hour_start), ext: String(r.ext) };
    for (const [k, v] of Object.entries(r)) if (k !== 'hour_start' && k !== 'ext') out[k] = Number(v);
    return out as unknown as ActivityRow;
  });
}

/** The model's columns of a row (drops the call counts), for toEqual against RefRow. */
export function withoutCalls(r: ActivityRow): RefRow {
  const { total_calls: _t, answered_calls: _a, ...rest } = r;
  return rest;
}

/** Rows of agent_activity where the categories and Offline do not add up to counted_s. */
export async function conservationViolations(pool: Pool): Promise<unknown[]> {
  const [rows] = await pool.query(
    `SELECT hour_start, ext, counted_s, ${SECONDS_COLUMNS.join(' + ')} AS total FROM agent_activity
     WHERE ${SECONDS_COLUMNS.join(' + ')} <> counted_s OR counted_s < 0 OR LEAST(${SECONDS_COLUMNS.join(', ')}) < 0`,
  );
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
