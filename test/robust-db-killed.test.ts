// The database killed while a month report streams to a slow reader: the response is cut (the client sees
// an incomplete body, never one that looks whole) within seconds, the error is logged,
// and once the database is back the same server and pool serve reports again. The
// database is a second mariadbd of this test's own (test/helpers/scratch-mariadb.ts).
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pool } from 'mysql2/promise';
import { withDatabase } from '../src/config.ts';
import { createPool } from '../src/db/pool.ts';
import { migrate } from '../src/db/migrate.ts';
import { startHttpServer } from '../src/http/server.ts';
import { memoryLogger } from '../src/log.ts';
import { TEST_CALENDAR } from './helpers/database.ts';
import { startScratchMariaDb, type ScratchMariaDb } from './helpers/scratch-mariadb.ts';
import { get, insertBulkActivity, setHorizon, testConfig } from './helpers/report.ts';
import { until } from './helpers/wait.ts';

let mariadb: ScratchMariaDb;
let pool: Pool;
let server: { url: string; close(): Promise<void> };
const log = memoryLogger();

beforeAll(async () => {
  mariadb = await startScratchMariaDb();
  const url = withDatabase(mariadb.url, 'apr_killed');
  await migrate({ databaseUrl: url, reportTz: 'Asia/Dubai', calendar: TEST_CALENDAR });
  pool = createPool(url);
  await insertBulkActivity(pool, '2025-01-01 00:00:00', '2025-01-31 00:00:00', 100);
  await setHorizon(pool, Date.UTC(2025, 1, 1) / 1000);
  server = await startHttpServer(testConfig(url, 'Asia/Dubai'), pool, log);
});
afterAll(async () => {
  await server?.close();
  await pool?.end().catch(() => {});
  await mariadb?.destroy();
});

describe('the database killed mid-report', () => {
  it('cuts the response within seconds, logs it, and the pool recovers', async () => {
    let started = false;
    let killedAt = 0;
    let loggedMs = -1;
    const outcome = await new Promise<{ bytes: number; complete: boolean; error: string | null; ms: number }>((resolve, reject) => {
      const req = request(`${server.url}/api/report?startDate=2025-01-01&endDate=2025-01-31`, (res) => {
        expect(res.statusCode).toBe(200);
        started = true;
        let bytes = 0;
        // a slow reader (20 ms after every chunk), so the server's row stream is paused
        // with the database's bytes waiting when the database dies
        res.once('data', () => {
          setTimeout(() => {
            killedAt = Date.now();
            void mariadb.kill();
            const seen = setInterval(() => {
              if (!log.lines.some((l) => /request failed .*connection was lost while streaming rows/.test(l))) return;
              loggedMs = Date.now() - killedAt;
              clearInterval(seen);
            }, 50);
          }, 500);
        });
        res.on('data', (c: Buffer) => {
          bytes += c.length;
          res.pause();
          setTimeout(() => res.resume(), 20);
        });
        res.on('end', () => resolve({ bytes, complete: res.complete, error: null, ms: Date.now() - killedAt }));
        res.on('error', (err) => resolve({ bytes, complete: res.complete, error: err.message, ms: Date.now() - killedAt }));
      });
      // a reset once the body has begun is the cut too
      req.on('error', (err) => (started ? resolve({ bytes: -1, complete: false, error: err.message, ms: Date.now() - killedAt }) : reject(err)));
      req.end();
    });
    // cut, not ended (a reset, or a chunked body without its final chunk), so the client knows
    expect(outcome.complete).toBe(false);
    expect(outcome.error).toMatch(/aborted|ECONNRESET/);
    // the server cuts it within seconds; the client sees it once it has read what it holds
    await until('the cut logged', async () => loggedMs >= 0, 30_000);
    expect(loggedMs).toBeLessThan(5000);
    expect(outcome.ms).toBeLessThan(30_000);
    expect(outcome.bytes).toBeLessThan(16_000_000);
    expect(log.lines.some((l) => /request failed .*connection was lost while streaming rows/.test(l))).toBe(true);

    // while the database is down: health says so, a report is a clean 500
    const down = await get(`${server.url}/healthz`);
    expect(down.status).toBe(503);

    await mariadb.start();
    const small = await get(`${server.url}/api/report?startDate=2025-01-02&ext=1001,1002`);
    expect(small.status).toBe(200);
    expect(small.text.trim().split('\r\n')).toHaveLength(1 + 24 * 2);
    expect((await get(`${server.url}/healthz`)).json()).toEqual({ status: 'ok', database: 'ok' });
  });
});
