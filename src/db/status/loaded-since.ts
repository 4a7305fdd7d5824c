// /api/status: what was loaded since a moment (loaded_windows) and what was rejected (rejected_records).
import { one, type Db } from '../query.ts';

/** Windows, events and stats rows loaded since `since` (epoch seconds). */
export async function readLoadedSince(db: Db, since: number): Promise<{ windows: number; events: number; statsRows: number }> {
  const r = await one<{ windows: number; events: number | null; stats_rows: number | null }>(
    db,
    'SELECT COUNT(*) AS windows, SUM(events) AS events, SUM(stats_rows) AS stats_rows FROM loaded_windows WHERE loaded_at >= FROM_UNIXTIME(?)',
    [since],
  );
  return { windows: Number(r?.windows ?? 0), events: Number(r?.events ?? 0), statsRows: Number(r?.stats_rows ?? 0) };
}

/** Records rejected in all, and since `since` (epoch seconds). */
export async function readRejected(db: Db, since: number): Promise<{ total: number; since: number }> {
  const r = await one<{ total: number; day: number | null }>(db, 'SELECT COUNT(*) AS total, SUM(created_at >= FROM_UNIXTIME(?)) AS day FROM rejected_records', [since]);
  return { total: Number(r?.total ?? 0), since: Number(r?.day ?? 0) };
}
