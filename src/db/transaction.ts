// One piece of work = one transaction (a loaded window, a teams import, a new token).
// READ COMMITTED keeps InnoDB from taking gap locks on the duplicate checks of an upsert,
// so windows loaded side by side rarely collide; when they do (a deadlock), the whole
// transaction is rolled back and run again (src/db/retry.ts), so `work` must be safe to
// run twice.
import type { Pool, PoolConnection } from 'mysql2/promise';
import { retryLockConflicts } from '../db/retry.ts';

export async function withTransaction<T>(pool: Pool, work: (conn: PoolConnection) => Promise<T>): Promise<T> {
  return retryLockConflicts(async () => {
    const conn = await pool.getConnection();
    try {
      await conn.query('SET TRANSACTION ISOLATION LEVEL READ COMMITTED');
      await conn.beginTransaction();
      const result = await work(conn);
      await conn.commit();
      return result;
    } catch (err) {
      await conn.rollback().catch(() => {});
      throw err;
    } finally {
      conn.release();
    }
  });
}
