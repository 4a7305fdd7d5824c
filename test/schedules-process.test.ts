// Scheduled reports in the service as an operator runs it: npm start with a schedule file
// (a bad file stops it with one line), killed mid-delivery and started again: the folder
// has exactly one file, the webhook took the report once, the run is recorded once; and
// npm run schedules -- list | run NAME | history.
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { useTestDatabase, rows } from './helpers/database.ts';
import { simulator } from './helpers/simulator.ts';
import { runCommand, killLeftovers } from './helpers/child.ts';
import { errorLine, noStackTrace, upstreamEnv } from './helpers/ops.ts';
import { startHttpsReceiver, type HttpsPeer } from './helpers/peers.ts';
import { CERT } from './helpers/test-cert.ts';
import { migrate } from '../src/db/migrate.ts';
import { EXIT } from '../src/cli/exit.ts';
import { previousRun } from '../src/schedules/scheduler.ts';
import type { SimulatorHandle } from '../src/simulator/server.ts';

const db = useTestDatabase('schedules-process');
const dir = mkdtempSync(join(tmpdir(), 'apr-sched-proc-'));
const caFile = join(dir, 'ca.pem');
writeFileSync(caFile, CERT);
let sim: SimulatorHandle;
let hook: HttpsPeer;
let answers: (n: number) => number | 'hang' = () => 200;

beforeAll(async () => {
  // the commands migrate with the full calendar: done once here, not inside the waits
  await migrate({ databaseUrl: db().url, reportTz: db().reportTz });
  sim = await simulator({ agents: 6, now: () => Date.now() / 1000, days: 3 });
  hook = await startHttpsReceiver((n) => answers(n));
}, 600_000);
afterAll(async () => {
  await sim?.close();
  await hook?.close();
});
afterEach(killLeftovers);

function scheduleFile(name: string, schedules: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify({ schedules }));
  return file;
}

const env = (file: string, extra: Record<string, string> = {}) => ({
  DATABASE_URL: db().url,
  REPORT_TZ: db().reportTz,
  PORT: '0',
  COLLECT_CRON: '0 0 1 1 *', // the start-up run only
  REPORT_SCHEDULES: file,
  SCHEDULE_WAIT_MINUTES: '0',
  // how an operator trusts a private CA: Node's own variable, read by undici too
  NODE_EXTRA_CA_CERTS: caFile,
  ...upstreamEnv(sim.url),
  ...extra,
});

