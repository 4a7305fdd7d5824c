// rules §10 end to end on the worked example (rules §6): the day's breaks as CSV equal
// expected-breaks-day.csv byte for byte, and the live state equals expected-live.json
// byte for byte apart from age_seconds (now − horizon, which the fixture cannot know).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from './helpers/database.ts';
import { loadFixtureEvents, loadFixtureStats, markLoaded } from './helpers/fixtures.ts';
import { startHttpServer } from '../src/http/server.ts';
import { silentLogger } from '../src/log.ts';
import { BOM, get, testConfig } from './helpers/report.ts';

const db = useTestDatabase('now-worked-example', 'Asia/Dubai');
const ROOT = resolve(import.meta.dirname, '..');
const FIXTURE = join(ROOT, 'test', 'fixtures', 'worked-example');
const LOADED_FROM = 1757217600; // 2025-09-07 08:00 in Asia/Dubai
const HORIZON = 1757228400; // 11:00
const expected = (file: string) => readFileSync(join(FIXTURE, 'v2', file));

let srv: Awaited<ReturnType<typeof startHttpServer>>;

beforeAll(async () => {
  const { pool } = db();
  await loadFixtureEvents(pool, JSON.parse(readFileSync(join(FIXTURE, 'events.json'), 'utf8')), null);
  await loadFixtureStats(pool, JSON.parse(readFileSync(join(FIXTURE, 'v2', 'stats.json'), 'utf8')) as Record<string, unknown>);
  await markLoaded(pool, LOADED_FROM, HORIZON);
  await pool.query("CALL sp_aggregate_range('2025-09-07 00:00:00', '2025-09-08 00:00:00')");
  srv = await startHttpServer(testConfig(db().url, 'Asia/Dubai'), db().pool, silentLogger);
});

afterAll(async () => {
  await srv?.close();
});

