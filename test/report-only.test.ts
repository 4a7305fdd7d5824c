// npm start with COLLECT_CRON=off: one of several report servers behind a load balancer.
// It serves, collects nothing and writes nothing (no migration either); a database it
// cannot serve from is said at start-up with the exit code migrate would give.
import { describe, it, expect, afterEach } from 'vitest';
import { request } from 'undici';
import { useTestDatabase, rows, serverUrl } from './helpers/database.ts';
import { runCommand, killLeftovers } from './helpers/child.ts';
import { errorLine, noStackTrace } from './helpers/ops.ts';
import { loadConfig, withDatabase } from '../src/config.ts';

const db = useTestDatabase('report-only');
afterEach(killLeftovers);

/** Every table's checksum: equal before and after means nothing was written. */
async function checksums(): Promise<Record<string, unknown>> {
  const tables = await rows<{ t: string }>(
    db().pool,
    "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE' ORDER BY table_name",
    [db().name],
  );
  const out: Record<string, unknown> = {};
  for (const { t } of tables) {
    const [r] = await rows<{ Checksum: unknown }>(db().pool, `CHECKSUM TABLE \`${t}\` EXTENDED`);
    out[t] = r!.Checksum;
  }
  return out;
}

describe('COLLECT_CRON=off', () => {
  it('is accepted in any case; anything else that is not cron is refused naming off', () => {
    expect(loadConfig({ COLLECT_CRON: 'OFF' }).collectCron).toBe('off');
    expect(() => loadConfig({ COLLECT_CRON: 'never' })).toThrow(/COLLECT_CRON="never" is not a cron expression: .* or off to collect nothing/);
  });

  it('serves reports and status, runs no collector, migrates nothing and writes nothing; SIGTERM exits 0', async () => {
    await db().pool.query("INSERT INTO loaded_windows (from_ts, to_ts, source, events, stats_rows, rejected, splits) VALUES (1757217600, 1757221200, 'backfill', 0, 0, 0, 0)");
    await db().pool.query('UPDATE collector_state SET horizon = 1757221200 WHERE id = 1');
    const before = await checksums();
    const child = runCommand('start.ts', [], { DATABASE_URL: db().url, REPORT_TZ: db().reportTz, PORT: '0', COLLECT_CRON: 'off' });
    try {
      const url = /url=(\S+)/.exec(await child.waitFor(/report server listening url=/, 60_000))![1]!;
      await child.waitFor(/collector off \(COLLECT_CRON=off\): this process serves reports only \(no collector, no migration\)/, 10_000);
      const report = await request(`${url}/api/report?startDate=2025-09-07&format=json`);
      expect(report.statusCode).toBe(200);
      expect(report.headers['x-data-horizon']).toBe('2025-09-07T05:00:00Z');
      await report.body.text();
      const status = await request(`${url}/api/status`);
      const body = (await status.body.json()) as Record<string, unknown>;
      expect(status.statusCode).toBe(200);
      expect(body).toMatchObject({ horizon: '2025-09-07T05:00:00Z', nextCollectorRun: null, replica: { configured: false, replicating: null, lagSeconds: null } });
      expect((await request(`${url}/healthz`)).statusCode).toBe(200);
    } finally {
      child.proc.kill('SIGTERM');
      expect(await child.exited, child.lines.join('\n')).toBe(0);
    }
    const log = child.lines.join('\n');
    expect(log).not.toMatch(/simulator|collector run|collector scheduled|migrate:/);
    expect(await checksums()).toEqual(before);
  });

  it('a database never migrated: exit 5 naming npm run migrate, and it stays empty', async () => {
    const empty = `${db().name}_empty`;
    await db().pool.query(`CREATE DATABASE IF NOT EXISTS ${empty}`);
    try {
      const child = runCommand('start.ts', [], { DATABASE_URL: withDatabase(serverUrl(), empty), PORT: '0', COLLECT_CRON: 'off' });
      expect(await child.exited).toBe(5);
      expect(errorLine(child)).toMatch(/the database of DATABASE_URL is not migrated \(\d+ migration\(s\) missing, the first 001\.do\.create-apr-settings\.sql\): run npm run migrate/);
      noStackTrace(child);
      expect(await rows(db().pool, 'SELECT table_name FROM information_schema.tables WHERE table_schema = ?', [empty])).toEqual([]);
    } finally {
      await db().pool.query(`DROP DATABASE IF EXISTS ${empty}`);
    }
  });

  it('REPORT_TZ other than the database was built for: exit 3 with the words of migrate', async () => {
    const child = runCommand('start.ts', [], { DATABASE_URL: db().url, REPORT_TZ: 'Europe/London', PORT: '0', COLLECT_CRON: 'off' });
    expect(await child.exited).toBe(3);
    expect(errorLine(child)).toMatch(/the report server will not start: this database was built for REPORT_TZ=Asia\/Dubai, but REPORT_TZ is now Europe\/London/);
    noStackTrace(child);
  });
});
