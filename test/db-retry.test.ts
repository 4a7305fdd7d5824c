// The one retry policy for lock conflicts (src/db/retry.ts), with real conflicts: another
// session holds a row lock and the work's lock wait runs out (innodb_lock_wait_timeout,
// set to 1 s for the work's session only). A window's transaction and a call of the
// transform (one statement on a kept connection) both retry; other errors never do.
import { describe, it, expect, beforeAll } from 'vitest';
import type { Connection, PoolConnection } from 'mysql2/promise';
import { useTestDatabase, rows } from './helpers/database.ts';
import { connect } from '../src/db/pool.ts';
import { LOCK_CONFLICT_ATTEMPTS, retryLockConflicts } from '../src/db/retry.ts';
import { withTransaction } from '../src/load/transaction.ts';

const db = useTestDatabase('db-retry');

beforeAll(async () => {
  await db().pool.query('CREATE TABLE retry_probe (id INT PRIMARY KEY, n INT NOT NULL)');
  await db().pool.query('INSERT INTO retry_probe VALUES (1, 0)');
});

/** Another session that holds the lock of row 1 until it commits. */
async function holdRow(): Promise<Connection> {
  const other = await connect(db().url);
  await other.query('START TRANSACTION');
  await other.query('SELECT n FROM retry_probe WHERE id = 1 FOR UPDATE');
  return other;
}

async function bump(conn: PoolConnection | Connection): Promise<void> {
  await conn.query('SET SESSION innodb_lock_wait_timeout = 1');
  await conn.query('UPDATE retry_probe SET n = n + 1 WHERE id = 1');
}

const probe = async () => (await rows<{ n: number }>(db().pool, 'SELECT n FROM retry_probe WHERE id = 1'))[0]!.n;

describe('lock conflicts', () => {
  it('a transaction whose lock wait ran out is rolled back and run again, and then commits once', async () => {
    const before = await probe();
    const other = await holdRow();
    let tries = 0;
    try {
      await withTransaction(db().pool, async (conn) => {
        tries++;
        // the first try waits for the other session and gives up; the second lets it go first
        if (tries === 2) await other.commit();
        await bump(conn);
      });
    } finally {
      await other.end();
    }
    expect(tries).toBe(2);
    expect(await probe()).toBe(before + 1);
  });

  it(`gives up after ${LOCK_CONFLICT_ATTEMPTS} tries with the database's error`, async () => {
    const before = await probe();
    const other = await holdRow();
    let tries = 0;
    try {
      await expect(
        withTransaction(db().pool, async (conn) => {
          tries++;
          await bump(conn);
        }),
      ).rejects.toMatchObject({ code: 'ER_LOCK_WAIT_TIMEOUT' });
    } finally {
      await other.end();
    }
    expect(tries).toBe(LOCK_CONFLICT_ATTEMPTS);
    expect(await probe()).toBe(before);
  });

  it('a statement on a kept connection (as the transform is called) is retried by the same policy', async () => {
    const before = await probe();
    const other = await holdRow();
    const conn = await connect(db().url);
    let tries = 0;
    try {
      await retryLockConflicts(async (attempt) => {
        tries++;
        expect(attempt).toBe(tries);
        if (attempt === 3) await other.commit();
        await bump(conn);
      });
    } finally {
      await other.end();
      await conn.end();
    }
    expect(tries).toBe(3);
    expect(await probe()).toBe(before + 1);
  });

  it('any other error is thrown at once, without a second try', async () => {
    let tries = 0;
    await expect(
      withTransaction(db().pool, async (conn) => {
        tries++;
        await conn.query('INSERT INTO retry_probe VALUES (1, 0)');
      }),
    ).rejects.toMatchObject({ code: 'ER_DUP_ENTRY' });
    expect(tries).toBe(1);
  });
});
