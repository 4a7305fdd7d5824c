// src/db/readers.ts: which pool answers a user's read, and the snapshot an answer reads in.
import { describe, it, expect } from 'vitest';
import { useTestDatabase } from './helpers/database.ts';
import { inSnapshot, openReaders } from '../src/db/readers.ts';
import { readHorizon } from '../src/db/horizon.ts';
import { loadConfig, redacted } from '../src/config.ts';

const db = useTestDatabase('readers');

describe('REPORT_DATABASE_URL', () => {
  it('unset: reads use the write pool itself; set: a pool of their own on that URL', async () => {
    const { pool, url } = db();
    const same = openReaders({ databaseUrl: url, reportDatabaseUrl: undefined }, pool);
    expect([same.variable, same.replica]).toEqual(['DATABASE_URL', false]);
    // the owner's connections (a query on it takes one of them)
    await same.pool.query('SELECT 1');
    expect((pool.pool as unknown as { _allConnections: { length: number } })._allConnections.length).toBeGreaterThan(0);
    await same.close(); // closes nothing of the owner's
    expect(await readHorizon(same.pool)).toBeNull();
    expect(await readHorizon(pool)).toBeNull();

    const own = openReaders({ databaseUrl: 'mysql://root@127.0.0.1:1/nowhere', reportDatabaseUrl: url }, pool, { connectionLimit: 1 });
    try {
      expect([own.pool === pool, own.variable, own.replica]).toEqual([false, 'REPORT_DATABASE_URL', true]);
      const [[row]] = (await own.pool.query('SELECT DATABASE() AS d')) as unknown as [[{ d: string }]];
      expect(row.d).toBe(db().name);
    } finally {
      await own.close();
    }
  });

  it('is checked like DATABASE_URL and its password is never shown', () => {
    expect(() => loadConfig({ REPORT_DATABASE_URL: 'mysql://reader@replica:3306/' })).toThrow(/REPORT_DATABASE_URL names no database/);
    expect(() => loadConfig({ REPORT_DATABASE_URL: 'postgres://reader@replica/apr' })).toThrow(/REPORT_DATABASE_URL must start with mysql:\/\/ or mariadb:\/\//);
    const cfg = loadConfig({ REPORT_DATABASE_URL: 'mysql://reader:s3cret-pw@replica:3306/apr' });
    expect(JSON.stringify(redacted(cfg))).not.toContain('s3cret-pw');
    expect(redacted(cfg).reportDatabaseUrl).toBe('mysql://reader:***@replica:3306/apr');
  });
});

describe('inSnapshot', () => {
  it('every read of one answer sees the same moment, whatever commits meanwhile', async () => {
    const { pool } = db();
    await pool.query('UPDATE collector_state SET horizon = 1000 WHERE id = 1');
    const seen = await inSnapshot(pool, async (conn) => {
      const first = await readHorizon(conn);
      await pool.query('UPDATE collector_state SET horizon = 2000 WHERE id = 1'); // another session commits
      return [first, await readHorizon(conn)];
    });
    expect(seen).toEqual([1000, 1000]);
    expect(await readHorizon(pool)).toBe(2000);
  });

  it('is read-only: a write inside fails and the connection is not handed out again', async () => {
    const { pool } = db();
    await expect(inSnapshot(pool, (conn) => conn.query('UPDATE collector_state SET horizon = 3000 WHERE id = 1'))).rejects.toThrow(/READ ONLY/i);
    expect(await readHorizon(pool)).toBe(2000);
  });
});
