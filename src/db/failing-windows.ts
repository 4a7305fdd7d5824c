// Windows the collector could not load while later ones could (rules §3: a failed window
// is a gap, not a wall). Each is kept in failing_windows with its last error, retried on
// every run and forgotten once it loads (or once loaded time covers it, a backfill's).
import type { Pool } from 'mysql2/promise';
import { select, type Db } from './query.ts';

export interface FailingWindow {
  fromTs: number;
  toTs: number;
  /** Epoch seconds of the first and the latest failure. */
  firstFailedAt: number;
  lastFailedAt: number;
  failures: number;
  lastError: string;
}

export async function recordFailing(pool: Pool, fromTs: number, toTs: number, error: string): Promise<void> {
  await pool.query(
    `INSERT INTO failing_windows (from_ts, to_ts, last_error) VALUES (?, ?, ?)
     ON DUPLICATE KEY UPDATE to_ts = GREATEST(to_ts, VALUES(to_ts)), failures = failures + 1,
       last_failed_at = CURRENT_TIMESTAMP(3), last_error = VALUES(last_error)`,
    [fromTs, toTs, error.slice(0, 1000)],
  );
}

export async function forgetFailing(pool: Pool, fromTs: number): Promise<void> {
  await pool.query('DELETE FROM failing_windows WHERE from_ts = ?', [fromTs]);
}

/** Forgets the failing windows that loaded time now covers (a backfill loaded them). */
export async function forgetCovered(pool: Pool): Promise<void> {
  await pool.query('DELETE FROM failing_windows WHERE EXISTS (SELECT 1 FROM vw_loaded_stretches s WHERE s.s_from <= failing_windows.from_ts AND s.s_to >= failing_windows.to_ts)');
}

/** Every failing window, oldest first. */
export async function listFailing(pool: Db): Promise<FailingWindow[]> {
  const rows = await select<{ from_ts: number; to_ts: number; first_s: number; last_s: number; failures: number; last_error: string }>(
    pool,
    'SELECT from_ts, to_ts, UNIX_TIMESTAMP(first_failed_at) AS first_s, UNIX_TIMESTAMP(last_failed_at) AS last_s, failures, last_error FROM failing_windows ORDER BY from_ts',
  );
  return rows.map((r) => ({
    fromTs: Number(r.from_ts),
    toTs: Number(r.to_ts),
    firstFailedAt: Math.floor(Number(r.first_s)),
    lastFailedAt: Math.floor(Number(r.last_s)),
    failures: Number(r.failures),
    lastError: r.last_error,
  }));
}
