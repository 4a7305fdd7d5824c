// One window = one transaction. READ COMMITTED keeps InnoDB from taking gap
// locks on the duplicate checks of an upsert, so windows loaded side by side rarely
// collide; when they do (a deadlock), the whole transaction is simply run again.
import type { Pool, PoolConnection } from 'mysql2/promise';
import { ER_LOCK_DEADLOCK, ER_LOCK_WAIT_TIMEOUT } from '../db/pool.ts';

const RETRIES = 5;

function retryable(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === ER_LOCK_DEADLOCK || code === ER_LOCK_WAIT_TIMEOUT;
}

export async function withTransaction<T>(pool: Pool, work: (conn: PoolConnection) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const conn = await pool.getConnection();
    try {
      await conn.query('SET TRANSACTION ISOLATION LEVEL READ COMMITTED');
      await conn.beginTransaction();
      const result = await work(conn);
      await conn.commit();
      return result;
    } catch (err) {
      await conn.rollback().catch(() => {});
      if (attempt < RETRIES && retryable(err)) {
        await new Promise((r) => setTimeout(r, 20 * attempt + Math.random() * 50));
        continue;
      }
      throw err;
    } finally {
      conn.release();
    }
  }
}
