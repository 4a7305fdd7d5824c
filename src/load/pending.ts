// Ranges waiting for aggregation (migration 040): written in a window's transaction,
// cleared after the aggregation ran, so a crash in between is made good by the next run.
import { one, type Db } from '../db/query.ts';

export async function markPending(db: Db, fromTs: number, toTs: number): Promise<void> {
  await db.query('INSERT INTO pending_aggregation (from_ts, to_ts) VALUES (?, ?)', [fromTs, toTs]);
}

export interface PendingRange {
  fromTs: number;
  toTs: number;
  /** Rows up to this id are covered by the range. */
  lastId: number;
}

/** The union of all pending ranges as one range, or null when nothing waits. */
export async function pendingRange(db: Db): Promise<PendingRange | null> {
  const r = await one<{ lo: number | null; hi: number | null; last: number | null }>(
    db,
    'SELECT MIN(from_ts) AS lo, MAX(to_ts) AS hi, MAX(id) AS last FROM pending_aggregation',
  );
  if (!r || r.lo === null || r.hi === null || r.last === null) return null;
  return { fromTs: Number(r.lo), toTs: Number(r.hi), lastId: Number(r.last) };
}

export async function clearPending(db: Db, lastId: number): Promise<void> {
  await db.query('DELETE FROM pending_aggregation WHERE id <= ?', [lastId]);
}
