// Clients that never read: raw sockets ask for a month's report and take no bytes. They
// may hold at most REPORT_MAX_STREAMS streams, each cut after REPORT_IDLE_TIMEOUT_S (its
// database connection given back); beyond the cap a report gets 503 + Retry-After;
// /healthz and /api/status keep answering (degraded, never unreachable); requests Node
// itself refuses get a JSON body; SIGTERM under `npm start` cuts the streams and exits.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pool } from 'mysql2/promise';
import { useTestDatabase } from './helpers/database.ts';
import { until, reportQueries as reportQueriesOn } from './helpers/wait.ts';
import { createPool } from '../src/db/pool.ts';
import { REPORT_SQL_TAG } from '../src/report/write.ts';
import { startHttpServer } from '../src/http/server.ts';
import { memoryLogger } from '../src/log.ts';
import { get, insertBulkActivity, setHorizon, testConfig } from './helpers/report.ts';
import { runCommand } from './helpers/child.ts';
import { simulator, CREDENTIALS, PASSWORD, ACCOUNT } from './helpers/simulator.ts';

const db = useTestDatabase('robust-clients', 'Asia/Dubai');
const MONTH = '/api/report?startDate=2025-01-01&endDate=2025-01-16';
const log = memoryLogger();
let server: { url: string; close(): Promise<void> };
let pool: Pool;
const sockets: Socket[] = [];

beforeAll(async () => {
  // 36,000 rows, ~8 MB of CSV: about twice what the socket buffers hold
  await insertBulkActivity(db().pool, '2025-01-01 00:00:00', '2025-01-16 00:00:00', 100);
  await setHorizon(db().pool, Date.UTC(2025, 1, 1) / 1000);
  pool = createPool(db().url, { connectionLimit: 5 });
  server = await startHttpServer(testConfig(db().url, 'Asia/Dubai', { REPORT_IDLE_TIMEOUT_S: '2', REPORT_MAX_STREAMS: '3' }), pool, log);
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await server?.close();
  await pool?.end();
});

/**
 * A raw socket that sends `request` and then reads nothing (no 'data' listener: it stays
 * paused). `localAddress`: another loopback address, to be another client.
 */
function rawSocket(url: string, request: string, localAddress?: string): Promise<Socket> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const s = connect({ port: Number(u.port), host: u.hostname, localAddress }, () => {
      s.write(request);
      resolve(s);
    });
    s.on('error', reject);
    sockets.push(s);
  });
}

const neverReading = (url: string, path: string, localAddress?: string) =>
  rawSocket(url, `GET ${path} HTTP/1.1\r\nHost: ${new URL(url).host}\r\n\r\n`, localAddress);

/** Everything the socket still delivers until the server closes it. */
function drain(s: Socket): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('close', () => resolve(Buffer.concat(chunks)));
    s.on('error', () => {});
    s.resume();
  });
}


const reportQueries = () => reportQueriesOn(db().pool, db().name);

