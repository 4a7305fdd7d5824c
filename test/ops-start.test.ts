// The service as an operator meets it, each command a real process: signals through
// `npm start`, --help, the port in use, a public HOST without tokens, the database refused
// / wrong password / never migrated.
import { describe, it, expect, beforeAll, afterEach } from 'vitest';
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useTestDatabase, rows, serverUrl } from './helpers/database.ts';
import { PASSWORD } from './helpers/simulator.ts';
import { runCommand, runNpm, killLeftovers } from './helpers/child.ts';
import { busyPort, errorLine, noStackTrace, upstreamEnv } from './helpers/ops.ts';
import { migrate } from '../src/db/migrate.ts';
import { withDatabase } from '../src/config.ts';

const db = useTestDatabase('ops-start');
// The commands migrate with the full calendar (the test database has a narrow one): done
// once here, so the waits below measure the commands, not the calendar fill.
beforeAll(async () => {
  await migrate({ databaseUrl: db().url, reportTz: db().reportTz });
}, 600_000);
afterEach(killLeftovers);
const NEVER = '0 0 1 1 *';


function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm start and signals', () => {
  const env = () => ({ DATABASE_URL: db().url, REPORT_TZ: db().reportTz, PORT: '0', COLLECT_CRON: NEVER, LOG_FORMAT: 'json' });

  it('SIGTERM to the npm process: the service stops cleanly, npm exits 0, nothing is left running', async () => {
    const child = runNpm(['start'], env());
    const started = await child.waitFor(/"msg":"collector run done"/, 90_000);
    const nodePid = (JSON.parse(started) as { pid: number }).pid;
    expect(nodePid).not.toBe(child.proc.pid);
    process.kill(child.proc.pid!, 'SIGTERM');
    expect(await child.exited, child.lines.join('\n')).toBe(0);
    expect(child.lines.some((l) => /"msg":"SIGTERM: stopping; the current window finishes or rolls back"/.test(l))).toBe(true);
    expect(child.lines.some((l) => /"msg":"stopped"/.test(l))).toBe(true);
    expect(alive(nodePid)).toBe(false);
    // JSON lines for a log pipeline: every log line parses, with a level word and a UTC time
    const logs = child.lines.filter((l) => l.startsWith('{"level"'));
    expect(logs.length).toBeGreaterThan(5);
    for (const l of logs) expect(JSON.parse(l)).toMatchObject({ level: expect.stringMatching(/^(info|warn|error)$/), time: expect.stringMatching(/Z$/) });
  });

  it('Ctrl-C in a terminal (SIGINT to the whole process group): one clean stop, exit 0', async () => {
    const child = runNpm(['start'], env());
    const started = await child.waitFor(/"msg":"report server listening"/, 90_000);
    const nodePid = (JSON.parse(started) as { pid: number }).pid;
    process.kill(-child.proc.pid!, 'SIGINT');
    expect(await child.exited, child.lines.join('\n')).toBe(0);
    expect(child.lines.filter((l) => /"msg":"SIGINT: stopping/.test(l))).toHaveLength(1);
    expect(alive(nodePid)).toBe(false);
  });

  it('an upstream that cannot be reached is named with API_BASE at start-up; the service keeps running', async () => {
    const { port, server } = await busyPort();
    server.close(); // a port nobody listens on
    const child = runCommand('start.ts', [], { ...env(), ...upstreamEnv(`http://127.0.0.1:${port}`), LOG_FORMAT: 'pretty' });
    try {
      const line = await child.waitFor(/the upstream at API_BASE=/, 60_000);
      expect(line).toMatch(new RegExp(`error the upstream at API_BASE=http://127\\.0\\.0\\.1:${port} cannot be reached \\(ECONNREFUSED\\)`));
      // and each retry of the run that follows, as it happens
      expect(await child.waitFor(/warn upstream call failed; retrying call=login status=ECONNREFUSED attempt=1\/8 wait_ms=\d+/, 30_000)).toBeTruthy();
    } finally {
      child.proc.kill('SIGTERM');
      expect(await child.exited).toBe(0);
    }
    for (const l of child.lines) expect(l).not.toContain(PASSWORD);
  });

  it('npm start -- --help prints the help and starts nothing', async () => {
    const child = runNpm(['start', '--', '--help'], { DATABASE_URL: withDatabase(serverUrl(), 'apr_never_created_help') });
    expect(await child.exited).toBe(0);
    const out = child.lines.join('\n');
    expect(out).toMatch(/Usage: npm start/);
    expect(out).toMatch(/SIGTERM or SIGINT/);
    expect(out).not.toMatch(/starting|listening/);
  });

  it('a port in use: one line naming HOST and PORT, exit 6', async () => {
    const { port, server } = await busyPort();
    try {
      const child = runCommand('start.ts', [], { ...env(), PORT: String(port) });
      expect(await child.exited).toBe(6);
      expect(errorLine(child)).toMatch(new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port} \\(.*EADDRINUSE.*\\): set HOST and PORT`));
      noStackTrace(child);
    } finally {
      server.close();
    }
  });

  it('HOST=0.0.0.0 without tokens: refused before anything starts (no database touched), exit 78', async () => {
    const url = withDatabase(serverUrl(), `${db().name}_never`);
    const child = runCommand('start.ts', [], { DATABASE_URL: url, HOST: '0.0.0.0', PORT: '0' });
    expect(await child.exited).toBe(78);
    expect(errorLine(child)).toMatch(/HOST=0\.0\.0\.0 is reachable from other machines, but REPORT_API_TOKENS is empty/);
    expect(child.lines.join('\n')).not.toMatch(/starting|simulator|migrate/);
    expect(await rows(db().pool, 'SELECT schema_name FROM information_schema.schemata WHERE schema_name = ?', [`${db().name}_never`])).toEqual([]);
  });
});

describe('the database, named in one line', () => {
  it('refused, wrong password, never migrated: exit 5 naming DATABASE_URL or npm run migrate', async () => {
    const refused = runCommand('migrate.ts', [], { DATABASE_URL: 'mysql://root@127.0.0.1:1/apr' });
    expect(await refused.exited).toBe(5);
    expect(errorLine(refused)).toMatch(/the database at 127\.0\.0\.1:1 cannot be reached \(ECONNREFUSED\): .*DATABASE_URL/);

    const u = new URL(serverUrl());
    u.username = 'root';
    u.password = 'certainly-wrong-pw';
    const wrong = runCommand('backfill.ts', ['--hours', '1'], { DATABASE_URL: withDatabase(u.toString(), db().name) });
    expect(await wrong.exited).toBe(5);
    const line = errorLine(wrong);
    expect(line).toMatch(/refused the login of user "root" .*fix the user or password in DATABASE_URL/);
    expect(wrong.lines.join('\n')).not.toContain('certainly-wrong-pw');

    const empty = `${db().name}_empty`;
    await db().pool.query(`CREATE DATABASE IF NOT EXISTS ${empty}`);
    try {
      const dir = mkdtempSync(join(tmpdir(), 'apr-ops-'));
      const report = runCommand('report.ts', ['--startDate', '2025-09-07', '--out', join(dir, 'r.csv')], { DATABASE_URL: withDatabase(serverUrl(), empty) });
      expect(await report.exited).toBe(5);
      expect(errorLine(report)).toMatch(/is not migrated .*run npm run migrate/);
      expect(existsSync(join(dir, 'r.csv'))).toBe(false);
      for (const c of [refused, wrong, report]) noStackTrace(c);
    } finally {
      await db().pool.query(`DROP DATABASE IF EXISTS ${empty}`);
    }
  });
});

