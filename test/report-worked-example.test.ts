// SPEC §6 end to end: the worked example's upstream payloads through the real normaliser
// and loader (EXTRACT), the real aggregation (TRANSFORM, sp_aggregate_range), then the
// report through the API and the CLI: both equal expected.csv byte for byte after the BOM.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from './helpers/database.ts';
import { loadFixtureEvents, loadFixtureStats } from './helpers/fixtures.ts';
import { startHttpServer } from '../src/http/server.ts';
import { silentLogger } from '../src/log.ts';
import { BOM, get, testConfig } from './report-helpers.ts';

const db = useTestDatabase('report-worked-example', 'Asia/Dubai');
const ROOT = resolve(import.meta.dirname, '..');
const FIXTURE = join(ROOT, 'test', 'fixtures', 'worked-example');
const EXPECTED = readFileSync(join(FIXTURE, 'expected.csv'));
const QUERY = 'startDate=2025-09-07&endDate=2025-09-07&startTime=09:00:00&endTime=11:00:00';
const HORIZON = 1757228400; // 2025-09-07 11:00 in Asia/Dubai

beforeAll(async () => {
  const { pool } = db();
  await loadFixtureEvents(pool, JSON.parse(readFileSync(join(FIXTURE, 'events.json'), 'utf8')), HORIZON);
  await loadFixtureStats(pool, JSON.parse(readFileSync(join(FIXTURE, 'stats.json'), 'utf8')) as Record<string, unknown>);
  await pool.query("CALL sp_aggregate_range('2025-09-07 00:00:00', '2025-09-08 00:00:00')");
});

describe('worked example (SPEC §6)', () => {
  it('comes out of the API byte for byte', async () => {
    const srv = await startHttpServer(testConfig(db().url, 'Asia/Dubai'), db().pool, silentLogger);
    try {
      const r = await get(`${srv.url}/api/report?${QUERY}`);
      expect(r.status).toBe(200);
      expect(r.headers['x-data-horizon']).toBe('2025-09-07T07:00:00Z');
      expect(r.body.subarray(0, 3).equals(BOM)).toBe(true);
      expect(r.body.subarray(3).toString('utf8')).toBe(EXPECTED.toString('utf8'));
      expect(r.body.subarray(3).equals(EXPECTED)).toBe(true);
    } finally {
      await srv.close();
    }
  });

  it('comes out of the CLI byte for byte', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'apr-worked-'));
    const stdout = await new Promise<string>((done, fail) => {
      execFile(
        join(ROOT, 'node_modules', '.bin', 'tsx'),
        [join(ROOT, 'src', 'cli', 'report.ts'), '--startDate=2025-09-07', '--endDate', '2025-09-07', '--startTime', '09:00:00', '--endTime=11:00:00'],
        { cwd, env: { PATH: process.env.PATH ?? '', DATABASE_URL: db().url, REPORT_TZ: 'Asia/Dubai' } },
        (err, out, stderr) => (err ? fail(new Error(stderr, { cause: err })) : done(out)),
      );
    });
    const file = join(cwd, 'report_2025-09-07T09-00-00_to_2025-09-07T11-00-00.csv');
    expect(stdout.trim()).toBe(`wrote ${file} (2 rows)`);
    const bytes = readFileSync(file);
    expect(bytes.subarray(0, 3).equals(BOM)).toBe(true);
    expect(bytes.subarray(3).equals(EXPECTED)).toBe(true);
  });
});
