// The batch commands as an operator meets them, each a real process: an unreachable
// upstream, retries logged, Ctrl-C of a backfill, --yes alone, the `--` hint, --out into
// a missing folder, --bom as the API takes it.
import { describe, it, expect, afterAll, beforeAll, afterEach } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useTestDatabase, rows } from './helpers/database.ts';
import { simulator, PASSWORD } from './helpers/simulator.ts';
import { runCommand, runNpm, killLeftovers } from './helpers/child.ts';
import { busyPort, errorLine, noStackTrace, upstreamEnv } from './helpers/ops.ts';
import { migrate } from '../src/db/migrate.ts';

const db = useTestDatabase('ops-backfill');
// The commands migrate with the full calendar (the test database has a narrow one): done
// once here, so the waits below measure the commands, not the calendar fill.
beforeAll(async () => {
  await migrate({ databaseUrl: db().url, reportTz: db().reportTz });
}, 600_000);
afterEach(killLeftovers);



describe('npm run backfill', async () => {
  const sim = await simulator({ agents: 20, latencyMs: 60 });
  afterAll(() => sim.close());
  const env = () => ({ DATABASE_URL: db().url, REPORT_TZ: db().reportTz, ...upstreamEnv(sim.url), API_PAGE_SIZE: '300' });

  it('an unreachable upstream is named with API_BASE within seconds, exit 4', async () => {
    const { port, server } = await busyPort();
    server.close(); // a port nobody listens on
    const started = Date.now();
    const child = runCommand('backfill.ts', ['--hours', '1'], { ...env(), API_BASE: `http://127.0.0.1:${port}` });
    expect(await child.exited).toBe(4);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(errorLine(child)).toMatch(new RegExp(`the upstream at API_BASE=http://127\\.0\\.0\\.1:${port} cannot be reached \\(ECONNREFUSED\\)`));
    noStackTrace(child);
  });

  it('an unreachable upstream is said first (exit 4) also when the database cannot be used either: the checks run at once', async () => {
    const { port, server } = await busyPort();
    server.close(); // a port nobody listens on, for both
    const child = runCommand('backfill.ts', ['--hours', '1'], { ...env(), API_BASE: `http://127.0.0.1:${port}`, DATABASE_URL: `mysql://root@127.0.0.1:${port}/apr` });
    expect(await child.exited).toBe(4);
    expect(errorLine(child)).toMatch(/the upstream at API_BASE=.* cannot be reached \(ECONNREFUSED\)/);
    noStackTrace(child);
  });

  it('Ctrl-C: the windows in progress finish or roll back, then one line says what loaded; exit 130', async () => {
    await db().pool.query('DELETE FROM loaded_windows');
    const child = runNpm(['run', 'backfill', '--', '--from', '2025-09-08 04:00', '--to', '2025-09-10 04:00', '--concurrency', '2'], env());
    await child.waitFor(/ window 3\/48 /, 60_000);
    process.kill(-child.proc.pid!, 'SIGINT');
    expect(await child.exited, child.lines.join('\n')).toBe(130);
    const stopped = child.lines.filter((l) => /^stopped/.test(l));
    expect(stopped).toHaveLength(1);
    const m = /^stopped \(SIGINT\): (\d+) window\(s\) loaded, (\d+) not loaded; run the same command again to continue/.exec(stopped[0]!);
    expect(m, stopped[0]).not.toBeNull();
    const loaded = Number(m![1]);
    expect(loaded + Number(m![2])).toBe(48);
    expect(loaded).toBeLessThan(48);
    expect(await rows(db().pool, "SELECT COUNT(*) AS n FROM loaded_windows WHERE source = 'backfill'")).toEqual([{ n: loaded }]);
    // no error line per window never tried
    expect(child.lines.filter((l) => /window failed|failed; run the same/.test(l))).toEqual([]);
  });

  it('--yes without --wipe is accepted (it confirms nothing)', async () => {
    const child = runCommand('backfill.ts', ['--from', '2025-09-09 04:00', '--to', '2025-09-09 05:00', '--yes'], env());
    expect(await child.exited, child.lines.join('\n')).toBe(0);
    expect(child.lines.some((l) => /backfill done windows=1 failed=0/.test(l))).toBe(true);
  });

  it('every retried upstream failure is logged when it happens, without secrets', async () => {
    const flaky = await simulator({ agents: 5, faultRate: 0.3, slowMs: 100 });
    try {
      const child = runCommand('backfill.ts', ['--from', '2025-09-09 04:00', '--to', '2025-09-09 08:00'], { ...env(), ...upstreamEnv(flaky.url) });
      const code = await child.exited;
      expect([0, 1]).toContain(code);
      const retries = child.lines.filter((l) => / warn upstream call failed; retrying /.test(l));
      expect(retries.length, child.lines.join('\n')).toBeGreaterThan(0);
      for (const r of retries) {
        expect(r).toMatch(/call="?(login|events|stats)/);
        expect(r).toMatch(/status=\S+/);
        expect(r).toMatch(/attempt=\d+\/\d+/);
        expect(r).toMatch(/wait_ms=\d+/);
      }
      for (const l of child.lines) {
        expect(l).not.toContain(PASSWORD);
        for (const t of flaky.issuedTokens()) expect(l).not.toContain(t);
      }
    } finally {
      await flaky.close();
    }
  });
});

describe('npm run report: user mistakes', () => {
  it('--out into a folder that does not exist: one line, exit 2, nothing written', async () => {
    const child = runCommand('report.ts', ['--startDate', '2025-09-07', '--out', '/nonexistent-apr-folder/r.csv'], { DATABASE_URL: db().url });
    expect(await child.exited).toBe(2);
    expect(errorLine(child)).toMatch(/the folder \/nonexistent-apr-folder does not exist: create it first/);
    noStackTrace(child);
  });

  it('--bom 0 and --bom 1 as the API takes bom=0 and bom=1; --no-bom still works', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'apr-ops-'));
    const bytes = async (args: string[]) => {
      const out = join(dir, `${args.join('_').replace(/\W/g, '')}.csv`);
      const c = runCommand('report.ts', ['--startDate', '2025-09-07', ...args, '--out', out], { DATABASE_URL: db().url, REPORT_TZ: db().reportTz });
      expect(await c.exited, c.lines.join('\n')).toBe(0);
      return readFileSync(out);
    };
    expect([...(await bytes(['--bom', '0'])).subarray(0, 3)]).toEqual([...Buffer.from('Int')]);
    expect([...(await bytes(['--bom=1'])).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect([...(await bytes(['--no-bom'])).subarray(0, 3)]).toEqual([...Buffer.from('Int')]);
    const both = runCommand('report.ts', ['--startDate', '2025-09-07', '--bom', '0', '--no-bom'], { DATABASE_URL: db().url });
    expect(await both.exited).toBe(2);
    expect(errorLine(both)).toMatch(/--bom 0 or --no-bom, not both/);
  });

  it('npm run report --startDate ... without -- gets a hint about the --', async () => {
    const child = runNpm(['run', 'report', '--startDate', '2025-09-07'], { DATABASE_URL: db().url });
    expect(await child.exited).toBe(2);
    expect(errorLine(child)).toMatch(/npm took --startDate for itself: put -- before the flags, e\.g\. npm run report -- --startDate/);
  });
});
