// Scheduled reports delivered to real peers: an SMTP server with a login and STARTTLS
// (the attachment, parsed with mailparser, is the API's bytes under the API's file name),
// an HTTPS receiver that checks the HMAC signature, a folder; retries with backoff, a
// refusal that is not retried, a range sent incomplete with its Not Loaded hours named,
// a resumed run that sends only what was left, a missed time caught up once.
import { createHmac } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { useTestDatabase, rows } from './helpers/database.ts';
import { CERT } from './helpers/test-cert.ts';
import { startHttpsReceiver, startSmtp, type HttpsPeer, type SmtpPeer } from './helpers/peers.ts';
import { get, hourStarts, insertActivity, setAgent, setHorizon, testConfig, type RawResponse } from './helpers/report.ts';
import { startHttpServer } from '../src/http/server.ts';
import { memoryLogger, silentLogger } from '../src/log.ts';
import { parseSchedules, type Schedule } from '../src/schedules/file.ts';
import { runSchedule, type RunContext } from '../src/schedules/run.ts';
import { startSchedules } from '../src/schedules/scheduler.ts';
import { claimRun, idempotencyKey, setDelivery } from '../src/schedules/runs.ts';
import { PARAM_NAMES } from '../src/report/params.ts';

const TZ = 'Asia/Dubai';
const db = useTestDatabase('schedules-delivery', TZ);
const SECRET = 'whsec-0123456789abcdef';
const LOGIN = { user: 'apr-mailer', pass: 'smtp-Pw-9d2f' };
/** 2025-09-08 07:00 in Dubai: "yesterday" is 2025-09-07. */
const AT = DateTime.fromISO('2025-09-08T07:00:00', { zone: TZ }).toMillis();

let api: { url: string; close(): Promise<void> };
let smtp: SmtpPeer;
let hook: HttpsPeer;
let answers: (n: number) => number | 'hang' = () => 200;
let folder: string;
let key = 0;

beforeAll(async () => {
  const { pool } = db();
  // 2025-09-07: two agents over the whole day, the day loaded (and the horizon past it)
  const hours = await hourStarts(pool, '2025-09-07 00:00:00', '2025-09-08 00:00:00');
  await setAgent(pool, '4101', 'Layla Menon');
  await setAgent(pool, '4102', '=Omar, "the" Saleh');
  await insertActivity(pool, hours.flatMap((h, i) => [
    { hourStart: h, ext: '4101', idle_s: 600 + i, talk_s: 300, total_calls: 2, answered_calls: 1 },
    { hourStart: h, ext: '4102', lunch_s: 900, tickets_s: i * 10 },
  ]));
  await setHorizon(pool, hours.at(-1)! + 3600 + 600);
  api = await startHttpServer(testConfig(db().url, TZ), db().pool, silentLogger);
  smtp = await startSmtp(LOGIN);
  hook = await startHttpsReceiver((n) => answers(n));
  folder = mkdtempSync(join(tmpdir(), 'apr-sched-folder-'));
});

afterAll(async () => {
  await api?.close();
  await smtp?.close();
  await hook?.close();
});

function schedule(extra: Record<string, unknown> = {}, name = 'north-daily'): Schedule {
  const [s] = parseSchedules('test.json', {
    schedules: [{
      name,
      cron: '0 7 * * *',
      range: 'yesterday',
      report: { interval: '1h', format: 'csv', durations: 'hms' },
      email: { to: ['sup@example.com'], subject: 'North, yesterday' },
      folder,
      webhook: { url: hook.url, secret: SECRET },
      ...extra,
    }],
  }, TZ);
  return s!;
}

function context(extra: Partial<RunContext> = {}): RunContext {
  return {
    pool: db().pool,
    log: silentLogger,
    reportTz: TZ,
    reportMaxDays: 93,
    waitMinutes: 0,
    mail: { url: smtp.url(LOGIN.user, LOGIN.pass), from: 'APR <apr@example.com>', tls: { ca: CERT } },
    webhook: { tls: { ca: CERT }, timeoutMs: 5000 },
    retry: { attempts: 3, startingDelayMs: 10, maxDelayMs: 20 },
    ...extra,
  };
}

