// One run of a schedule: claim it (once per scheduled time), wait until its range is
// loaded (at most the schedule's wait, then go with a note naming the Not Loaded hours),
// produce the API's bytes, hand them to every destination not yet served, each retried
// with backoff, and record every step, so a restart resumes exactly what is left.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'mysql2/promise';
import { DateTime } from 'luxon';
import { backOff } from 'exponential-backoff';
import type { Logger } from '../log.ts';
import { registerSecret } from '../log.ts';
import { wallSeconds, wallToInstant } from '../report/localtime.ts';
import { notLoadedHours, type NotLoadedHour } from '../report/not-loaded.ts';
import { ParamError } from '../report/params.ts';
import { scheduleDeliveries } from '../metrics.ts';
import { destinationsOf, type Destination, type Schedule } from './file.ts';
import { EmptyRangeError, localRange, rangeLabel, type LocalRange } from './range.ts';
import { produceReport, type Produced } from './produce.ts';
import { UnavailableReportError } from './report-source.ts';
import * as runs from './runs.ts';
import { DeliveryError, type Delivery } from './deliver/delivery.ts';
import { sendEmail, type MailSettings } from './deliver/email.ts';
import { writeToFolder } from './deliver/folder.ts';
import { postWebhook, type WebhookSettings } from './deliver/webhook.ts';

