// What MySQL 8's defaults ask of the schema, checked on MariaDB: every connection runs
// under MySQL 8's default sql_mode, whatever the server's own, so MariaDB refuses what
// MySQL would, and the routines migrate creates keep that mode; every function declares
// what binary logging (on by default in MySQL 8) requires to create it.
import { describe, it, expect } from 'vitest';
import { useTestDatabase, rows } from './helpers/database.ts';
import { connect, SQL_MODE } from '../src/db/pool.ts';

const db = useTestDatabase('mysql-sql-mode');
const modes = (m: string) => m.split(',').sort();

describe("MySQL 8's default sql_mode", () => {
  it('is the mode of every pool connection and of connect()', async () => {
    const { pool, url } = db();
    const conns = await Promise.all([pool.getConnection(), pool.getConnection()]);
    try {
      for (const c of conns) {
        const [[r]] = (await c.query('SELECT @@SESSION.sql_mode AS m, @@SESSION.time_zone AS tz')) as unknown as [[{ m: string; tz: string }]];
        expect(modes(r.m)).toEqual(modes(SQL_MODE));
        expect(r.tz).toBe('+00:00');
      }
    } finally {
      for (const c of conns) c.release();
    }
    const one = await connect(url);
    try {
      const [[r]] = (await one.query('SELECT @@SESSION.sql_mode AS m')) as unknown as [[{ m: string }]];
      expect(modes(r.m)).toEqual(modes(SQL_MODE));
    } finally {
      await one.end();
    }
  });

  it('refuses a selected column that is neither grouped nor aggregated', async () => {
    const { pool } = db();
    await expect(pool.query('SELECT ext, user_id, COUNT(*) FROM agent_events GROUP BY ext')).rejects.toThrow(/GROUP BY|only_full_group_by/i);
  });

  it('is kept by every function and procedure migrate created', async () => {
    const { pool, name } = db();
    const routines = await rows<{ n: string; m: string }>(pool, 'SELECT routine_name AS n, sql_mode AS m FROM information_schema.routines WHERE routine_schema = ?', [name]);
    expect(routines.length).toBeGreaterThan(5);
    for (const r of routines) expect(modes(r.m), r.n).toEqual(modes(SQL_MODE));
  });

  it('every function is DETERMINISTIC, NO SQL or READS SQL DATA, as binary logging requires (MySQL error 1418)', async () => {
    const { pool, name } = db();
    const fns = await rows<{ n: string; d: string; a: string }>(
      pool,
      "SELECT routine_name AS n, is_deterministic AS d, sql_data_access AS a FROM information_schema.routines WHERE routine_schema = ? AND routine_type = 'FUNCTION'",
      [name],
    );
    expect(fns.map((f) => f.n)).toContain('fn_lock_name');
    for (const f of fns) expect(f.d === 'YES' || f.a === 'NO SQL' || f.a === 'READS SQL DATA', `${f.n}: ${f.d} ${f.a}`).toBe(true);
  });
});
