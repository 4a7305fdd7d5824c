// End to end over simulated data: the simulator's upstream, one real collector run
// (normaliser, loader, SQL transform), then the same two-day report through the API and
// the CLI, in Asia/Kolkata (hours at :30 UTC). Byte-identical, and /api/status shows the run.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from './helpers/database.ts';
import { clientFor, simulator, SIM_NOW } from './helpers/simulator.ts';
import type { SimulatorHandle } from '../src/simulator/server.ts';
import { runCollector } from '../src/collector/collector.ts';
import { startHttpServer } from '../src/http/server.ts';
import { silentLogger } from '../src/log.ts';
import { get, testConfig } from './helpers/report.ts';

const TZ = 'Asia/Kolkata';
const db = useTestDatabase('cli-report-simulated', TZ);
const ROOT = resolve(import.meta.dirname, '..');

let sim: SimulatorHandle;
let server: { url: string; close(): Promise<void> };

beforeAll(async () => {
  sim = await simulator({ agents: 12 });
  const upstream = clientFor(sim);
  try {
    const run = await runCollector({ pool: db().pool, upstream, log: silentLogger, reportTz: TZ, overlapMinutes: 30, clock: () => SIM_NOW * 1000 });
    expect(run.outcome, run.error).toBe('ok');
  } finally {
    await upstream.close();
  }
  server = await startHttpServer(testConfig(db().url, TZ, { REPORT_API_TOKENS: 'sim-token' }), db().pool, silentLogger);
});

afterAll(async () => {
  await server?.close();
  await sim?.close();
});

const auth = { Authorization: 'Bearer sim-token' };

describe('simulated contact centre', () => {
  it('gives the same bytes through the API and the CLI', async () => {
    // The collector loaded the 48 hours before SIM_NOW (2025-09-10 05:30 local).
    const api = await get(`${server.url}/api/report?startDate=2025-09-08&endDate=2025-09-10&startTime=05:30:00&endTime=05:30:00`, auth);
    expect(api.status).toBe(200);
    expect(api.headers['x-data-horizon']).toBe('2025-09-10T00:00:00Z');
    const lines = api.text.split('\r\n');
    const rows = lines.length - 2;
    expect(rows).toBeGreaterThan(12 * 8); // a dozen agents on shifts over two days
    console.log(`simulated: ${rows} report rows over 48 hours`);
    // hours start at local :00, which is :30 UTC in Kolkata
    expect(lines.slice(1, -1).every((l) => /^\d\d:00 - \d\d:00,/.test(l))).toBe(true);

    const cwd = mkdtempSync(join(tmpdir(), 'apr-sim-'));
    const stdout = await new Promise<string>((done, fail) => {
      execFile(
        join(ROOT, 'node_modules', '.bin', 'tsx'),
        [join(ROOT, 'src', 'cli', 'report.ts'), '--startDate', '2025-09-08', '--endDate', '2025-09-10', '--startTime', '05:30:00', '--endTime', '05:30:00'],
        { cwd, env: { PATH: process.env.PATH ?? '', DATABASE_URL: db().url, REPORT_TZ: TZ } },
        (err, out, stderr) => (err ? fail(new Error(stderr, { cause: err })) : done(out)),
      );
    });
    const file = join(cwd, 'report_2025-09-08T05-30-00_to_2025-09-10T05-30-00.csv');
    expect(stdout.trim()).toBe(`wrote ${file} (${rows} rows)`);
    expect(readFileSync(file).equals(api.body)).toBe(true);
  });

  it('shows the collector run in /api/status', async () => {
    const r = await get(`${server.url}/api/status`, auth);
    expect(r.status).toBe(200);
    const s = r.json() as { horizon: string; lastRun: { kind: string; outcome: string; events: number }; gaps: { count: number } };
    expect(s.horizon).toBe('2025-09-10T00:00:00Z');
    expect(s.lastRun).toMatchObject({ kind: 'collector', outcome: 'ok' });
    expect(s.lastRun.events).toBeGreaterThan(0);
    expect(s.gaps.count).toBe(0);
  });
});
