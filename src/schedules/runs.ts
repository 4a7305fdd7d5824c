// The record of scheduled runs (schedule_runs) and of each destination's delivery
// (schedule_deliveries): what a restart resumes, what `schedules -- history`, /api/status
// and /metrics show. A run's identity is (schedule, run_key): claiming one that exists
// fails, so a scheduled time is run once whatever restarts or second collectors do.
import { createHash } from 'node:crypto';
import type { Pool } from 'mysql2/promise';
import { acquireNamedLock, type HeldLock } from '../db/named-lock.ts';
import { one, select, type Db } from '../db/query.ts';
import type { Destination } from './file.ts';

const ER_DUP_ENTRY = 'ER_DUP_ENTRY';

export type Trigger = 'schedule' | 'catch-up' | 'manual';
export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'failed';

export interface RunClaim {
  schedule: string;
  runKey: string;
  trigger: Trigger;
  /** Epoch seconds the range is computed from. */
  scheduledAt: number;
  rangeName: string;
  rangeLabel: string;
  destinations: Destination[];
}

/** The key every attempt of one delivery carries (Message-ID, Idempotency-Key). */
export function idempotencyKey(schedule: string, runKey: string, destination: Destination): string {
  return createHash('sha1').update(`${schedule}\n${runKey}\n${destination}`).digest('hex');
}

/** Inserts the run and its pending deliveries; null when (schedule, run_key) was claimed before. */
export async function claimRun(pool: Pool, c: RunClaim): Promise<number | null> {
  const conn = await pool.getConnection();
  try {
    await conn.beginTransaction();
    const [res] = await conn.query(
      'INSERT INTO schedule_runs (schedule, run_key, trigger_kind, scheduled_at, range_name, range_label) VALUES (?, ?, ?, ?, ?, ?)',
      [c.schedule, c.runKey, c.trigger, c.scheduledAt, c.rangeName, c.rangeLabel],
    );
    const id = (res as { insertId: number }).insertId;
    await conn.query('INSERT INTO schedule_deliveries (run_id, destination, idempotency_key) VALUES ?', [
      c.destinations.map((d) => [id, d, idempotencyKey(c.schedule, c.runKey, d)]),
    ]);
    await conn.commit();
    return id;
  } catch (err) {
    await conn.rollback().catch(() => {});
    if ((err as { code?: string }).code === ER_DUP_ENTRY) return null;
    throw err;
  } finally {
    conn.release();
  }
}

export async function recordProduced(pool: Pool, runId: number, p: { filename: string; bytes: number; rows: number; sha256: string }, note: string | null): Promise<void> {
  await pool.query('UPDATE schedule_runs SET filename = ?, bytes = ?, row_count = ?, sha256 = ?, note = ? WHERE id = ?', [p.filename, p.bytes, p.rows, p.sha256, note, runId]);
}

export async function finishRun(pool: Pool, runId: number, outcome: 'ok' | 'failed', error: string | null): Promise<void> {
  await pool.query('UPDATE schedule_runs SET outcome = ?, error = ?, finished_at = CURRENT_TIMESTAMP(3) WHERE id = ?', [outcome, error, runId]);
}

export async function setDelivery(pool: Pool, runId: number, destination: Destination, status: DeliveryStatus, detail: { receipt?: string; error?: string; attempt?: boolean } = {}): Promise<void> {
  await pool.query(
    `UPDATE schedule_deliveries SET status = ?, attempts = attempts + ?, receipt = COALESCE(?, receipt), last_error = ?
     WHERE run_id = ? AND destination = ?`,
    [status, detail.attempt ? 1 : 0, detail.receipt?.slice(0, 255) ?? null, detail.error ?? null, runId, destination],
  );
}

export interface DeliveryRow {
  destination: Destination;
  idempotency_key: string;
  status: DeliveryStatus;
  attempts: number;
  last_error: string | null;
}

export async function deliveries(pool: Pool, runId: number): Promise<DeliveryRow[]> {
  return select<DeliveryRow>(pool, 'SELECT destination, idempotency_key, status, attempts, last_error FROM schedule_deliveries WHERE run_id = ? ORDER BY destination', [runId]);
}

export interface RunRow {
  id: number;
  schedule: string;
  run_key: string;
  trigger_kind: Trigger;
  scheduled_at: number;
  range_name: string;
  range_label: string;
  started_at: string;
  finished_at: string | null;
  outcome: 'running' | 'ok' | 'failed';
  filename: string | null;
  bytes: number | null;
  row_count: number | null;
  note: string | null;
  error: string | null;
}

const RUN_COLUMNS = 'id, schedule, run_key, trigger_kind, scheduled_at, range_name, range_label, started_at, finished_at, outcome, filename, bytes, row_count, note, error';

/** Runs a crash or a stop left 'running', started after `sinceTs`, oldest first. */
export async function unfinishedRuns(pool: Pool, sinceTs: number): Promise<RunRow[]> {
  return select<RunRow>(pool, `SELECT ${RUN_COLUMNS} FROM schedule_runs WHERE outcome = 'running' AND started_at >= FROM_UNIXTIME(?) ORDER BY id`, [sinceTs]);
}

export async function runExists(pool: Pool, schedule: string, runKey: string): Promise<boolean> {
  return (await one(pool, 'SELECT 1 AS x FROM schedule_runs WHERE schedule = ? AND run_key = ?', [schedule, runKey])) !== undefined;
}

/** Whether the schedule ran before (a new schedule does not catch up a time before it existed). */
export async function hasScheduledRun(pool: Pool, schedule: string): Promise<boolean> {
  return (await one(pool, "SELECT 1 AS x FROM schedule_runs WHERE schedule = ? AND trigger_kind <> 'manual' LIMIT 1", [schedule])) !== undefined;
}

/** The latest runs, newest first (all schedules, or one). */
export async function recentRuns(pool: Pool, limit: number, schedule?: string): Promise<RunRow[]> {
  return schedule === undefined
    ? select<RunRow>(pool, `SELECT ${RUN_COLUMNS} FROM schedule_runs ORDER BY id DESC LIMIT ?`, [limit])
    : select<RunRow>(pool, `SELECT ${RUN_COLUMNS} FROM schedule_runs WHERE schedule = ? ORDER BY id DESC LIMIT ?`, [schedule, limit]);
}

/** The latest run of every schedule that has run (for /api/status and /metrics). */
export async function lastRunPerSchedule(pool: Db): Promise<RunRow[]> {
  return select<RunRow>(
    pool,
    `SELECT ${RUN_COLUMNS} FROM schedule_runs WHERE id IN (SELECT MAX(id) FROM schedule_runs GROUP BY schedule) ORDER BY schedule`,
  );
}

/**
 * Holds the run's named lock on a connection of its own while the run goes on: a run
 * found 'running' whose lock is free belongs to a process that died, and may be resumed.
 * Null when another process holds it.
 */
export function lockRun(pool: Pool, runId: number): Promise<HeldLock | null> {
  return acquireNamedLock(pool, `schedule-run:${runId}`, 0);
}
