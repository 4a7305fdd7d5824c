import { describe, it, expect } from 'vitest';
import { useTestDatabase, rows } from './helpers/database.ts';
import { migrate, readRoutines } from '../src/db/migrate.ts';
import { TEST_CALENDAR } from './helpers/database.ts';

const db = useTestDatabase('migrate');

async function snapshot(): Promise<unknown> {
  const { pool, name } = db();
  return {
    tables: await rows(pool, 'SELECT table_name, table_type, create_time FROM information_schema.tables WHERE table_schema = ? ORDER BY table_name', [name]),
    routines: await rows(pool, 'SELECT routine_name, routine_type, created, last_altered FROM information_schema.routines WHERE routine_schema = ? ORDER BY routine_name', [name]),
    versions: await rows(pool, 'SELECT version, md5 FROM schemaversion ORDER BY version'),
    calendar: await rows(pool, 'SELECT COUNT(*) AS n, MIN(hour_start) AS lo, MAX(hour_end) AS hi FROM report_hours'),
    rules: await rows(pool, 'SELECT COUNT(*) AS n FROM break_reason_map'),
  };
}

describe('npm run migrate', () => {
  it('a second run changes nothing and says so', async () => {
    const before = await snapshot();
    const r = await migrate({ databaseUrl: db().url, reportTz: db().reportTz, calendar: TEST_CALENDAR });
    expect(r).toEqual({ createdDatabase: false, migrations: [], routines: [], dropped: [], calendarHours: 0, rebuiltTz: false });
    expect(await snapshot()).toEqual(before);
  });

  it('creates every view and routine of db/views and db/procedures, matching the files', async () => {
    const { pool, name } = db();
    const files = await readRoutines();
    for (const r of files) {
      const found =
        r.kind === 'view'
          ? await rows(pool, 'SELECT 1 FROM information_schema.views WHERE table_schema = ? AND table_name = ?', [name, r.name])
          : await rows(pool, 'SELECT 1 FROM information_schema.routines WHERE routine_schema = ? AND routine_name = ?', [name, r.name]);
      expect(found, `${r.kind} ${r.name}`).toHaveLength(1);
      const [applied] = await rows<{ md5: string }>(pool, 'SELECT md5 FROM repeatable_scripts WHERE name = ?', [r.name]);
      expect(applied?.md5, `${r.name} applied from the current file`).toBe(r.md5);
    }
  });

  it('every view answers a query', async () => {
    const { pool, name } = db();
    const views = await rows<{ n: string }>(pool, 'SELECT table_name AS n FROM information_schema.views WHERE table_schema = ?', [name]);
    for (const v of views) {
      await expect(pool.query(`SELECT * FROM \`${v.n}\` LIMIT 1`), v.n).resolves.toBeDefined();
    }
  });

  it('creates the staging, activity, state and log tables', async () => {
    const { pool, name } = db();
    const tables = (await rows<{ t: string }>(pool, "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE'", [name])).map((r) => r.t);
    for (const t of ['agent_events', 'users_calls', 'agents', 'break_reason_map', 'agent_activity', 'collector_state', 'loaded_windows', 'fetch_log', 'rejected_records', 'report_hours']) {
      expect(tables).toContain(t);
    }
  });

  it('fills the calendar with the zone’s wall-clock hours, 23 and 25 on DST days', async () => {
    const { pool } = db();
    const [dubai] = await rows<{ n: number }>(pool, "SELECT COUNT(*) AS n FROM report_hours WHERE local_start >= '2025-09-07' AND local_start < '2025-09-08'");
    expect(dubai?.n).toBe(24);
    const [nine] = await rows<{ hour_start: number; hour_end: number }>(pool, "SELECT hour_start, hour_end FROM report_hours WHERE local_start = '2025-09-07 09:00:00'");
    expect(nine).toEqual({ hour_start: 1757221200, hour_end: 1757224800 });
  });

  it('refuses to go on when a migration numbered below the current version was never applied', async () => {
    const { pool } = db();
    const [row] = await rows<Record<string, unknown>>(pool, 'SELECT * FROM schemaversion WHERE version = 17');
    expect(row).toBeDefined();
    await pool.query('DELETE FROM schemaversion WHERE version = 17');
    try {
      await expect(migrate({ databaseUrl: db().url, reportTz: db().reportTz, calendar: TEST_CALENDAR })).rejects.toThrow(
        /017\.do\.create-repeatable-scripts\.sql was never applied.*Renumber it/,
      );
    } finally {
      await pool.query('INSERT INTO schemaversion SET ?', [row]);
    }
  });

  it('refuses another REPORT_TZ and says how to rebuild; --rebuild-tz rebuilds', async () => {
    await expect(migrate({ databaseUrl: db().url, reportTz: 'Europe/London', calendar: TEST_CALENDAR })).rejects.toThrow(
      /built for REPORT_TZ=Asia\/Dubai.*--rebuild-tz/,
    );
    const r = await migrate({ databaseUrl: db().url, reportTz: 'Europe/London', rebuildTz: true, calendar: TEST_CALENDAR });
    expect(r.rebuiltTz).toBe(true);
    const [spring] = await rows<{ n: number }>(db().pool, "SELECT COUNT(*) AS n FROM report_hours WHERE local_start >= '2025-03-30' AND local_start < '2025-03-31'");
    const [autumn] = await rows<{ n: number }>(db().pool, "SELECT COUNT(*) AS n FROM report_hours WHERE local_start >= '2025-10-26' AND local_start < '2025-10-27'");
    expect([spring?.n, autumn?.n]).toEqual([23, 25]);
    // back to the original zone so later files see what they expect
    await migrate({ databaseUrl: db().url, reportTz: 'Asia/Dubai', rebuildTz: true, calendar: TEST_CALENDAR });
  });
});
