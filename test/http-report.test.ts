// GET /api/report over HTTP: bytes and headers, every kind of bad input (400, database
// untouched), unknown paths, internal errors that leak nothing, the access log, and a
// client that hangs up mid-report.
import { request } from 'node:http';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Pool } from 'mysql2/promise';
import { createTestDatabase, dropDatabase, useTestDatabase } from './helpers/database.ts';
import { startHttpServer } from '../src/http/server.ts';
import { memoryLogger } from '../src/log.ts';
import { BOM, get, hourStarts, insertActivity, insertBulkActivity, seedWorkedExampleActivity, setHorizon, testConfig } from './helpers/report.ts';

const db = useTestDatabase('http-report', 'Asia/Dubai');
const EXPECTED = readFileSync(new URL('./fixtures/worked-example/v2/expected.csv', import.meta.url));
const WORKED = 'startDate=2025-09-07&endDate=2025-09-07&startTime=09:00:00&endTime=11:00:00';

let server: { url: string; close(): Promise<void> };
const log = memoryLogger();

beforeAll(async () => {
  const { pool, url } = db();
  // The worked example's figures (rules §6) as the transform produces them.
  const hours = await seedWorkedExampleActivity(pool);
  await setHorizon(pool, hours[1]! + 3600);
  server = await startHttpServer(testConfig(url, 'Asia/Dubai'), pool, log);
});

afterAll(async () => {
  await server?.close();
});

/** A checksum of every table, to show bad requests change nothing. */
async function databaseChecksum(pool: Pool): Promise<string> {
  const [tables] = await pool.query("SELECT table_name AS t FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' ORDER BY 1");
  const names = (tables as { t: string }[]).map((r) => r.t);
  const [sums] = await pool.query(`CHECKSUM TABLE ${names.map((n) => pool.escapeId(n)).join(', ')}`);
  return JSON.stringify(sums);
}