export interface RetrySettings {
  /** Tries per delivery, the first included (default 6). */
  attempts: number;
  /** First wait, ms (default 10 s); doubles, with full jitter. */
  startingDelayMs: number;
  /** Longest wait, ms (default 5 min). */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetrySettings = { attempts: 6, startingDelayMs: 10_000, maxDelayMs: 300_000 };

export interface RunContext {
  pool: Pool;
  log: Logger;
  reportTz: string;
  reportMaxDays: number;
  /** SCHEDULE_WAIT_MINUTES, unless the schedule says otherwise. */
  waitMinutes: number;
  /** SMTP_URL and SMTP_FROM (needed by schedules with email). */
  mail?: MailSettings;
  webhook?: WebhookSettings;
  retry?: RetrySettings;
  /** How often to look again while waiting for the range to be loaded, ms (default 30 s). */
  pollMs?: number;
  /** Resolves when the collector of this process is between runs (undefined: none here). */
  collectorSettled?: () => Promise<void>;
  signal?: AbortSignal;
  clock?: () => number;
}

export interface RunResult {
  /** 'skipped': this time was claimed before (another process, or before a restart). */
  outcome: 'ok' | 'failed' | 'skipped' | 'stopped';
  runId: number | null;
  range?: LocalRange;
  produced?: Pick<Produced, 'filename' | 'bytes' | 'rows' | 'apiPath'>;
  note?: string | null;
  deliveries: { destination: Destination; status: runs.DeliveryStatus; detail: string }[];
  error?: string;
}

function instants(r: LocalRange, tz: string): { from: number; to: number } {
  return { from: wallToInstant(wallSeconds(r.startDate, '00:00:00'), tz), to: wallToInstant(wallSeconds(r.endDate, r.endTime ?? '00:00:00'), tz) };
}

/** "Not Loaded hours: 2025-09-07 09:00 to 11:00 (2 h), ..." in local time; null when none. */
export function notLoadedNote(hours: NotLoadedHour[]): string | null {
  if (hours.length === 0) return null;
  const spans: { start: string; end: string; n: number }[] = [];
  let last: NotLoadedHour | undefined;
  for (const h of hours) {
    const span = spans.at(-1);
    if (span && last && last.hourEnd === h.hourStart) {
      span.end = h.localEnd;
      span.n++;
    } else spans.push({ start: h.localStart, end: h.localEnd, n: 1 });
    last = h;
  }
  const shown = spans.slice(0, 5).map((s) => `${s.start.slice(0, 16)} to ${s.end.slice(0, 16)} (${s.n} h)`);
  if (spans.length > 5) shown.push(`and ${spans.length - 5} more`);
  return `${hours.length} hour(s) with Not Loaded time: ${shown.join(', ')}`;
}

/**
 * Waits until the range is loaded or `deadlineMs` passes, checking after each collector
 * run (and every pollMs); the Not Loaded hours left, or [] when loaded.
 */
async function waitForLoaded(ctx: RunContext, range: LocalRange, deadlineMs: number): Promise<NotLoadedHour[]> {
  const { from, to } = instants(range, ctx.reportTz);
  const now = ctx.clock ?? Date.now;
  for (;;) {
    await ctx.collectorSettled?.();
    const left = await notLoadedHours(ctx.pool, from, to, to);
    if (left.length === 0 || now() >= deadlineMs || ctx.signal?.aborted) return left;
    await sleep(Math.min(ctx.pollMs ?? 30_000, Math.max(0, deadlineMs - now())), undefined, { signal: ctx.signal }).catch(() => {});
  }
}

function deliverOnce(ctx: RunContext, schedule: Schedule, destination: Destination, d: Delivery): Promise<string> {
  // a run resumed after the file changed
  if (schedule[destination] === undefined) throw new DeliveryError(`${destination} is no longer in the schedule`, false);
  switch (destination) {
    case 'email':
      if (ctx.mail === undefined) throw new DeliveryError('SMTP_URL and SMTP_FROM are not set', false);
      return sendEmail(d, schedule.email!, ctx.mail);
    case 'folder':
      return writeToFolder(d, schedule.folder!);
    case 'webhook':
      return postWebhook(d, schedule.webhook!, { ...ctx.webhook, signal: ctx.signal });
  }
}

/** One destination, retried with backoff while the failure may pass; records each attempt. */
async function deliver(ctx: RunContext, runId: number, schedule: Schedule, destination: Destination, d: Delivery): Promise<RunResult['deliveries'][number]> {
  const retry = ctx.retry ?? DEFAULT_RETRY;
  try {
    const receipt = await backOff(
      async () => {
        ctx.signal?.throwIfAborted();
        await runs.setDelivery(ctx.pool, runId, destination, 'sending', { attempt: true });
        return deliverOnce(ctx, schedule, destination, d);
      },
      {
        numOfAttempts: retry.attempts,
        startingDelay: 0,
        retry: async (err: unknown, attempt: number) => {
          if (!(err instanceof DeliveryError) || !err.transient || ctx.signal?.aborted || attempt >= retry.attempts) return false;
          const waitMs = Math.round(Math.random() * Math.min(retry.maxDelayMs, retry.startingDelayMs * 2 ** (attempt - 1)));
          await runs.setDelivery(ctx.pool, runId, destination, 'pending', { error: err.message });
          ctx.log.warn('scheduled report delivery failed; retrying', { schedule: schedule.name, run: runId, destination, attempt: `${attempt}/${retry.attempts}`, wait_ms: waitMs, error: err.message });
          await sleep(waitMs, undefined, { signal: ctx.signal }).catch(() => {});
          return !ctx.signal?.aborted;
        },
      },
    );
    await runs.setDelivery(ctx.pool, runId, destination, 'sent', { receipt });
    scheduleDeliveries.inc({ destination, outcome: 'sent' });
    ctx.log.info('scheduled report delivered', { schedule: schedule.name, run: runId, destination, receipt });
    return { destination, status: 'sent', detail: receipt };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (ctx.signal?.aborted) {
      // stopping: left for the next start to resume
      await runs.setDelivery(ctx.pool, runId, destination, 'pending', { error: 'stopped before it was delivered' });
      return { destination, status: 'pending', detail: 'stopped; resumed at the next start' };
    }
    await runs.setDelivery(ctx.pool, runId, destination, 'failed', { error: message });
    scheduleDeliveries.inc({ destination, outcome: 'failed' });
    ctx.log.error('scheduled report not delivered', { schedule: schedule.name, run: runId, destination, error: message });
    return { destination, status: 'failed', detail: message };
  }
}

/** Produces and delivers a claimed run whose lock is held, to the destinations not yet served. */
async function carryOut(ctx: RunContext, runId: number, schedule: Schedule, range: LocalRange, deadlineMs: number): Promise<RunResult> {
  const label = `${rangeLabel(range)} (${ctx.reportTz})`;
  let produced: Produced | undefined;
  try {
    const left = await waitForLoaded(ctx, range, deadlineMs);
    if (ctx.signal?.aborted) return { outcome: 'stopped', runId, range, deliveries: [] };
    const note = notLoadedNote(left);
    produced = await produceReport(ctx.pool, schedule.report, range, ctx.reportTz, ctx.reportMaxDays);
    await runs.recordProduced(ctx.pool, runId, produced, note);
    if (note !== null) ctx.log.warn('scheduled report goes out incomplete', { schedule: schedule.name, run: runId, range: label, not_loaded: note });
    const horizonLabel = produced.horizon === null ? 'nothing loaded' : DateTime.fromSeconds(produced.horizon, { zone: ctx.reportTz }).toFormat("yyyy-MM-dd HH:mm:ss ZZ");
    const todo = (await runs.deliveries(ctx.pool, runId)).filter((r) => r.status !== 'sent');
    const results = await Promise.all(
      todo.map((r) =>
        deliver(ctx, runId, schedule, r.destination, { schedule: schedule.name, produced: produced!, idempotencyKey: r.idempotency_key, rangeLabel: label, horizonLabel, notLoaded: note }),
      ),
    );
    const done = (await runs.deliveries(ctx.pool, runId)).map((r) => results.find((x) => x.destination === r.destination) ?? { destination: r.destination, status: r.status, detail: 'delivered before' });
    const summary = { filename: produced.filename, bytes: produced.bytes, rows: produced.rows, apiPath: produced.apiPath };
    if (ctx.signal?.aborted && done.some((x) => x.status !== 'sent' && x.status !== 'failed')) return { outcome: 'stopped', runId, range, produced: summary, note, deliveries: done };
    const failed = done.filter((x) => x.status !== 'sent');
    const error = failed.length === 0 ? null : failed.map((x) => `${x.destination}: ${x.detail}`).join('; ');
    await runs.finishRun(ctx.pool, runId, error === null ? 'ok' : 'failed', error);
    return { outcome: error === null ? 'ok' : 'failed', runId, range, produced: summary, note, deliveries: done, ...(error === null ? {} : { error }) };
  } catch (err) {
    // the report could not be produced: nothing was sent anywhere
    const known = err instanceof UnavailableReportError || err instanceof ParamError;
    const error = known ? (err as Error).message : `the report could not be produced: ${(err as Error).message}`;
    if (ctx.signal?.aborted) return { outcome: 'stopped', runId, range, deliveries: [] };
    await runs.finishRun(ctx.pool, runId, 'failed', error);
    ctx.log.error('scheduled report failed', { schedule: schedule.name, run: runId, error });
    return { outcome: 'failed', runId, range, deliveries: [], error };
  } finally {
    await produced?.discard();
  }
}

/**
 * Runs `schedule` for the time `atMs` (its range is computed from it). `runKey` makes the
 * run unique: 'at:<seconds>' for a scheduled time, anything unique for a manual run.
 * `wait`: wait for the range to be loaded (scheduled runs), or go at once (manual).
 */
export async function runSchedule(ctx: RunContext, schedule: Schedule, atMs: number, trigger: runs.Trigger, runKey: string, wait: boolean): Promise<RunResult> {
  if (schedule.webhook) registerSecret(schedule.webhook.secret);
  let range: LocalRange | undefined;
  let error: string | undefined;
  try {
    range = localRange(schedule.range, atMs, ctx.reportTz);
  } catch (err) {
    if (!(err instanceof EmptyRangeError)) throw err;
    error = err.message;
  }
  const runId = await runs.claimRun(ctx.pool, {
    schedule: schedule.name,
    runKey,
    trigger,
    scheduledAt: Math.floor(atMs / 1000),
    rangeName: schedule.range,
    rangeLabel: range ? rangeLabel(range) : '(empty)',
    destinations: destinationsOf(schedule),
  });
  if (runId === null) {
    ctx.log.info('scheduled report already run for this time: skipped', { schedule: schedule.name, run_key: runKey });
    return { outcome: 'skipped', runId: null, deliveries: [] };
  }
  if (range === undefined) {
    await runs.finishRun(ctx.pool, runId, 'failed', error!);
    return { outcome: 'failed', runId, deliveries: [], error };
  }
  const lock = await runs.lockRun(ctx.pool, runId);
  if (lock === null) return { outcome: 'skipped', runId, deliveries: [] };
  try {
    ctx.log.info('scheduled report run', { schedule: schedule.name, run: runId, trigger, range: rangeLabel(range), local_tz: ctx.reportTz });
    const waitMs = wait ? (schedule.waitMinutes ?? ctx.waitMinutes) * 60_000 : 0;
    return await carryOut(ctx, runId, schedule, range, atMs + waitMs);
  } finally {
    await lock.release();
  }
}

/**
 * Finishes a run a crash or a stop left 'running': the same range, only the destinations
 * not yet served. Skipped while another process holds it.
 */
export async function resumeRun(ctx: RunContext, schedule: Schedule, row: runs.RunRow): Promise<RunResult> {
  if (schedule.webhook) registerSecret(schedule.webhook.secret);
  const lock = await runs.lockRun(ctx.pool, row.id);
  if (lock === null) return { outcome: 'skipped', runId: row.id, deliveries: [] };
  try {
    const atMs = Number(row.scheduled_at) * 1000;
    const range = localRange(schedule.range, atMs, ctx.reportTz);
    ctx.log.info('scheduled report resumed after a restart', { schedule: schedule.name, run: row.id, range: rangeLabel(range) });
    return await carryOut(ctx, row.id, schedule, range, (ctx.clock ?? Date.now)());
  } finally {
    await lock.release();
  }
}
