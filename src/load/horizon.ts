// Moving the data horizon (rules §3; read by every stage through src/db/horizon.ts): it
// moves forward only, and only inside the transaction of a window that loaded completely.
import type { Db } from '../db/query.ts';
import { select } from '../db/query.ts';
import { readHorizon } from '../db/horizon.ts';

/**
 * Moves the horizon to `toTs` if that is later; never back. Call it last in a window's
 * transaction (the row lock is held until commit). Returns the horizon before and after.
 */
export async function advanceHorizon(db: Db, toTs: number): Promise<{ previous: number | null; current: number }> {
  const previous = await readHorizon(db, true);
  if (previous !== null && previous >= toTs) return { previous, current: previous };
  await db.query('UPDATE collector_state SET horizon = ? WHERE id = 1', [toTs]);
  return { previous, current: toTs };
}

export interface LoadedWindow {
  fromTs: number;
  toTs: number;
  source: 'collector' | 'backfill';
  events: number;
  statsRows: number;
  rejected: number;
  splits: number;
}

/** Records a successfully loaded window, so gaps between windows can be shown and filled. */
export async function recordWindow(db: Db, w: LoadedWindow): Promise<void> {
  await db.query(
    'INSERT INTO loaded_windows (from_ts, to_ts, source, events, stats_rows, rejected, splits) VALUES (?, ?, ?, ?, ?, ?, ?)',
    [w.fromTs, w.toTs, w.source, w.events, w.statsRows, w.rejected, w.splits],
  );
}

/**
 * rules §3: a stretch of loaded time is computed on its own, so the state checkpoints
 * (agent_state_marks) rest on the stretches they were computed in. A window that loads
 * time before the horizon that was not loaded yet (a filled gap, an older range) may join
 * stretches: the marks from its start on are dropped, and the aggregation reads the
 * events again. A window inside loaded time, or past the horizon, changes no stretch
 * before it. Call it in the window's transaction, before recordWindow.
 */
export async function forgetMarksIfLoadedTimeChanges(db: Db, fromTs: number, toTs: number, horizonBefore: number | null): Promise<void> {
  if (horizonBefore === null || fromTs >= horizonBefore) return;
  const [covered] = await select<{ n: number }>(
    db,
    'SELECT COUNT(*) AS n FROM vw_loaded_stretches WHERE s_from <= ? AND s_to >= ?',
    [fromTs, Math.min(toTs, horizonBefore)],
  );
  if (Number(covered?.n ?? 0) > 0) return;
  await db.query('DELETE FROM agent_state_marks WHERE at_ts >= ?', [fromTs]);
}
