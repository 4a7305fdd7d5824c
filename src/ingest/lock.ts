// One collector (or backfill) at a time: a MySQL named lock, held by a dedicated
// connection for the whole run. The server drops it when the connection dies, so a killed
// process never leaves it behind. The name carries the database (fn_lock_name), so test
// databases on one server do not block each other.
import type { Pool, PoolConnection } from 'mysql2/promise';
import { one } from '../db/query.ts';

export interface HeldLock {
  release(): Promise<void>;
}

/** Takes the load lock, waiting up to `waitSeconds` (0: try once). Null when another holds it. */
export async function acquireLoadLock(pool: Pool, waitSeconds: number): Promise<HeldLock | null> {
  const conn: PoolConnection = await pool.getConnection();
  try {
    const row = await one<{ ok: number | null }>(conn, "SELECT GET_LOCK(fn_lock_name('load'), ?) AS ok", [waitSeconds]);
    if (row?.ok !== 1) {
      conn.release();
      return null;
    }
  } catch (err) {
    conn.release();
    throw err;
  }
  return {
    async release() {
      try {
        await conn.query("SELECT RELEASE_LOCK(fn_lock_name('load'))");
        conn.release();
      } catch {
        conn.destroy(); // the server frees the lock with the connection
      }
    },
  };
}
