// A backfill whose middle window fails: the later windows still load (the horizon is the
// latest end of any loaded window, rules §3), but the gap is there and everyone says so:
// the command exits 1 naming the window, /api/status lists the gap, the next collector
// run (which loads from the horizon on) warns with the command that fills it, and that
// command fills it. Also: a run a crash left 'running' is marked 'abandoned' by the next.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase, rows } from './helpers/database.ts';
import { runCommand } from './helpers/child.ts';
import { loadConfig } from '../src/config.ts';
import { runCollector } from '../src/collector/collector.ts';
import { upstreamFromConfig } from '../src/upstream/client.ts';
import { readHorizon } from '../src/db/horizon.ts';
import { readStatus } from '../src/http/status.ts';
import { memoryLogger } from '../src/log.ts';

const db = useTestDatabase('robust-runs');
/** 2025-09-09 08:00 UTC = 12:00 in Dubai. */
const T = Date.UTC(2025, 8, 9, 8) / 1000;
const MIDDLE = [T + 3600, T + 7200];
const iso = (ts: number) => new Date(ts * 1000).toISOString().replace('.000Z', 'Z');

let failMiddle = true;
let server: Server;
let url: string;
beforeAll(async () => {
  // One agent, idle on and off every ten minutes; calls touching the middle hour fail
  // with a 400 (not retried) while failMiddle is set.
  server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    req.resume();
    const from = Number(u.searchParams.get('startDate'));
    const to = Number(u.searchParams.get('endDate'));
    let status = 200;
    let body: string;
    if (u.pathname.endsWith('/login/oauth')) body = '{"accessToken":"tok-runs","expiresIn":3600}';
    else if (failMiddle && from < MIDDLE[1]! && to > MIDDLE[0]!) [status, body] = [400, '{"error":"refused"}'];
    else if (u.pathname.endsWith('/events')) {
      const events = [];
      for (let t = Math.ceil(from / 600) * 600; t < to; t += 600) events.push({ event: 'agent_idle', enabled: (t / 600) % 2 === 0, user_id: 'u1', ext: '1001', username: 'Agent+One', state: '', Timestamp: t });
      body = JSON.stringify({ events });
    } else body = '{"1001": {"name": "Agent One", "total_calls": 1, "answered_calls": 1}}';
    req.on('end', () => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const env = () => ({ DATABASE_URL: db().url, REPORT_TZ: db().reportTz, API_BASE: url, API_USERNAME: 'u', API_PASSWORD: 'p-runs', TENANT: 't', ACCOUNT_ID: 'a' });

describe('a failed middle window', () => {
  it('leaves a gap that the exit code, /api/status and the next collector run all show, and a rerun fills', async () => {
    const { pool } = db();
    const first = runCommand('backfill.ts', ['--from', '2025-09-09 12:00', '--to', '2025-09-09 15:00', '--concurrency', '1'], env());
    expect(await first.exited).toBe(1);
    expect(first.lines.some((l) => l.includes(`[${iso(MIDDLE[0]!)}, ${iso(MIDDLE[1]!)}): `))).toBe(true);

    // the window after the gap loaded, so the horizon is past it; the gap is listed
    expect(await readHorizon(pool)).toBe(T + 3 * 3600);
    const status = (await readStatus(pool, (T + 3 * 3600 + 300) * 1000)) as { gaps: { count: number; latest: { from: string; to: string }[] } };
    expect(status.gaps.count).toBe(1);
    expect(status.gaps.latest[0]).toMatchObject({ from: iso(MIDDLE[0]!), to: iso(MIDDLE[1]!) });

    // a run that a crash left 'running'
    await pool.query("INSERT INTO collector_runs (kind, from_ts, to_ts) VALUES ('collector', ?, ?)", [T, T + 600]);

    // the next collector run loads from the horizon on, and says the gap is there
    const log = memoryLogger();
    const upstream = upstreamFromConfig(loadConfig(env()), { log });
    try {
      const run = await runCollector({ pool, upstream, log, reportTz: db().reportTz, overlapMinutes: 30, clock: () => (T + 3 * 3600 + 300) * 1000 });
      expect(run.outcome).toBe('ok');
    } finally {
      await upstream.close();
    }
    const fill = 'npm run backfill -- --from "2025-09-09 13:00" --to "2025-09-09 14:00"';
    expect(log.lines.some((l) => l.includes('1 gap(s) in loaded time') && l.includes(fill))).toBe(true);
    const runs = await rows<{ outcome: string; message: string }>(pool, "SELECT outcome, message FROM collector_runs WHERE kind = 'collector' ORDER BY id");
    expect(runs.map((r) => r.outcome)).toEqual(['abandoned', 'ok']);
    expect(runs[0]!.message).toMatch(/abandoned/);
    expect(runs[1]!.message).toContain(fill);

    // the command it names fills the gap
    failMiddle = false;
    const again = runCommand('backfill.ts', ['--from', '2025-09-09 13:00', '--to', '2025-09-09 14:00'], env());
    expect(await again.exited).toBe(0);
    expect(((await readStatus(pool, (T + 3 * 3600 + 300) * 1000)) as { gaps: { count: number } }).gaps.count).toBe(0);
    const events = await rows<{ n: number }>(pool, 'SELECT COUNT(*) AS n FROM agent_events WHERE ts >= ? AND ts < ?', MIDDLE);
    expect(events[0]!.n).toBe(6);
  });
});