describe('clients that never read', () => {
  it('hold at most REPORT_MAX_STREAMS streams, are cut after the idle timeout, and never starve /healthz or a small report', async () => {
    // three clients (three addresses: one client alone may hold only half the slots)
    const stuck = await Promise.all([11, 12, 13].map((n) => neverReading(server.url, MONTH, `127.0.0.${n}`)));
    await until('three report streams open', async () => ((await get(`${server.url}/healthz`)).json() as { status: string }).status === 'degraded');
    // their queries run on the server, held up by the clients that take nothing
    await until('three report queries in the process list', async () => (await reportQueries()) === 3);

    // beyond the cap: 503 with Retry-After, at once
    const refused = await get(`${server.url}${MONTH}`, {}, 'GET', '127.0.0.14');
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('5');
    expect((refused.json() as { error: string }).error).toMatch(/REPORT_MAX_STREAMS/);

    // a small report (one hour) is read whole and sent at once: no slot needed
    const hour = await get(`${server.url}/api/report?startDate=2025-01-02&startTime=09:00:00&endDate=2025-01-02&endTime=10:00:00`);
    expect(hour.status).toBe(200);
    expect(hour.headers['content-length']).toBe(String(hour.body.length));
    expect(hour.text.trim().split('\r\n')).toHaveLength(1 + 100);
    expect((await get(`${server.url}/metrics`)).text).toMatch(/^apr_report_streams_refused_total\{reason="limit"\} [1-9]/m);

    // health answers at once, degraded with the reason, the database ok; many at once too
    const checks = await Promise.all(Array.from({ length: 12 }, () => get(`${server.url}/healthz`)));
    for (const h of checks) {
      expect(h.status).toBe(200);
      expect(h.json()).toMatchObject({ status: 'degraded', database: 'ok', reason: expect.stringMatching(/report streams at the limit \(3 of REPORT_MAX_STREAMS=3\)/) });
    }
    // the status page has its connection
    expect((await get(`${server.url}/api/status`)).status).toBe(200);

    // the idle timeout (2 s) cuts them; their queries end and the slots free up
    // (the month's query runs first: the idle clock starts once bytes wait to be sent)
    await until('stuck streams cut', async () => log.lines.filter((l) => l.includes('report client took no bytes')).length === 3, 60_000);
    await until('report queries gone from the database', async () => (await reportQueries()) === 0);
    expect((await get(`${server.url}/metrics`)).text).toMatch(/^apr_report_streams_cut_total\{reason="idle"\} [3-9]/m);
    const small = await get(`${server.url}/api/report?startDate=2025-01-02&ext=1001`);
    expect(small.status).toBe(200);
    expect(small.text.trim().split('\r\n').length).toBe(25);

    // what the stuck clients got is a cut body: no final chunk of the chunked encoding
    for (const s of stuck) {
      const got = await drain(s);
      expect(got.toString('latin1')).toMatch(/^HTTP\/1\.1 200 OK/);
      expect(got.toString('latin1').endsWith('\r\n0\r\n\r\n')).toBe(false);
    }
    expect(log.lines.filter((l) => / request .*path=\/api\/report.*aborted=true/.test(l)).length).toBeGreaterThanOrEqual(3);
  });

  it('a client that reads slowly but steadily is not cut', async () => {
    const s = await neverReading(server.url, '/api/report?startDate=2025-01-01&endDate=2025-01-04');
    // 256 KB every 300 ms: slower than the server writes, but never idle for 2 s
    let bytes = 0;
    await until('1 MB read slowly', async () => {
      let c: Buffer | null;
      let n = 0;
      while (n < 262_144 && (c = s.read() as Buffer | null) !== null) n += c.length;
      bytes += n;
      await new Promise((r) => setTimeout(r, 200));
      return bytes > 1_000_000;
    }, 30_000);
    expect(s.destroyed).toBe(false);
    s.destroy();
  });

  it('requests Node refuses (URL over 16 KB, malformed request line) get a JSON error and an access-log line', async () => {
    const raw = async (request: string) => (await drain(await rawSocket(server.url, request))).toString('utf8');
    const u = new URL(server.url);
    const long = await raw(`GET /api/report?startDate=2025-01-01&x=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: ${u.host}\r\n\r\n`);
    expect(long).toMatch(/^HTTP\/1\.1 431 /);
    expect(JSON.parse(long.slice(long.indexOf('\r\n\r\n') + 4))).toEqual({ error: expect.stringMatching(/too long/) });
    const bad = await raw('THIS IS NOT HTTP\r\n\r\n');
    expect(bad).toMatch(/^HTTP\/1\.1 400 /);
    expect(bad).toContain('application/json');
    expect(JSON.parse(bad.slice(bad.indexOf('\r\n\r\n') + 4))).toHaveProperty('error');
    expect(log.lines.filter((l) => / request method=\? path=\? status=(431|400)/.test(l)).length).toBeGreaterThanOrEqual(2);
  });
});

/** A server of its own with `env` (beside the defaults) for one describe block, closed after it. */
function ownServer(env: Record<string, string> = {}): () => Promise<{ url: string; log: ReturnType<typeof memoryLogger> }> {
  const own = { log: memoryLogger(), server: undefined as { url: string; close(): Promise<void> } | undefined, pool: undefined as Pool | undefined };
  afterAll(async () => {
    await own.server?.close();
    await own.pool?.end();
  });
  return async () => {
    own.pool = createPool(db().url, { connectionLimit: 6 });
    own.server = await startHttpServer(testConfig(db().url, 'Asia/Dubai', env), own.pool, own.log);
    return { url: own.server.url, log: own.log };
  };
}

