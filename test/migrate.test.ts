import { DateTime } from 'luxon';
import { describe, it, expect } from 'vitest';
import { useTestDatabase, rows } from './helpers/database.ts';
import { migrate, readRoutines } from '../src/db/migrate.ts';
import { TEST_CALENDAR } from './helpers/database.ts';
import { loadFixtureStats } from './helpers/fixtures.ts';
import { insertEvents, setLoaded } from './reference/sql.ts';
import { ZONE_TABLES } from '../src/db/zone-tables.ts';
import { WIPED_TABLES } from '../src/backfill/options.ts';
import { ZoneMismatchError } from '../src/db/zone.ts';

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

  // (a longer hang guard, not a speed check: two rebuilds repartition both raw tables by
  // ~1,460 days, a file each; 19 s on a quiet machine, 87 s beside two busy loops, past
  // 120 s beside the rest of the suite as well)
  it('refuses another REPORT_TZ and says how to rebuild; --rebuild-tz empties every table of the old zone (those --wipe empties too) and keeps raw events', async () => {
    const { pool } = db();
    const H = Date.UTC(2025, 8, 7, 5) / 1000; // 09:00 in Dubai
    await insertEvents(pool, [
      { ext: '4101', ts: H + 60, seq: 0, event: 'agent_idle', enabled: true, state: null },
      { ext: '4101', ts: H + 600, seq: 0, event: 'agent_idle', enabled: false, state: null },
      { ext: '4101', ts: H + 600, seq: 1, event: 'agent_not_avail_state', enabled: true, state: 'Lunch' },
    ]);
    await setLoaded(pool, [{ from: H, to: H + 7200 }]);
    await loadFixtureStats(pool, { [`${H}-${H + 900}`]: { 4101: { name: 'A', total_calls: 1, answered_calls: 1 } } });
    await pool.query("CALL sp_aggregate_range('2025-09-07 09:00:00', '2025-09-07 11:00:00')");
    await pool.query('CALL sp_store_live_state()');
    const count = async (t: string) => Number((await rows<{ n: number }>(pool, `SELECT COUNT(*) AS n FROM ${t}`))[0]!.n);
    for (const t of ZONE_TABLES) expect(await count(t), `${t} has rows before the rebuild`).toBeGreaterThan(0);
    for (const t of ZONE_TABLES) expect(WIPED_TABLES, `--wipe empties ${t} too`).toContain(t);

    await expect(migrate({ databaseUrl: db().url, reportTz: 'Europe/London', calendar: TEST_CALENDAR })).rejects.toThrow(
      /built for REPORT_TZ=Asia\/Dubai.*--rebuild-tz/,
    );
    const r = await migrate({ databaseUrl: db().url, reportTz: 'Europe/London', rebuildTz: true, calendar: TEST_CALENDAR });
    expect(r.rebuiltTz).toBe(true);
    for (const t of ZONE_TABLES) expect(await count(t), `${t} after the rebuild`).toBe(0);
    expect(await count('agent_events')).toBe(3);
    // the raw tables' days are the new zone's: every partition bound is a London midnight
    for (const table of ['agent_events', 'users_calls']) {
      const bounds = (await rows<{ d: string }>(pool, "SELECT PARTITION_DESCRIPTION AS d FROM information_schema.PARTITIONS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND PARTITION_DESCRIPTION <> 'MAXVALUE'", [table])).map((r) => Number(r.d));
      expect(bounds.length, `${table}'s days`).toBeGreaterThan(400);
      const local = new Set(bounds.map((b) => DateTime.fromSeconds(b, { zone: 'Europe/London' }).toFormat('HH:mm:ss')));
      expect([...local], `${table}'s partition bounds in London`).toEqual(['00:00:00']);
    }
    const [spring] = await rows<{ n: number }>(pool, "SELECT COUNT(*) AS n FROM report_hours WHERE local_start >= '2025-03-30' AND local_start < '2025-03-31'");
    const [autumn] = await rows<{ n: number }>(pool, "SELECT COUNT(*) AS n FROM report_hours WHERE local_start >= '2025-10-26' AND local_start < '2025-10-27'");
    expect([spring?.n, autumn?.n]).toEqual([23, 25]);
    // back to the original zone so later files see what they expect
    await migrate({ databaseUrl: db().url, reportTz: 'Asia/Dubai', rebuildTz: true, calendar: TEST_CALENDAR });
  }, 300_000);

  it('refuses to rebuild once raw data was pruned: those hours could never be computed again', async () => {
    const { pool } = db();
    await pool.query("INSERT INTO apr_settings (name, value) VALUES ('raw_cut', ?)", [Date.UTC(2025, 8, 8, 20) / 1000]);
    try {
      const rebuild = migrate({ databaseUrl: db().url, reportTz: 'Europe/London', rebuildTz: true, calendar: TEST_CALENDAR });
      await expect(rebuild).rejects.toBeInstanceOf(ZoneMismatchError);
      await expect(rebuild).rejects.toThrow(/Set REPORT_TZ=Asia\/Dubai again\. Rebuilding for Europe\/London is refused: raw data before 2025-09-08T20:00:00Z was pruned/);
      // and the message of a plain mismatch no longer offers the rebuild
      await expect(migrate({ databaseUrl: db().url, reportTz: 'Europe/London', calendar: TEST_CALENDAR })).rejects.toThrow(/new database/);
      expect((await rows(pool, "SELECT value FROM apr_settings WHERE name = 'report_tz'"))).toEqual([{ value: 'Asia/Dubai' }]);
    } finally {
      await pool.query("DELETE FROM apr_settings WHERE name = 'raw_cut'");
    }
  });
});
