// npm run backfill as a process: killed with SIGKILL mid-run then run again, --wipe
// confirmation, failed windows and the exit code, --help.
import { describe, it, expect, afterAll, beforeAll, afterEach } from 'vitest';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { useTestDatabase, rows, testDatabasePrefix } from './helpers/database.ts';
import { simulator, configFor, clientFor, digests, SIM_NOW, PASSWORD, CREDENTIALS, ACCOUNT, count } from './helpers/simulator.ts';
import { runCommand, killLeftovers } from './helpers/child.ts';
import { migrate } from '../src/db/migrate.ts';
import { runBackfill } from '../src/backfill/backfill.ts';
import { wipeStaging } from '../src/backfill/wipe.ts';
import { WIPED_TABLES } from '../src/backfill/options.ts';
import { EXIT } from '../src/cli/exit.ts';
import { silentLogger } from '../src/log.ts';
import type { SimulatorHandle } from '../src/simulator/server.ts';

const db = useTestDatabase('backfill-process');
// The commands migrate with the full calendar (the test database has a narrow one): done
// once here, so the waits below measure the commands, not the calendar fill.
beforeAll(async () => {
  await migrate({ databaseUrl: db().url, reportTz: db().reportTz });
}, 600_000);
afterEach(killLeftovers);
// Asia/Dubai is UTC+4: SIM_NOW (2025-09-10 00:00 UTC) is 04:00 local
const RANGE = ['--from', '2025-09-08 04:00', '--to', '2025-09-10 04:00'];
const FROM = SIM_NOW - 2 * 86400;

const envFor = (sim: SimulatorHandle) => ({
  DATABASE_URL: db().url,
  REPORT_TZ: db().reportTz,
  API_BASE: sim.url,
  API_USERNAME: CREDENTIALS.username,
  API_PASSWORD: PASSWORD,
  TENANT: CREDENTIALS.tenant,
  ACCOUNT_ID: ACCOUNT,
  API_PAGE_SIZE: '300',
});