describe('twelve stalled clients of one address', () => {
  // the defaults: REPORT_MAX_STREAMS=4, REPORT_IDLE_TIMEOUT_S=60
  const start = ownServer();

  it('hold no more than their share of the slots: another client still gets a small and a medium report', async () => {
    const { url } = await start();
    // twelve clients (one address, no token) ask for the half month and never read
    const stalled = await Promise.all(Array.from({ length: 12 }, () => neverReading(url, MONTH)));
    // every one has its answer's first bytes: a stream, or a refusal
    await until('twelve answers begun', async () => stalled.every((s) => s.readableLength > 0), 30_000);
    const heads = stalled.map((s) => (s.read(12) as Buffer).toString('latin1'));
    expect(heads.filter((h) => h === 'HTTP/1.1 200').length).toBe(2);
    expect(heads.filter((h) => h === 'HTTP/1.1 503').length).toBe(10);

    // another client: a one-hour report (small, sent whole) and a day of 100 agents
    // (2,400 rows: streamed, so it needs a slot)
    const other = '127.0.0.2';
    const hour = await get(`${url}/api/report?startDate=2025-01-02&startTime=09:00:00&endDate=2025-01-02&endTime=10:00:00`, {}, 'GET', other);
    expect(hour.status).toBe(200);
    const day = await get(`${url}/api/report?startDate=2025-01-03`, {}, 'GET', other);
    expect(day.status).toBe(200);
    expect(day.text.trim().split('\r\n')).toHaveLength(1 + 24 * 100);

    const metrics = (await get(`${url}/metrics`)).text;
    expect(metrics).toMatch(/^apr_report_streams_refused_total\{reason="client"\} ([1-9]\d+)$/m);
    for (const s of stalled) s.destroy();
  });
});

describe('a client that reads, but too slowly', () => {
  const start = ownServer({ REPORT_IDLE_TIMEOUT_S: '8', REPORT_MIN_BYTES_PER_S: '1000000' });

  it('is cut once it took fewer than REPORT_MIN_BYTES_PER_S a second over REPORT_IDLE_TIMEOUT_S', async () => {
    const { url, log: logSlow } = await start();
    // as JSON: about 20 MB, so it is still streaming when the first 8 s have passed
    const s = await neverReading(url, `${MONTH}&format=json`);
    // A pause of 200 ms after each chunk (at most 64 KB): below a megabyte a second, and
    // never idle for 8 s. (The server sees the bytes the kernel takes from it, which come in
    // bursts as its send buffer, megabytes on loopback, empties by half: a few seconds apart.)
    const chunks: Buffer[] = [];
    s.on('data', (c: Buffer) => {
      chunks.push(c);
      s.pause();
      setTimeout(() => s.resume(), 200);
    });
    const closed = new Promise<void>((resolve) => s.once('close', () => resolve()));
    s.on('error', () => {});
    await until('the slow client cut', async () => logSlow.lines.some((l) => l.includes('report client took too few bytes a second')), 60_000);
    expect(logSlow.lines.some((l) => l.includes('report client took no bytes'))).toBe(false);
    expect((await get(`${url}/metrics`)).text).toMatch(/^apr_report_streams_cut_total\{reason="slow"\} [1-9]/m);
    await closed;
    expect(Buffer.concat(chunks).toString('latin1').endsWith('\r\n0\r\n\r\n')).toBe(false);
    await until('its report query gone from the database', async () => (await reportQueries()) === 0);
  });
});

describe('npm start under SIGTERM', () => {
  const simP = simulator({ agents: 3 });
  afterAll(async () => (await simP).close());

  it('cuts open report streams and exits 0 within seconds', async () => {
    const sim = await simP;
    sim.setDown(true); // the collector's run fails and retries meanwhile
    const child = runCommand('start.ts', [], {
      DATABASE_URL: db().url,
      REPORT_TZ: 'Asia/Dubai',
      PORT: '0',
      COLLECT_CRON: '0 0 1 1 *',
      API_BASE: sim.url,
      API_USERNAME: CREDENTIALS.username,
      API_PASSWORD: PASSWORD,
      TENANT: CREDENTIALS.tenant,
      ACCOUNT_ID: ACCOUNT,
      REPORT_IDLE_TIMEOUT_S: '600',
      REPORT_MAX_STREAMS: '2',
    });
    try {
      const url = /url=(\S+)/.exec(await child.waitFor(/report server listening url=/, 60_000))![1]!;
      await Promise.all([neverReading(url, MONTH, '127.0.0.21'), neverReading(url, MONTH, '127.0.0.22')]);
      await until('two streams open', async () => ((await get(`${url}/healthz`)).json() as { status: string }).status === 'degraded');
      const t0 = Date.now();
      child.proc.kill('SIGTERM');
      expect(await child.exited).toBe(0);
      expect(Date.now() - t0).toBeLessThan(8000);
    } finally {
      if (child.proc.exitCode === null) child.proc.kill('SIGKILL');
    }
    expect(child.lines.filter((l) => l.includes('report stream cut')).length).toBe(2);
  });
});
