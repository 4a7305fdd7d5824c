// A report asked for pipelined behind another request on the same connection, by a client
// that then hangs up: its response was queued and never had a socket, so nothing closed it.
// Its stream slot must come back, its database connection be given back, and the server
// must still stop.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pool } from 'mysql2/promise';
import { useTestDatabase } from './helpers/database.ts';
import { until, reportQueries as reportQueriesOn } from './helpers/wait.ts';
import { createPool } from '../src/db/pool.ts';
import { startHttpServer } from '../src/http/server.ts';
import { memoryLogger } from '../src/log.ts';
import { get, insertBulkActivity, setHorizon, testConfig } from './helpers/report.ts';

const db = useTestDatabase('robust-pipelined', 'Asia/Dubai');
const WEEK = '/api/report?startDate=2025-01-01&endDate=2025-01-08';
const log = memoryLogger();
let server: { url: string; close(): Promise<void> } | undefined;
let pool: Pool;

beforeAll(async () => {
  await insertBulkActivity(db().pool, '2025-01-01 00:00:00', '2025-01-08 00:00:00', 100);
  await setHorizon(db().pool, Date.UTC(2025, 1, 1) / 1000);
  pool = createPool(db().url, { connectionLimit: 6 });
  server = await startHttpServer(testConfig(db().url, 'Asia/Dubai', { REPORT_IDLE_TIMEOUT_S: '600', REPORT_MAX_STREAMS: '2' }), pool, log);
});
afterAll(async () => {
  await server?.close();
  await pool?.end();
});

/** Sends two requests at once on one connection (the second queued behind the first), hangs up after `ms`. */
function pipelinedThenHangUp(url: string, first: string, second: string, ms: number): Promise<void> {
  const u = new URL(url);
  const req = (path: string) => `GET ${path} HTTP/1.1\r\nHost: ${u.host}\r\n\r\n`;
  return new Promise((resolve, reject) => {
    const s: Socket = connect(Number(u.port), u.hostname, () => {
      s.write(req(first) + req(second));
      setTimeout(() => {
        s.destroy();
        resolve();
      }, ms);
    });
    s.on('error', reject);
  });
}


const reportQueries = () => reportQueriesOn(db().pool, db().name);

/** Connections of the server's pool checked out (mysql2 keeps the counts on its inner pool). */
function inUse(): number {
  const inner = (pool as unknown as { pool: { _allConnections: unknown[]; _freeConnections: { length: number } } }).pool;
  return inner._allConnections.length - inner._freeConnections.length;
}

describe('a pipelined report whose client hung up', () => {
  it('gives its slot and database connection back, and the server still stops', async () => {
    const url = server!.url;
    // as many as there are slots, each behind a status that waits (its table locked), so
    // each report's response is still queued, without a socket, when its client hangs up
    const lock = await db().pool.getConnection();
    await lock.query('LOCK TABLES collector_runs WRITE');
    try {
      await Promise.all([1, 2].map(() => pipelinedThenHangUp(url, '/api/status', WEEK, 300)));
    } finally {
      await lock.query('UNLOCK TABLES');
      lock.release();
    }

    await until("every slot free again", async () => ((await get(`${url}/healthz`)).json() as { status: string }).status === "ok");
    await until('report queries gone from the database', async () => (await reportQueries()) === 0);
    await until('their connections given back', async () => inUse() === 0);
    const small = await get(`${url}/api/report?startDate=2025-01-02&ext=1001`);
    expect(small.status).toBe(200);

    const closing = server!.close();
    server = undefined;
    const outcome = await Promise.race([closing.then(() => 'closed'), new Promise((r) => setTimeout(() => r('still open'), 8000))]);
    expect(outcome).toBe('closed');
  });
});