describe('npm run backfill', async () => {
  const sim = await simulator({ agents: 20, latencyMs: 25 });
  afterAll(() => sim.close());

  it('killed with SIGKILL mid-run, then run again, gives the clean-run result', async () => {
    const { pool } = db();
    const child = runCommand('backfill.ts', [...RANGE, '--concurrency', '2'], envFor(sim));
    await child.waitFor(/ window 6\/48 /, 50_000);
    child.proc.kill('SIGKILL');
    expect(await child.exited).toBe('SIGKILL');
    const loaded = await count(pool, 'SELECT COUNT(*) AS n FROM loaded_windows');
    expect(loaded).toBeGreaterThanOrEqual(6);
    expect(loaded).toBeLessThan(48);
    const again = runCommand('backfill.ts', [...RANGE, '--concurrency', '4'], envFor(sim));
    expect(await again.exited, again.lines.join('\n')).toBe(0);
    expect(again.lines.some((l) => /backfill done windows=48 failed=0 /.test(l))).toBe(true);
    expect(await rows(pool, 'SELECT COUNT(*) AS n FROM pending_aggregation')).toEqual([{ n: 0 }]);
    const afterKill = await digests(pool);

    await wipeStaging(pool);
    const upstream = clientFor(sim, 300);
    try {
      const s = await runBackfill(configFor(db().url, db().reportTz, sim), pool, { fromTs: FROM, toTs: SIM_NOW, concurrency: 4, log: silentLogger, upstream });
      expect(s.failed).toEqual([]);
    } finally {
      await upstream.close();
    }
    expect(afterKill).toEqual(await digests(pool));
    for (const line of [...child.lines, ...again.lines]) {
      expect(line).not.toContain(PASSWORD);
      for (const t of sim.issuedTokens()) expect(line).not.toContain(t);
    }
  });

  it('--wipe without a terminal and without --yes refuses and changes nothing; with --yes it wipes and reloads', async () => {
    const { pool } = db();
    const before = await digests(pool);
    const refused = runCommand('backfill.ts', [...RANGE, '--wipe'], envFor(sim));
    expect(await refused.exited).toBe(EXIT.NOT_CONFIRMED);
    expect(refused.lines.join('\n')).toMatch(/--wipe needs confirmation: type YES in a terminal, or pass --yes/);
    expect(await digests(pool)).toEqual(before);
    await pool.query("UPDATE agents SET name = 'stale' WHERE ext = (SELECT MIN(ext) FROM agent_events)");
    const wiped = runCommand('backfill.ts', ['--from', '2025-09-08 04:00', '--to', '2025-09-09 04:00', '--wipe', '--yes'], envFor(sim));
    expect(await wiped.exited, wiped.lines.join('\n')).toBe(0);
    expect(wiped.lines.join('\n')).toMatch(new RegExp(`wiped ${WIPED_TABLES.join(', ')}, the data horizon and the retention cut`));
    expect(await rows(pool, 'SELECT MAX(ts) < ? AS only_first_day, COUNT(*) > 0 AS some FROM agent_events', [FROM + 86400])).toEqual([{ only_first_day: 1, some: 1 }]);
    expect(await rows(pool, "SELECT COUNT(*) AS n FROM agents WHERE name = 'stale'")).toEqual([{ n: 0 }]);
  });

  it('in a terminal, --wipe asks: YES wipes, anything else changes nothing', async () => {
    const { pool } = db();
    // `script` (util-linux) gives the command a pseudo-terminal, as an operator has
    const inTerminal = async (answer: string) => {
      const cmd = [process.execPath, 'dist/cli/backfill.js', '--from', "'2025-09-09 04:00'", '--to', "'2025-09-09 06:00'", '--wipe'].join(' ');
      const env = { PATH: process.env.PATH, HOME: process.env.HOME, ...envFor(sim) };
      const proc = spawn('script', ['-qec', cmd, '/dev/null'], { cwd: join(dirname(fileURLToPath(import.meta.url)), '..'), env, stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
      proc.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        if (out.includes('Type YES to continue: ') && !out.includes('<answered>')) {
          out += '<answered>';
          proc.stdin.write(answer + '\n');
        }
      });
      const code = await exited;
      proc.stdin.end();
      return { code, out };
    };
    const before = await digests(pool);
    const no = await inTerminal('yes please');
    expect(no.out).toContain(`--wipe empties ${WIPED_TABLES.join(', ')}, the data horizon and the retention cut of database ${testDatabasePrefix()}`);
    expect(no.code).toBe(EXIT.NOT_CONFIRMED);
    expect(no.out).toMatch(/not confirmed: nothing was changed/);
    expect(await digests(pool)).toEqual(before);
    const yes = await inTerminal('YES');
    expect(yes.code, yes.out).toBe(0);
    expect(yes.out).toMatch(/wiped agent_events/);
    expect(await rows(pool, 'SELECT MIN(ts) >= ? AS only_two_hours, COUNT(*) > 0 AS some FROM agent_events', [FROM + 86400])).toEqual([{ only_two_hours: 1, some: 1 }]);
  });

  it('exits non-zero listing the windows that failed, in local time and UTC, in one line on stderr', async () => {
    // a wrong account id: every data call gets a 403, which no retry can fix
    const child = runCommand('backfill.ts', ['--from', '2025-09-08 04:00', '--to', '2025-09-08 06:00'], { ...envFor(sim), ACCOUNT_ID: 'nobody' });
    expect(await child.exited).toBe(1);
    const errors = child.lines.filter((l) => l.startsWith('{"error":'));
    expect(errors).toHaveLength(1);
    const error = (JSON.parse(errors[0]!) as { error: string }).error;
    expect(error).toMatch(/^2 window\(s\) failed; another try will not change this answer of the upstream: check API_BASE/);
    expect(error).not.toMatch(/run the same command again to retry/);
    expect(error).toMatch(/2025-09-08 04:00\+04:00 \.\. 2025-09-08 05:00\+04:00 \[2025-09-08T00:00:00Z, 2025-09-08T01:00:00Z\): (events|stats): HTTP 403/);
    expect(error).toMatch(/2025-09-08 05:00\+04:00 \.\. 2025-09-08 06:00\+04:00 \[2025-09-08T01:00:00Z, 2025-09-08T02:00:00Z\): (events|stats): HTTP 403/);
    expect(child.lines.join('\n')).toMatch(/backfill done windows=2 failed=2 /);
  });

  it('with a wrong API_BASE (the login answers 404) says to check API_BASE, not to run it again', async () => {
    const child = runCommand('backfill.ts', ['--from', '2025-09-08 04:00', '--to', '2025-09-08 05:00'], { ...envFor(sim), API_BASE: `${sim.url}/not-the-api` });
    expect(await child.exited).toBe(1);
    const errors = child.lines.filter((l) => l.startsWith('{"error":'));
    expect(errors).toHaveLength(1);
    const error = (JSON.parse(errors[0]!) as { error: string }).error;
    expect(error).toMatch(/^1 window\(s\) failed; another try will not change this answer of the upstream: check API_BASE \(the API's base URL\)/);
    expect(error).toMatch(/2025-09-08 04:00\+04:00 \.\. 2025-09-08 05:00\+04:00 .*login: HTTP 404/);
  });

  it('--help explains the flags; a bad flag is a usage error', async () => {
    const help = runCommand('backfill.ts', ['--help'], {});
    expect(await help.exited).toBe(0);
    const text = help.lines.join('\n');
    for (const flag of ['--from', '--to', '--hours', '--wipe', '--yes', '--concurrency', 'idempotent', 'horizon', 'events/s']) expect(text).toContain(flag);
    for (const table of WIPED_TABLES) expect(text).toContain(table);
    const bad = runCommand('backfill.ts', ['--hours', '2', '--from', '2025-09-08 04:00'], { DATABASE_URL: db().url });
    expect(await bad.exited).toBe(2);
    expect(bad.lines.join('\n')).toMatch(/give either --hours or --from\/--to/);
  });
});
