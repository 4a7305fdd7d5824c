// collector_runs: one row per collector or backfill run, what it asked for and how it ended.
import type { Pool } from 'mysql2/promise';

export type RunKind = 'collector' | 'backfill';

export async function startRun(pool: Pool, kind: RunKind, fromTs: number | null, toTs: number | null): Promise<number> {
  const [res] = await pool.query('INSERT INTO collector_runs (kind, from_ts, to_ts) VALUES (?, ?, ?)', [kind, fromTs, toTs]);
  return (res as { insertId: number }).insertId;
}

export async function finishRun(
  pool: Pool,
  id: number,
  r: { outcome: 'ok' | 'failed'; events: number; rejected: number; message: string | null },
): Promise<void> {
  await pool.query('UPDATE collector_runs SET ended_at = CURRENT_TIMESTAMP(3), outcome = ?, events = ?, rejected = ?, message = ? WHERE id = ?', [
    r.outcome,
    r.events,
    r.rejected,
    r.message === null ? null : r.message.slice(0, 4000),
    id,
  ]);
}

export async function recordSkipped(pool: Pool, kind: RunKind, message: string): Promise<number> {
  const [res] = await pool.query(
    "INSERT INTO collector_runs (kind, ended_at, outcome, message) VALUES (?, CURRENT_TIMESTAMP(3), 'skipped', ?)",
    [kind, message],
  );
  return (res as { insertId: number }).insertId;
}
