// collector_runs: one row per collector or backfill run, what it asked for and how it ended.
import type { Pool } from 'mysql2/promise';
import { DateTime } from 'luxon';
import { one } from '../db/query.ts';
import { isoUtc } from '../time.ts';

export type RunKind = 'collector' | 'backfill';

/**
 * Starts a run's row. Call it with the load lock held: then no run of another process is
 * going, so a row still 'running' was left by one that died (killed, crashed, power cut)
 * and is marked 'abandoned' first.
 */
export async function startRun(pool: Pool, kind: RunKind, fromTs: number | null, toTs: number | null): Promise<number> {
  await pool.query(
    "UPDATE collector_runs SET outcome = 'abandoned', ended_at = COALESCE(ended_at, CURRENT_TIMESTAMP(3)), " +
      "message = CONCAT_WS('; ', message, 'the process running it stopped before it ended; the next run marked it abandoned') WHERE outcome = 'running'",
  );
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

/**
 * A line about the gaps in loaded time (a backfill window that failed leaves one, and the
 * collector, which loads from the horizon on, never refills it), with the command that
 * fills the latest; null when there is none. `reportTz` gives the command's local times.
 */
export async function gapsNote(pool: Pool, reportTz: string): Promise<string | null> {
  const g = await one<{ gap_from: number; gap_to: number; n: number }>(
    pool,
    'SELECT gap_from, gap_to, COUNT(*) OVER () AS n FROM vw_status_gaps ORDER BY gap_from DESC LIMIT 1',
  );
  if (g === undefined) return null;
  const local = (ts: number) => DateTime.fromSeconds(Number(ts), { zone: reportTz }).toFormat('yyyy-MM-dd HH:mm');
  // a gap may start or end inside a minute: the command covers the whole minutes around it
  const end = Number(g.gap_to) % 60 === 0 ? Number(g.gap_to) : Number(g.gap_to) + 60;
  return (
    `${g.n} gap(s) in loaded time, the latest [${isoUtc(Number(g.gap_from))}, ${isoUtc(Number(g.gap_to))}): ` +
    `fill it with npm run backfill -- --from "${local(g.gap_from)}" --to "${local(end)}"`
  );
}
