// The data horizon (rules §3): the latest end of any successfully loaded window, kept in
// collector_state. Read here by every stage (the loader, the transform's callers, the
// report, the API); only the loader moves it (src/load/horizon.ts).
import { one, type Db } from './query.ts';

/** The horizon (epoch seconds), or null before anything was loaded. `lock`: FOR UPDATE. */
export async function readHorizon(db: Db, lock = false): Promise<number | null> {
  const row = await one<{ horizon: number | null }>(db, `SELECT horizon FROM collector_state WHERE id = 1${lock ? ' FOR UPDATE' : ''}`);
  return row?.horizon === null || row?.horizon === undefined ? null : Number(row.horizon);
}
