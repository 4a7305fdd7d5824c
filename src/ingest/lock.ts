// One collector (or backfill) at a time: the 'load' named lock (src/db/named-lock.ts),
// held for the whole run. The name carries the database (fn_lock_name), so test
// databases on one server do not block each other.
import type { Pool } from 'mysql2/promise';
import { acquireNamedLock, type HeldLock } from '../db/named-lock.ts';

export type { HeldLock };

/** Takes the load lock, waiting up to `waitSeconds` (0: try once). Null when another holds it. */
export function acquireLoadLock(pool: Pool, waitSeconds: number): Promise<HeldLock | null> {
  return acquireNamedLock(pool, 'load', waitSeconds);
}