async function until<T>(what: string, read: () => Promise<T | undefined>, ms = 90_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`waited ${ms} ms for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('npm start with REPORT_SCHEDULES', () => {
  it('a bad schedule file stops start-up with one line naming the schedule and field', async () => {
    const file = scheduleFile('bad.json', [{ name: 'north-daily', cron: '0 7 * * *', range: 'yesterday', email: { to: ['nobody'] } }]);
    for (const [script, args] of [['start.ts', []], ['schedules.ts', ['list']]] as const) {
      const child = runCommand(script, [...args], env(file));
      expect(await child.exited, script).toBe(EXIT.CONFIG);
      expect(errorLine(child)).toBe(`configuration error: REPORT_SCHEDULES=${file}: schedule "north-daily", email.to[0]: Invalid email address`);
      expect(child.lines).toHaveLength(1);
    }
  });

  it('killed while delivering, started again: one file in the folder, the webhook took it once, one run', async () => {
    const { pool } = db();
    const folder = mkdtempSync(join(tmpdir(), 'apr-sched-crash-'));
    const name = 'crash-daily';
    const cron = '0 7 * * *';
    const file = scheduleFile('crash.json', [{ name, cron, range: 'yesterday', folder, webhook: { url: hook.url, secret: 'crash-secret-0123456789' } }]);
    // it ran before, so the 07:00 it missed while stopped is caught up at start-up
    await pool.query("INSERT INTO schedule_runs (schedule, run_key, trigger_kind, scheduled_at, range_name, range_label, outcome) VALUES (?, 'at:1', 'schedule', 1, 'yesterday', 'earlier', 'ok')", [name]);
    const missed = previousRun(cron, db().reportTz, Date.now()).getTime();
    const first = hook.posts.length;
    answers = (n) => (n === first ? 'hang' : 200); // the first POST never gets its answer

    const a = runCommand('start.ts', [], env(file));
    await a.waitFor(/scheduled report missed while stopped: running it now/, 60_000);
    const filename = await until('the folder delivery', async () => {
      const [d] = await rows<{ status: string }>(pool, "SELECT d.status FROM schedule_deliveries d JOIN schedule_runs r ON r.id = d.run_id WHERE r.schedule = ? AND r.run_key <> 'at:1' AND d.destination = 'folder'", [name]);
      return d?.status === 'sent' && hook.posts.length > first ? readdirSync(folder)[0] : undefined;
    });
    const written = statSync(join(folder, filename));
    a.proc.kill('SIGKILL');
    expect(await a.exited).toBe('SIGKILL');

    const b = runCommand('start.ts', [], env(file));
    try {
      await b.waitFor(/scheduled report resumed after a restart/, 60_000);
      await b.waitFor(/scheduled report delivered .*destination=webhook/, 60_000);
      const runs = await rows<{ id: number; run_key: string; trigger_kind: string; outcome: string; sha256: string; range_label: string }>(
        pool, "SELECT id, run_key, trigger_kind, outcome, sha256, range_label FROM schedule_runs WHERE schedule = ? AND run_key <> 'at:1'", [name]);
      const yesterday = DateTime.fromMillis(missed, { zone: db().reportTz }).minus({ days: 1 }).toISODate();
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({ run_key: `at:${missed / 1000}`, trigger_kind: 'catch-up', outcome: 'ok', range_label: `${yesterday} 00:00 to ${DateTime.fromISO(yesterday!).plus({ days: 1 }).toISODate()} 00:00` });
      const ds = await rows<{ destination: string; status: string; attempts: number }>(pool, 'SELECT destination, status, attempts FROM schedule_deliveries WHERE run_id = ? ORDER BY destination', [runs[0]!.id]);
      expect(ds).toEqual([{ destination: 'folder', status: 'sent', attempts: 1 }, { destination: 'webhook', status: 'sent', attempts: 2 }]);

      // exactly one file, the one written before the crash, untouched; no temporary left
      expect(readdirSync(folder)).toEqual([filename]);
      expect(filename).toBe(`report_${yesterday}_to_${DateTime.fromISO(yesterday!).plus({ days: 1 }).toISODate()}.csv`);
      expect(statSync(join(folder, filename)).mtimeMs).toBe(written.mtimeMs);
      expect(createHash('sha256').update(readFileSync(join(folder, filename))).digest('hex')).toBe(runs[0]!.sha256);
      // the webhook: the hung POST and the one after the restart, the same delivery; answered once
      const posts = hook.posts.slice(first);
      expect(posts.map((p) => p.answer)).toEqual(['hang', 200]);
      expect(posts[0]!.headers['idempotency-key']).toBe(posts[1]!.headers['idempotency-key']);
      expect(posts[1]!.body.equals(readFileSync(join(folder, filename)))).toBe(true);
      for (const l of [...a.lines, ...b.lines]) expect(l).not.toContain('crash-secret-0123456789');
    } finally {
      answers = () => 200;
      b.proc.kill('SIGTERM');
      expect(await b.exited).toBe(0);
    }
  });
});

describe('npm run schedules', () => {
  it('list, run NAME (exit 0 when every destination took it), history; a wrong name is exit 2', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'apr-sched-cli-'));
    const file = scheduleFile('cli.json', [
      { name: 'to-folder', cron: '30 6 * * 1-5', range: 'last-week', report: { interval: 'day' }, folder },
      { name: 'to-nowhere', cron: '0 7 * * *', range: 'yesterday', webhook: { url: 'https://127.0.0.1:1/hook', secret: 'nowhere-secret-0123456' } },
    ]);
    const list = runCommand('schedules.ts', ['list'], env(file));
    expect(await list.exited).toBe(EXIT.OK);
    expect(list.lines[0]).toMatch(/^to-folder: cron "30 6 \* \* 1-5" \(Asia\/Dubai\), range last-week, interval=day, to folder; next run \d{4}-\d\d-\d\d 06:30 \+04:00 \(\S+Z\)$/);
    expect(list.lines[1]).toMatch(/^to-nowhere: .* to webhook; next run \d{4}-\d\d-\d\d 07:00 \+04:00/);

    const run = runCommand('schedules.ts', ['run', 'to-folder'], env(file));
    expect(await run.exited, run.lines.join('\n')).toBe(EXIT.OK);
    const [written] = readdirSync(folder);
    expect(written).toMatch(/^report_\d{4}-\d\d-\d\d_to_\d{4}-\d\d-\d\d_day\.csv$/);
    expect(run.lines).toContain(`to-folder: folder: sent (${join(folder, written!)})`);
    expect(run.lines.at(-1)).toBe('to-folder: ok');

    const none = runCommand('schedules.ts', ['run', 'no-such'], env(file));
    expect(await none.exited).toBe(EXIT.USAGE);
    expect(errorLine(none)).toBe(`no schedule named "no-such" in ${file}: the names are to-folder, to-nowhere (see npm run schedules -- --help)`);

    const history = runCommand('schedules.ts', ['history', '--schedule', 'to-folder', '--limit', '5'], env(file));
    expect(await history.exited).toBe(EXIT.OK);
    expect(history.lines).toHaveLength(1);
    expect(history.lines[0]).toMatch(/^#\d+ to-folder \(manual\) \d{4}-\d\d-\d\d 00:00 to \d{4}-\d\d-\d\d 00:00: ok \d+ row\(s\) \d+ bytes; started .* UTC, finished .* UTC; folder sent/);
    noStackTrace(history);
  });
});