describe('worked example: breaks and live state (rules §10)', () => {
  it('GET /api/breaks for the day equals expected-breaks-day.csv after the BOM', async () => {
    const r = await get(`${srv.url}/api/breaks?startDate=2025-09-07`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(r.headers['content-disposition']).toBe('attachment; filename="breaks_2025-09-07_to_2025-09-08.csv"');
    expect(r.body.subarray(0, 3)).toEqual(BOM);
    expect(r.body.subarray(3).toString('utf8')).toBe(expected('expected-breaks-day.csv').toString('utf8'));
    const noBom = await get(`${srv.url}/api/breaks?startDate=2025-09-07&bom=0`);
    expect(noBom.body.equals(expected('expected-breaks-day.csv'))).toBe(true);
  });

  it('JSON gives the same breaks with the documented keys; over=1 only the overruns (none here)', async () => {
    const r = await get(`${srv.url}/api/breaks?startDate=2025-09-07&format=json`);
    expect(r.status).toBe(200);
    const rows = JSON.parse(r.body.toString('utf8')) as Record<string, unknown>[];
    expect(rows.map((x) => Object.keys(x))).toEqual(rows.map(() => ['ext', 'name', 'category', 'reason', 'start', 'end', 'duration', 'limit', 'over_limit']));
    expect(rows[1]).toEqual({
      ext: '4101', name: 'Layla Menon', category: 'Lunch', reason: 'Lunch Break',
      start: '2025-09-07T09:45:00+04:00', end: '2025-09-07T10:15:00+04:00', duration: 1800, limit: 3600, over_limit: 0,
    });
    expect(rows[0]!.limit).toBeNull();
    expect(rows[0]!.over_limit).toBeNull();
    const over = await get(`${srv.url}/api/breaks?startDate=2025-09-07&over=1&format=json`);
    expect(JSON.parse(over.body.toString('utf8'))).toEqual([]);
  });

  it('a lowered limit makes the lunch an overrun', async () => {
    await db().pool.query("UPDATE break_limits SET limit_seconds = 1500 WHERE category = 'Lunch'");
    try {
      const r = await get(`${srv.url}/api/breaks?startDate=2025-09-07&over=1&bom=0&durations=seconds`);
      expect(r.body.toString('utf8')).toBe(
        'Ext,Name,Category,Reason,Start,End,Duration,Limit,Over Limit\r\n4101,Layla Menon,Lunch,Lunch Break,"07/09/2025, 09:45:00","07/09/2025, 10:15:00",1800,1500,300\r\n',
      );
    } finally {
      await db().pool.query("UPDATE break_limits SET limit_seconds = 3600 WHERE category = 'Lunch'");
    }
  });

  it('bad parameters are a 400 naming the fix', async () => {
    for (const [q, says] of [
      ['startDate=2025-09-07&interval=day', 'unknown parameter "interval"'],
      ['startDate=2025-09-07&over=2', 'over must be 0'],
      ['startDate=2025-09-07&over=1&over=1', 'more than once'],
      ['over=1', 'startDate is required'],
    ] as const) {
      const r = await get(`${srv.url}/api/breaks?${q}`);
      expect(r.status).toBe(400);
      expect((JSON.parse(r.body.toString('utf8')) as { error: string }).error).toContain(says);
    }
    const live = await get(`${srv.url}/api/live?team=x`);
    expect(live.status).toBe(400);
  });

  it('GET /api/live equals expected-live.json byte for byte, age_seconds aside', async () => {
    const r = await get(`${srv.url}/api/live`);
    expect(r.status).toBe(200);
    const text = r.body.toString('utf8');
    const age = /^ {2}"age_seconds": (\d+),\n/m.exec(text);
    expect(age).not.toBeNull();
    // now − horizon: the fixture's horizon is in 2025
    expect(Number(age![1])).toBeGreaterThan(0);
    expect(text.replace(age![0], '')).toBe(expected('expected-live.json').toString('utf8'));
    const keys = Object.keys(JSON.parse(text) as object);
    expect(keys).toEqual(['as_of', 'age_seconds', 'counts', 'agents']);
  });

  it('ext filters the live state and the breaks', async () => {
    const live = JSON.parse((await get(`${srv.url}/api/live?ext=9999`)).body.toString('utf8')) as { agents: unknown[]; counts: object };
    expect(live.agents).toEqual([]);
    expect(live.counts).toEqual({});
    const breaks = await get(`${srv.url}/api/breaks?startDate=2025-09-07&ext=9999&format=json`);
    expect(JSON.parse(breaks.body.toString('utf8'))).toEqual([]);
    const mine = JSON.parse((await get(`${srv.url}/api/live?ext=4101`)).body.toString('utf8')) as { agents: { ext: string }[] };
    expect(mine.agents.map((a) => a.ext)).toEqual(['4101']);
  });

  it('npm run report -- --breaks writes the same bytes as the API', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'apr-breaks-'));
    const out = await new Promise<string>((done, fail) => {
      execFile(
        join(ROOT, 'node_modules', '.bin', 'tsx'),
        [join(ROOT, 'src', 'cli', 'report.ts'), '--breaks', '--startDate', '2025-09-07', '--no-bom'],
        { cwd, env: { PATH: process.env.PATH ?? '', DATABASE_URL: db().url, REPORT_TZ: 'Asia/Dubai' } },
        (err, stdout, stderr) => (err ? fail(new Error(stderr, { cause: err })) : done(stdout)),
      );
    });
    expect(out).toContain('breaks_2025-09-07_to_2025-09-08.csv (4 rows)');
    expect(readFileSync(join(cwd, 'breaks_2025-09-07_to_2025-09-08.csv')).equals(expected('expected-breaks-day.csv'))).toBe(true);
  });

  it('GET /metrics gives the live counts, the overruns and the data age', async () => {
    const text = (await get(`${srv.url}/metrics`)).body.toString('utf8');
    expect(text).toMatch(/^apr_agents_in_state\{state="Idle"\} 1$/m);
    expect(text).toMatch(/^apr_agents_over_break_limit 0$/m);
    const age = /^apr_data_age_seconds (\d+)$/m.exec(text);
    expect(Number(age?.[1])).toBeGreaterThan(0);
  });
});