const manual = (s: Schedule, ctx = context(), at = AT) => runSchedule(ctx, s, at, 'manual', `manual:test-${++key}`, false);

function filenameOf(r: RawResponse): string {
  return /filename="([^"]+)"/.exec(String(r.headers['content-disposition']))![1]!;
}

function signatureOk(body: Buffer, header: unknown): boolean {
  return header === `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
}

describe('a run delivers the API bytes everywhere', () => {
  it('by mail (login after STARTTLS), to the folder and to the webhook, signed', async () => {
    const mailsBefore = smtp.mails.length;
    const postsBefore = hook.posts.length;
    const r = await manual(schedule());
    expect(r.outcome, r.error).toBe('ok');
    expect(r.note).toBeNull();
    expect(r.deliveries.map((d) => `${d.destination}:${d.status}`).sort()).toEqual(['email:sent', 'folder:sent', 'webhook:sent']);

    const fromApi = await get(`${api.url}/api/report?startDate=2025-09-07&endDate=2025-09-08&interval=1h&format=csv&durations=hms`);
    expect(fromApi.status).toBe(200);
    const filename = filenameOf(fromApi);
    expect(filename).toBe('report_2025-09-07_to_2025-09-08.csv');
    expect(fromApi.text.split('\r\n').length - 2).toBe(48);

    const got = smtp.mails.slice(mailsBefore);
    expect(got).toHaveLength(1);
    const { mail, secure, user } = got[0]!;
    expect(secure).toBe(true);
    expect(user).toBe(LOGIN.user);
    expect(mail.subject).toBe('North, yesterday');
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0]!.filename).toBe(filename);
    expect(mail.attachments[0]!.content.equals(fromApi.body)).toBe(true);
    expect(mail.text).toContain('Range: 2025-09-07 00:00 to 2025-09-08 00:00 (Asia/Dubai)');
    expect(mail.text).toContain('Rows: 48');
    expect(mail.text).toContain('Data loaded up to: 2025-09-08 00:10:00 +04:00');
    expect(mail.text).not.toContain('NOT COMPLETE');

    expect(readdirSync(folder)).toEqual([filename]);
    expect(readFileSync(join(folder, filename)).equals(fromApi.body)).toBe(true);

    const posts = hook.posts.slice(postsBefore);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.body.equals(fromApi.body)).toBe(true);
    expect(signatureOk(posts[0]!.body, posts[0]!.headers['x-apr-signature'])).toBe(true);
    expect(posts[0]!.headers['content-disposition']).toBe(`attachment; filename="${filename}"`);
    expect(posts[0]!.headers['content-type']).toBe(fromApi.headers['content-type']);
    expect(posts[0]!.headers['x-data-horizon']).toBe(fromApi.headers['x-data-horizon']);
    expect(posts[0]!.headers['idempotency-key']).toMatch(/^[0-9a-f]{40}$/);

    const [run] = await rows<{ outcome: string; bytes: number; row_count: number; error: string | null; range_label: string }>(db().pool, 'SELECT outcome, bytes, row_count, error, range_label FROM schedule_runs WHERE id = ?', [r.runId]);
    expect(run).toEqual({ outcome: 'ok', bytes: fromApi.body.length, row_count: 48, error: null, range_label: '2025-09-07 00:00 to 2025-09-08 00:00' });
  });

  it('JSON by day, as the API names and writes it', async () => {
    const postsBefore = hook.posts.length;
    const r = await manual(schedule({ report: { interval: 'day', format: 'json', durations: 'seconds' }, email: undefined, folder: undefined }));
    expect(r.outcome, r.error).toBe('ok');
    const fromApi = await get(`${api.url}/api/report?startDate=2025-09-07&endDate=2025-09-08&interval=day&format=json&durations=seconds`);
    const post = hook.posts[postsBefore]!;
    expect(post.body.equals(fromApi.body)).toBe(true);
    expect(post.headers['content-disposition']).toBe(`attachment; filename="${filenameOf(fromApi)}"`);
    expect(filenameOf(fromApi)).toBe('report_2025-09-07_to_2025-09-08_day.json');
  });

  it('the breaks report (breaks: true), as GET /api/breaks names and writes it', async () => {
    const postsBefore = hook.posts.length;
    const r = await manual(schedule({ report: { breaks: true }, email: undefined, folder: undefined }));
    expect(r.outcome, r.error).toBe('ok');
    const fromApi = await get(`${api.url}/api/breaks?startDate=2025-09-07&endDate=2025-09-08`);
    expect(fromApi.status).toBe(200);
    expect(filenameOf(fromApi)).toBe('breaks_2025-09-07_to_2025-09-08.csv');
    const post = hook.posts[postsBefore]!;
    expect(post.body.equals(fromApi.body)).toBe(true);
    expect(post.headers['content-disposition']).toBe(`attachment; filename="${filenameOf(fromApi)}"`);
  });
});

describe('failures', () => {
  it('a 503 is retried with backoff (same key, valid signature each time); then it is taken', async () => {
    const before = hook.posts.length;
    answers = (n) => (n === before ? 503 : 200);
    try {
      const r = await manual(schedule({ email: undefined, folder: undefined }));
      expect(r.outcome, r.error).toBe('ok');
      const posts = hook.posts.slice(before);
      expect(posts.map((p) => p.answer)).toEqual([503, 200]);
      expect(posts[0]!.headers['idempotency-key']).toBe(posts[1]!.headers['idempotency-key']);
      expect(posts.every((p) => signatureOk(p.body, p.headers['x-apr-signature']))).toBe(true);
      const [d] = await rows<{ status: string; attempts: number }>(db().pool, "SELECT status, attempts FROM schedule_deliveries WHERE run_id = ? AND destination = 'webhook'", [r.runId]);
      expect(d).toEqual({ status: 'sent', attempts: 2 });
    } finally {
      answers = () => 200;
    }
  });

  it('a 400 is not retried: the run fails naming it, the other destinations still get the file', async () => {
    const before = hook.posts.length;
    answers = () => 400;
    try {
      const r = await manual(schedule({ email: undefined }));
      expect(r.outcome).toBe('failed');
      expect(r.error).toMatch(/^webhook: https:\/\/127\.0\.0\.1:\d+: HTTP 400$/);
      expect(hook.posts.length - before).toBe(1);
      expect(r.deliveries.find((d) => d.destination === 'folder')?.status).toBe('sent');
    } finally {
      answers = () => 200;
    }
  });

  it('a refused SMTP login is not retried and says so; the password is in no log line', async () => {
    const log = memoryLogger();
    const mailsBefore = smtp.mails.length;
    const r = await manual(schedule({ folder: undefined, webhook: undefined }), context({ log, mail: { url: smtp.url(LOGIN.user, 'wrong-Pw-123'), from: 'apr@example.com', tls: { ca: CERT } } }));
    expect(r.outcome).toBe('failed');
    expect(r.error).toMatch(/^email: SMTP: .*(535|Invalid)/);
    expect(smtp.mails.length).toBe(mailsBefore);
    const [d] = await rows<{ attempts: number }>(db().pool, "SELECT attempts FROM schedule_deliveries WHERE run_id = ? AND destination = 'email'", [r.runId]);
    expect(d!.attempts).toBe(1);
    expect(log.lines.join('\n')).not.toContain('wrong-Pw-123');
  });

  it('a parameter this build does not take is never dropped: the run fails naming it', async () => {
    const r = await manual(schedule({ report: { team: 'North', by: 'team' } }));
    if (PARAM_NAMES.includes('team' as never)) {
      // built with teams: the API's own answer for the team, never a report of everyone
      expect(r.error ?? '').not.toMatch(/does not have/);
    } else {
      expect(r.outcome).toBe('failed');
      expect(r.error).toBe('report.team needs the /api/report parameter team, which this build does not have: remove it from the schedule, or upgrade');
      expect(r.deliveries).toEqual([]);
    }
  });
});

describe('a range not fully loaded', () => {
  it('goes out after the wait with the Not Loaded hours named, in the mail and the webhook headers', async () => {
    const { pool } = db();
    // 2025-09-09: only 09:00-11:00 loaded
    const hours = await hourStarts(pool, '2025-09-09 09:00:00', '2025-09-09 11:00:00');
    await insertActivity(pool, hours.map((h) => ({ hourStart: h, ext: '4101', idle_s: 1200 })));
    const at = DateTime.fromISO('2025-09-10T07:00:00', { zone: TZ }).toMillis();
    const mailsBefore = smtp.mails.length;
    const postsBefore = hook.posts.length;
    const r = await runSchedule(context({ clock: () => at + 1000, pollMs: 10 }), schedule({ folder: undefined, waitMinutes: 0 }), at, 'schedule', `at:${at / 1000}`, true);
    expect(r.outcome, r.error).toBe('ok');
    const note = '22 hour(s) with Not Loaded time: 2025-09-09 00:00 to 2025-09-09 09:00 (9 h), 2025-09-09 11:00 to 2025-09-10 00:00 (13 h)';
    expect(r.note).toBe(note);
    const { mail } = smtp.mails[mailsBefore]!;
    expect(mail.subject).toBe('North, yesterday (not complete)');
    expect(mail.text).toContain(`NOT COMPLETE: ${note}`);
    expect(hook.posts[postsBefore]!.headers['x-apr-not-loaded']).toBe(note);
    const [run] = await rows<{ note: string }>(pool, 'SELECT note FROM schedule_runs WHERE id = ?', [r.runId]);
    expect(run!.note).toBe(note);
    // the same scheduled time again (a second collector, a restart): refused, nothing sent
    const again = await runSchedule(context(), schedule(), at, 'schedule', `at:${at / 1000}`, true);
    expect(again.outcome).toBe('skipped');
    expect(smtp.mails.length).toBe(mailsBefore + 1);
  });
});

describe('restarts', () => {
  it('an unfinished run is resumed: only the destinations not yet served get it', async () => {
    const { pool } = db();
    const s = schedule({ email: undefined }, 'resumed');
    const at = AT;
    const runKey = `at:${at / 1000}`;
    const runId = (await claimRun(pool, { schedule: s.name, runKey, trigger: 'schedule', scheduledAt: at / 1000, rangeName: s.range, rangeLabel: 'x', destinations: ['folder', 'webhook'] }))!;
    // it had written the folder before the crash
    await setDelivery(pool, runId, 'folder', 'sent', { receipt: 'before the crash' });
    const empty = mkdtempSync(join(tmpdir(), 'apr-sched-resume-'));
    const before = hook.posts.length;
    const scheduler = startSchedules([{ ...s, folder: empty }], { ...context(), clock: () => at + 60_000 });
    await scheduler.ready;
    await scheduler.stop();
    expect(readdirSync(empty)).toEqual([]); // not written twice
    expect(hook.posts.length - before).toBe(1);
    expect(hook.posts[before]!.headers['idempotency-key']).toBe(idempotencyKey(s.name, runKey, 'webhook'));
    const [run] = await rows<{ outcome: string }>(pool, 'SELECT outcome FROM schedule_runs WHERE id = ?', [runId]);
    expect(run!.outcome).toBe('ok');
  });

  it('the latest time missed while stopped is caught up once, with the range of that time', async () => {
    const { pool } = db();
    const s = schedule({ email: undefined, webhook: undefined }, 'caught-up');
    // it ran the day before, so it is no new schedule
    await claimRun(pool, { schedule: s.name, runKey: 'at:1', trigger: 'schedule', scheduledAt: 1, rangeName: s.range, rangeLabel: 'x', destinations: ['folder'] });
    const clock = () => AT + 3 * 3600_000; // started at 10:00, three hours after the 07:00 run
    for (let i = 0; i < 2; i++) {
      const scheduler = startSchedules([s], { ...context(), clock });
      await scheduler.ready;
      await scheduler.stop();
    }
    const runs = await rows<{ run_key: string; trigger_kind: string; range_label: string; outcome: string }>(pool, "SELECT run_key, trigger_kind, range_label, outcome FROM schedule_runs WHERE schedule = 'caught-up' AND run_key <> 'at:1'");
    expect(runs).toEqual([{ run_key: `at:${AT / 1000}`, trigger_kind: 'catch-up', range_label: '2025-09-07 00:00 to 2025-09-08 00:00', outcome: 'ok' }]);
  });
});

describe('on its cron', () => {
  it('fires at its local time in REPORT_TZ, after the collector run going then, keyed by the scheduled second', async () => {
    const target = Math.ceil(Date.now() / 1000) + 3; // a few seconds from now
    const local = DateTime.fromSeconds(target, { zone: TZ });
    const cron = `${local.second} ${local.minute} ${local.hour} * * *`;
    const dir = mkdtempSync(join(tmpdir(), 'apr-sched-cron-'));
    const s = { ...schedule({ email: undefined, webhook: undefined, folder: dir }, 'on-cron'), cron };
    let collectorDoneAt = 0;
    // the collector's run of that minute is still going when the schedule fires: it ends 1.5 s later
    const collectorSettled = () => new Promise<void>((resolve) => setTimeout(() => resolve(), Math.max(0, target * 1000 + 1500 - Date.now()))).then(() => {
      collectorDoneAt ||= Date.now();
    });
    const scheduler = startSchedules([s], { ...context(), collectorSettled });
    expect(scheduler.nextRuns()).toEqual([{ name: 'on-cron', next: new Date(target * 1000) }]);
    try {
      const run = await (async () => {
        for (let i = 0; i < 100; i++) {
          const [r] = await rows<{ run_key: string; trigger_kind: string; outcome: string }>(db().pool, "SELECT run_key, trigger_kind, outcome FROM schedule_runs WHERE schedule = 'on-cron' AND outcome <> 'running'");
          if (r) return r;
          await new Promise((res) => setTimeout(res, 100));
        }
        throw new Error('the schedule did not run');
      })();
      expect(run).toEqual({ run_key: `at:${target}`, trigger_kind: 'schedule', outcome: 'ok' });
      const [file] = readdirSync(dir);
      expect(collectorDoneAt).toBeGreaterThan(0);
      expect(statSync(join(dir, file!)).mtimeMs).toBeGreaterThanOrEqual(collectorDoneAt - 5); // (file times may round down)
    } finally {
      await scheduler.stop();
    }
  });
});

describe('status and metrics', () => {
  it('/api/status and /metrics show the last outcome of each schedule', async () => {
    const status = (await get(`${api.url}/api/status`)).json() as { scheduledReports: { name: string; nextRun: string | null; lastRun: { outcome: string; range: string; rows: number | null; error: string | null } | null }[] };
    const byName = new Map(status.scheduledReports.map((s) => [s.name, s]));
    expect(byName.get('caught-up')).toMatchObject({ nextRun: null, lastRun: { outcome: 'ok', range: '2025-09-07 00:00 to 2025-09-08 00:00', rows: 48, error: null } });
    expect(byName.get('north-daily')?.lastRun?.outcome).toMatch(/^(ok|failed)$/);
    const metrics = (await get(`${api.url}/metrics`)).text;
    expect(metrics).toContain('apr_schedule_last_run_outcome{schedule="caught-up",outcome="ok"} 1');
    expect(metrics).toContain('apr_schedule_last_run_outcome{schedule="caught-up",outcome="failed"} 0');
    expect(metrics).toMatch(/apr_schedule_last_run_timestamp_seconds\{schedule="caught-up"\} \d{10}/);
    expect(metrics).toMatch(/apr_schedule_deliveries_total\{destination="webhook",outcome="sent"\} [1-9]/);
  });
});
