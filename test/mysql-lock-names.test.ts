// Lock names fit MySQL's 64 characters (error 3057 beyond; MariaDB accepts longer) for a
// database name of 64 characters, and every lock is taken under the derived name: the
// load lock, the aggregation lock, the migrate lock.
import { describe, it, expect } from 'vitest';
import type { Pool } from 'mysql2/promise';
import { useTestDatabase, rows, serverUrl, TEST_CALENDAR } from './helpers/database.ts';
import { connect } from '../src/db/pool.ts';
import { lockName } from '../src/db/lock-name.ts';
import { migrate } from '../src/db/migrate.ts';
import { acquireLoadLock } from '../src/ingest/lock.ts';

const db = useTestDatabase('mysql-lock-names', 'Asia/Dubai', 64);

/** Waits until a session of this database other than `except` waits on a user lock. */
async function waitForLockWaiter(pool: Pool, database: string, except: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const waiting = await rows(pool, "SELECT id FROM information_schema.processlist WHERE db = ? AND id <> ? AND state LIKE '%lock%'", [database, except]);
    if (waiting.length > 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('nobody waited for the lock');
}

describe('lock names', () => {
  it('fit 64 characters for a 64-character database name, the same in SQL and TypeScript', async () => {
    const { pool, name } = db();
    expect(name).toHaveLength(64);
    const [r] = await rows<{ a: string; l: string; long: string }>(pool, "SELECT fn_lock_name('aggregate') AS a, fn_lock_name('load') AS l, fn_lock_name(REPEAT('x', 43)) AS `long`");
    expect(r!.a).toBe(lockName(name, 'aggregate'));
    expect(r!.l).toBe(lockName(name, 'load'));
    expect(r!.a).toMatch(/^apr:[0-9a-f]{16}:aggregate$/);
    expect(r!.long.length).toBeLessThanOrEqual(64);
    // the old form, database name and purpose, would not fit
    expect(`${name}:aggregate`.length).toBeGreaterThan(64);
  });

  it('name the locks of the database the function lives in, from whichever database it is called', async () => {
    const { name } = db();
    const server = await connect(serverUrl());
    try {
      const [r] = (await server.query(`SELECT \`${name}\`.fn_lock_name('load') AS l`))[0] as { l: string }[];
      expect(r!.l).toBe(lockName(name, 'load'));
    } finally {
      await server.end();
    }
  });

  it('the load lock is held under fn_lock_name(\'load\')', async () => {
    const { pool } = db();
    const held = await acquireLoadLock(pool, 0);
    expect(held).not.toBeNull();
    try {
      const [r] = await rows<{ holder: number | null }>(pool, "SELECT IS_USED_LOCK(fn_lock_name('load')) AS holder");
      expect(r!.holder).not.toBeNull();
      expect(await acquireLoadLock(pool, 0)).toBeNull();
    } finally {
      await held!.release();
    }
    const [after] = await rows<{ holder: number | null }>(pool, "SELECT IS_USED_LOCK(fn_lock_name('load')) AS holder");
    expect(after!.holder).toBeNull();
  });

  it('a multi-day aggregation waits for fn_lock_name(\'aggregate\')', async () => {
    const { pool, name } = db();
    const holder = await connect(db().url);
    try {
      const [[{ id }]] = (await holder.query('SELECT CONNECTION_ID() AS id')) as unknown as [[{ id: number }]];
      expect((await holder.query('SELECT GET_LOCK(?, 0) AS ok', [lockName(name, 'aggregate')]))[0]).toEqual([{ ok: 1 }]);
      let done = false;
      const run = pool.query('CALL sp_aggregate_epoch_range(?, ?)', [1757203200, 1757203200 + 2 * 86400]).then(() => (done = true));
      await waitForLockWaiter(pool, name, id);
      expect(done).toBe(false);
      await holder.query('SELECT RELEASE_LOCK(?)', [lockName(name, 'aggregate')]);
      await run;
      expect(done).toBe(true);
    } finally {
      await holder.end();
    }
  });

  it('migrate waits for the migrate lock of the derived name', async () => {
    const { pool, name, url, reportTz } = db();
    const holder = await connect(serverUrl());
    try {
      const [[{ id }]] = (await holder.query('SELECT CONNECTION_ID() AS id')) as unknown as [[{ id: number }]];
      expect((await holder.query('SELECT GET_LOCK(?, 0) AS ok', [lockName(name, 'migrate')]))[0]).toEqual([{ ok: 1 }]);
      let done = false;
      const run = migrate({ databaseUrl: url, reportTz, calendar: TEST_CALENDAR }).then((r) => ((done = true), r));
      await waitForLockWaiter(pool, name, id);
      expect(done).toBe(false);
      await holder.query('SELECT RELEASE_LOCK(?)', [lockName(name, 'migrate')]);
      expect((await run).migrations).toEqual([]);
    } finally {
      await holder.end();
    }
  });
});
