// npm run migrate drops a view or routine whose file was deleted or renamed, but only
// what it created itself (listed in repeatable_scripts); objects made by hand stay.
import { describe, it, expect } from 'vitest';
import { useTestDatabase, rows, TEST_CALENDAR } from './helpers/database.ts';
import { migrate, readRoutines } from '../src/db/migrate.ts';

const db = useTestDatabase('migrate-removed-routines');

async function objects(): Promise<string[]> {
  const { pool, name } = db();
  const list = await rows<{ n: string }>(
    pool,
    `SELECT table_name AS n FROM information_schema.views WHERE table_schema = ?
     UNION ALL SELECT routine_name FROM information_schema.routines WHERE routine_schema = ?`,
    [name, name],
  );
  return list.map((r) => r.n);
}

describe('npm run migrate, after a view or routine file was deleted or renamed', () => {
  it('drops the objects it created from the missing files, and nothing else', async () => {
    const { pool, url, reportTz } = db();
    // what an earlier migrate left from files that are gone now (one per kind), and
    // objects an operator made by hand
    await pool.query('CREATE VIEW vw_gone AS SELECT 1 AS x');
    await pool.query('CREATE PROCEDURE sp_gone() BEGIN END');
    await pool.query('CREATE FUNCTION fn_gone() RETURNS INT DETERMINISTIC NO SQL RETURN 1');
    await pool.query(
      "INSERT INTO repeatable_scripts (name, kind, md5) VALUES ('vw_gone', 'view', REPEAT('0', 32)), ('sp_gone', 'procedure', REPEAT('0', 32)), ('fn_gone', 'function', REPEAT('0', 32)), ('vw_gone_already', 'view', REPEAT('0', 32))",
    );
    await pool.query('CREATE VIEW vw_mine AS SELECT 2 AS y');
    await pool.query('CREATE PROCEDURE sp_mine() BEGIN END');

    const lines: string[] = [];
    const r = await migrate({ databaseUrl: url, reportTz, calendar: TEST_CALENDAR, log: (l) => lines.push(l.trim()) });
    expect(r.dropped).toEqual(['fn_gone', 'sp_gone', 'vw_gone', 'vw_gone_already']);
    expect(r.routines).toEqual([]);
    expect(lines).toEqual(
      expect.arrayContaining(['dropped function fn_gone (its file is gone)', 'dropped procedure sp_gone (its file is gone)', 'dropped view vw_gone (its file is gone)']),
    );
    const left = await objects();
    for (const gone of ['vw_gone', 'sp_gone', 'fn_gone']) expect(left).not.toContain(gone);
    expect(left).toEqual(expect.arrayContaining(['vw_mine', 'sp_mine', ...(await readRoutines()).map((f) => f.name)]));
    expect(await rows(pool, "SELECT name FROM repeatable_scripts WHERE name LIKE '%gone%'")).toEqual([]);

    const again = await migrate({ databaseUrl: url, reportTz, calendar: TEST_CALENDAR });
    expect(again.dropped).toEqual([]);
    expect(await objects()).toEqual(left);
  });
});
