// The data horizon (SPEC §3): the latest end of any successfully loaded window. It moves
// forward only, and only inside the transaction of a window that loaded completely.
import type { Db } from './db.ts';
import { select } from './db.ts';

export async function readHorizon(db: Db): Promise<number | null> {
  const [row] = await select<{ horizon: number | null }>(db, 'SELECT horizon FROM collector_state WHERE id = 1');
  return row?.horizon === null || row?.horizon === undefined ? null : Number(row.horizon);
}

/**
 * Moves the horizon to `toTs` if that is later; never back. Call it last in a window's
 * transaction (the row lock is held until commit). Returns the horizon before and after.
 */
export async function advanceHorizon(db: Db, toTs: number): Promise<{ previous: number | null; current: number }> {
  const [row] = await select<{ horizon: number | null }>(db, 'SELECT horizon FROM collector_state WHERE id = 1 FOR UPDATE');
  const previous = row?.horizon === null || row?.horizon === undefined ? null : Number(row.horizon);
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