describe('GET /api/report', () => {
  it('returns the worked example byte for byte after the BOM, with its headers', async () => {
    const r = await get(`${server.url}/api/report?${WORKED}`);
    expect(r.status).toBe(200);
    expect(r.body.subarray(0, 3).equals(BOM)).toBe(true);
    expect(r.body.subarray(3).equals(EXPECTED)).toBe(true);
    expect(r.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(r.headers['content-disposition']).toBe('attachment; filename="report_2025-09-07T09-00-00_to_2025-09-07T11-00-00.csv"');
    expect(r.headers['x-data-horizon']).toBe('2025-09-07T07:00:00Z');
  });

  it('drops the BOM with bom=0 and writes seconds with durations=seconds', async () => {
    const plain = await get(`${server.url}/api/report?${WORKED}&bom=0`);
    expect(plain.body.equals(EXPECTED)).toBe(true);
    const secs = await get(`${server.url}/api/report?${WORKED}&bom=0&durations=seconds`);
    const row = secs.text.split('\r\n')[1]!;
    expect(row).toBe(
      '09:00 - 10:00,07-Sep,"07/09/2025, 09:00:00","07/09/2025, 10:00:00",4101,Layla Menon,2399,0,900,300,0,1740,3,1,2,659,33.33,900,0,0,0,0,0,0,0,0,0,480,120,59,0,27.47,3599,1,0',
    );
  });

  it('answers an empty range with the header only, and names the whole-day file', async () => {
    const r = await get(`${server.url}/api/report?startDate=2025-09-01&bom=0`);
    expect(r.status).toBe(200);
    expect(r.text).toBe(EXPECTED.toString().split('\r\n')[0] + '\r\n');
    expect(r.headers['content-disposition']).toBe('attachment; filename="report_2025-09-01_to_2025-09-02.csv"');
  });

  it('omits X-Data-Horizon while nothing is loaded', async () => {
    const { pool } = db();
    await setHorizon(pool, null);
    try {
      const r = await get(`${server.url}/api/report?${WORKED}`);
      expect(r.status).toBe(200);
      expect(r.headers['x-data-horizon']).toBeUndefined();
    } finally {
      await setHorizon(pool, Date.parse('2025-09-07T07:00:00Z') / 1000);
    }
  });

  const longExt = 'ext=' + '9'.repeat(5000);
  const manyExts = 'ext=' + Array.from({ length: 1001 }, (_, i) => String(i)).join(',');
  const enc = encodeURIComponent;
  const BAD: [string, string, RegExp][] = [
    ['no parameters', '', /startDate is required.*YYYY-MM-DD/],
    ['date without zero padding', 'startDate=2025-9-7', /startDate must be a date as YYYY-MM-DD/],
    ['day-first date', 'startDate=07-09-2025', /startDate must be a date as YYYY-MM-DD/],
    ['30 February', 'startDate=2025-02-30', /startDate "2025-02-30" is not a real calendar date/],
    ['month 13', 'startDate=2025-13-01', /startDate .* not a real calendar date/],
    ['year 0000', 'startDate=0000-01-01', /startDate .* not a real calendar date/],
    ['empty startDate', 'startDate=', /startDate must be a date as YYYY-MM-DD/],
    ['bad endDate', 'startDate=2025-09-07&endDate=2025/09/08', /endDate must be a date as YYYY-MM-DD/],
    ['hour 24', 'startDate=2025-09-07&startTime=24:00:00', /startTime must be a time as HH:MM:SS from 00:00:00 to 23:59:59/],
    ['minute 60', 'startDate=2025-09-07&startTime=09:60:00', /startTime must be a time as HH:MM:SS/],
    ['time without seconds', 'startDate=2025-09-07&startTime=09:00', /startTime must be a time as HH:MM:SS/],
    ['one-digit hour', 'startDate=2025-09-07&endDate=2025-09-08&endTime=9:00:00', /endTime must be a time as HH:MM:SS/],
    ['endTime without endDate', 'startDate=2025-09-07&endTime=10:00:00', /endTime needs endDate/],
    ['end before start', 'startDate=2025-09-08&endDate=2025-09-07', /end must be after the start/],
    ['end equal to start', 'startDate=2025-09-07&endDate=2025-09-07&startTime=09:00:00&endTime=09:00:00', /end must be after the start/],
    ['range over 93 days', 'startDate=2025-01-01&endDate=2025-06-01', /spans 151 days; at most 93 \(REPORT_MAX_DAYS\)/],
    ['range to year 9999', 'startDate=2025-01-01&endDate=9999-12-31', /at most 93 \(REPORT_MAX_DAYS\)/],
    ['SQL in startDate', `startDate=${enc("2025-09-07'; DROP TABLE agent_activity; --")}`, /startDate must be a date as YYYY-MM-DD/],
    ['SQL in ext', `startDate=2025-09-07&ext=${enc("4101') OR 1=1 --")}`, /ext must be a comma-separated list/],
    ['SQL in endTime', `startDate=2025-09-07&endDate=2025-09-08&endTime=${enc('00:00:00; DROP TABLE agents')}`, /endTime must be a time/],
    ['SQL as a parameter name', `${enc("startDate'; DROP TABLE agents; --")}=1`, /unknown parameter/],
    ['full-width digits', `startDate=${enc('２０２５-０９-０７')}`, /startDate must be a date as YYYY-MM-DD/],
    ['NUL byte', `startDate=${enc('2025-09-07\u0000')}`, /startDate must be a date/],
    ['right-to-left override', `startDate=${enc('2025-09-07\u202e')}`, /startDate must be a date/],
    ['emoji ext', `startDate=2025-09-07&ext=${enc('😀')}`, /ext must be a comma-separated list/],
    ['empty ext', 'startDate=2025-09-07&ext=', /ext must be a comma-separated list/],
    ['empty item in ext', 'startDate=2025-09-07&ext=4101,,4102', /ext must be a comma-separated list/],
    ['5,000-character ext', `startDate=2025-09-07&${longExt}`, /ext must be a comma-separated list/],
    ['1,001 extensions', `startDate=2025-09-07&${manyExts}`, /ext lists 1001 extensions; at most 1000/],
    ['huge year', 'startDate=99999999-01-01', /startDate must be a date as YYYY-MM-DD/],
    ['huge hour', 'startDate=2025-09-07&startTime=999999999:00:00', /startTime must be a time/],
    ['repeated startDate', 'startDate=2025-09-07&startDate=2025-09-08', /startDate is given more than once/],
    ['repeated ext', 'startDate=2025-09-07&ext=4101&ext=4102', /ext is given more than once/],
    ['unknown parameter', 'startDate=2025-09-07&output=xlsx', /unknown parameter "output": the parameters are startDate, endDate/],
    ['unknown format', 'startDate=2025-09-07&format=xlsx', /format must be csv \(the default\) or json \(got "xlsx"\)/],
    ['unknown interval', 'startDate=2025-09-07&interval=2h', /interval must be one of 15m, 30m, 1h, day, week, total/],
    ['wrong case', 'StartDate=2025-09-07', /unknown parameter "StartDate"/],
    ['array syntax', 'startDate[]=2025-09-07', /unknown parameter "startDate\[\]"/],
    ['bom=2', 'startDate=2025-09-07&bom=2', /bom must be 0 .* or 1/],
    ['bom=false', 'startDate=2025-09-07&bom=false', /bom must be 0/],
    ['durations=minutes', 'startDate=2025-09-07&durations=minutes', /durations must be hms .* or seconds/],
  ];

  it(`refuses ${BAD.length} kinds of bad input with a 400 naming the fix, and changes nothing`, async () => {
    const { pool } = db();
    const before = await databaseChecksum(pool);
    for (const [what, query, message] of BAD) {
      const r = await get(`${server.url}/api/report?${query}`);
      expect(r.status, what).toBe(400);
      expect(r.headers['content-type'], what).toBe('application/json; charset=utf-8');
      const body = r.json() as { error: string };
      expect(Object.keys(body), what).toEqual(['error']);
      expect(body.error, what).toMatch(message);
      expect(body.error.length, what).toBeLessThan(400);
    }
    expect(await databaseChecksum(pool)).toBe(before);
    // and the data is all still there
    const ok = await get(`${server.url}/api/report?${WORKED}&bom=0`);
    expect(ok.body.equals(EXPECTED)).toBe(true);
  });

  it('answers unknown paths with a JSON 404 and other methods with a 405', async () => {
    for (const path of ['/index.html', '/api', '/api/report/', '/api/reports', '/API/REPORT', '/healthz/x', '/%2e%2e/etc/passwd']) {
      const r = await get(`${server.url}${path}`);
      expect(r.status, path).toBe(404);
      expect((r.json() as { error: string }).error, path).toMatch(/no such path.*\/api\/report/);
    }
    // every path is named, the page's files as one
    expect((await get(`${server.url}/nowhere`)).json()).toEqual({
      error: 'no such path "/nowhere": the paths are /, /api/breaks, /api/config, /api/intervals, /api/live, /api/report, /api/status, /api/timeline, /api/whoami, /healthz, /metrics, /now, /page/<file>, /vendor/chart.umd.min.js',
    });
    const post = await get(`${server.url}/api/report?${WORKED}`, {}, 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET');
    expect((post.json() as { error: string }).error).toMatch(/GET only/);
  });

  it('logs one line per request: method, path with parameter names only, status, ms, rows', async () => {
    log.lines.length = 0;
    await get(`${server.url}/api/report?${WORKED}&ext=4101`, { Authorization: 'Bearer not-configured-but-secret' });
    await get(`${server.url}/api/report?startDate=oops`);
    await get(`${server.url}/nowhere?token=abc`);
    const lines = log.lines.filter((l) => l.includes(' request '));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/ info request method=GET path=\/api\/report\?startDate&endDate&startTime&endTime&ext status=200 ms=[\d.]+ rows=2$/);
    expect(lines[1]).toMatch(/ info request method=GET path=\/api\/report\?startDate status=400 ms=[\d.]+$/);
    expect(lines[2]).toMatch(/ info request method=GET path=\/nowhere\?token status=404 ms=[\d.]+$/);
    const all = log.lines.join('\n');
    for (const secret of ['2025-09-07', 'oops', 'abc', 'not-configured-but-secret', '4101']) expect(all).not.toContain(secret);
  });
});

describe('failures', () => {
  it('answers an internal error with a 500 that shows no SQL, table name or stack', async () => {
    const broken = await createTestDatabase('http-report-broken', 'Asia/Dubai');
    const brokenLog = memoryLogger();
    const srv = await startHttpServer(testConfig(broken.url, 'Asia/Dubai'), broken.pool, brokenLog);
    try {
      await broken.pool.query('DROP VIEW vw_loaded_stretches');
      const r = await get(`${srv.url}/api/report?${WORKED}`);
      expect(r.status).toBe(500);
      const body = r.json() as { error: string };
      expect(body.error).toMatch(/^internal error/);
      for (const leak of ['vw_loaded_stretches', 'SELECT', 'exist', broken.name, '    at ', '.ts:']) expect(r.text).not.toContain(leak);
      // the operator finds the cause in the log
      expect(brokenLog.lines.some((l) => l.includes('request failed') && l.includes('vw_loaded_stretches'))).toBe(true);
      expect(brokenLog.lines.some((l) => / warn request method=GET path=\/api\/report\?startDate&endDate&startTime&endTime status=500 /.test(l))).toBe(true);
    } finally {
      await srv.close();
      await dropDatabase(broken);
    }
  });

  it('cuts the body (never a 200 that looks complete) when the query fails mid-stream', async () => {
    const broken = await createTestDatabase('http-report-midstream', 'Asia/Dubai');
    const brokenLog = memoryLogger();
    const srv = await startHttpServer(testConfig(broken.url, 'Asia/Dubai'), broken.pool, brokenLog);
    try {
      // 3,000 good rows, then one whose answer rate overflows BIGINT arithmetic in the report query.
      await insertBulkActivity(broken.pool, '2025-09-01 00:00:00', '2025-09-02 00:00:00', 125);
      const [late] = await hourStarts(broken.pool, '2025-09-01 23:00:00', '2025-09-02 00:00:00');
      await insertActivity(broken.pool, [{ hourStart: late!, ext: '99999', idle_s: 10, total_calls: 9e15, answered_calls: 9e15 }]);
      const outcome = await new Promise<string>((resolve) => {
        const u = new URL(`${srv.url}/api/report?startDate=2025-09-01`);
        const req = request({ host: u.hostname, port: u.port, path: u.pathname + u.search }, (res) => {
          expect(res.statusCode).toBe(200);
          res.on('data', () => {});
          res.on('end', () => resolve('complete'));
          res.on('aborted', () => resolve('aborted'));
          res.on('error', () => resolve('aborted'));
        });
        req.on('error', () => resolve('aborted'));
        req.end();
      });
      expect(outcome).toBe('aborted');
      expect(brokenLog.lines.some((l) => l.includes(' error request failed ') && /out of range/i.test(l))).toBe(true);
      // the server carries on
      expect((await get(`${srv.url}/healthz`)).status).toBe(200);
    } finally {
      await srv.close();
      await dropDatabase(broken);
    }
  });

  it('survives clients that hang up mid-report without leaking database connections', async () => {
    const { pool } = db();
    // A long report: 20 agents × 40 days = 19,200 rows, about 4.6 MB, far more than socket buffers hold.
    await insertBulkActivity(pool, '2025-10-01 00:00:00', '2025-11-10 00:00:00', 20);
    const query = 'startDate=2025-10-01&endDate=2025-11-10';
    const host = new URL(server.url);
    // More hang-ups than the pool has connections (8): a leak would make the last request wait forever.
    for (let i = 0; i < 10; i++) {
      await new Promise<void>((resolve, reject) => {
        const req = request({ host: host.hostname, port: host.port, path: `/api/report?${query}` }, (res) => {
          expect(res.statusCode).toBe(200);
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        });
        req.on('error', (err) => (req.destroyed ? resolve() : reject(err)));
        req.end();
      });
    }
    const full = await get(`${server.url}/api/report?${query}&bom=0`);
    expect(full.status).toBe(200);
    expect(full.text.split('\r\n').length - 2).toBe(20 * 40 * 24);
    // the hang-ups were logged as such (a line is written when the server sees the hang-up)
    await vi.waitFor(() => expect(log.lines.filter((l) => / warn request .* status=200 .* aborted=true/.test(l)).length).toBeGreaterThanOrEqual(1), { timeout: 10_000 });
    // and not as server errors
    expect(log.lines.filter((l) => l.includes(' error '))).toEqual([]);
  });
});
