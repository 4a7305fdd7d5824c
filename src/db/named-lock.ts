// A MySQL named lock of this database (fn_lock_name), held by a dedicated connection
// while the work goes on. The server drops it when the connection dies, so a killed
// process never leaves it behind, and a lock found free means its last holder is gone.
import type { Pool, PoolConnection } from 'mysql2/promise';
import { one } from './query.ts';

export interface HeldLock {
  release(): Promise<void>;
}

/** Takes the lock for `purpose`, waiting up to `waitSeconds` (0: try once). Null when another holds it. */
export async function acquireNamedLock(pool: Pool, purpose: string, waitSeconds: number): Promise<HeldLock | null> {
  const conn: PoolConnection = await pool.getConnection();
  try {
    const row = await one<{ ok: number | null }>(conn, 'SELECT GET_LOCK(fn_lock_name(?), ?) AS ok', [purpose, waitSeconds]);
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
        await conn.query('SELECT RELEASE_LOCK(fn_lock_name(?))', [purpose]);
        conn.release();
      } catch {
        conn.destroy(); // the server frees the lock with the connection
      }
    },
  };
}
