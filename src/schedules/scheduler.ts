// Runs the schedules in the collecting process: each on its cron in REPORT_TZ
// (node-schedule), after the collector's run of that minute. At start-up it first
// resumes runs a crash or a stop left unfinished, then catches up the latest scheduled
// time missed while the process was down (within a day, for a schedule that ran before),
// so a restart neither loses a report nor sends one twice.
import { setTimeout as sleep } from 'node:timers/promises';
import schedule from 'node-schedule';
import cronParser from 'cron-parser';
import type { Schedule } from './file.ts';
import * as runs from './runs.ts';
import { resumeRun, runSchedule, type RunContext, type RunResult } from './run.ts';

/** How far back a missed time or an unfinished run is still worth sending. */
const CATCH_UP_S = 86400;
/** The collector's tick of the same minute starts within this long of ours. */
const COLLECTOR_START_MS = 1000;

export interface Scheduler {
  /** When each schedule runs next (null once stopped). */
  nextRuns(): { name: string; next: Date | null }[];
  /** Resolves when the start-up work (the runs resumed and caught up) is done. */
  ready: Promise<void>;
  /** Cancels the jobs, stops waits and retries (what is left is resumed at the next start), waits. */
  stop(): Promise<void>;
}

/** The latest time `cron` fired at or before `atMs` in `tz`. */
export function previousRun(cron: string, tz: string, atMs: number): Date {
  return cronParser.parseExpression(cron, { tz, currentDate: new Date(atMs + 1) }).prev().toDate();
}

/** The next time `cron` fires after `atMs` in `tz`. */
export function nextRun(cron: string, tz: string, atMs: number): Date {
  return cronParser.parseExpression(cron, { tz, currentDate: new Date(atMs) }).next().toDate();
}

export const runKeyAt = (ms: number) => `at:${Math.floor(ms / 1000)}`;

export function startSchedules(schedules: Schedule[], ctx: Omit<RunContext, 'signal'>): Scheduler {
  const abort = new AbortController();
  const run: RunContext = { ...ctx, signal: abort.signal };
  const now = ctx.clock ?? Date.now;
  const inFlight = new Set<Promise<RunResult | void>>();
  const track = (p: Promise<RunResult | void>) => {
    const q = p.catch((err: unknown) => ctx.log.error('scheduled report crashed', { error: (err as Error).message }));
    inFlight.add(q);
    void q.finally(() => inFlight.delete(q));
    return q;
  };
  const collectorFirst: RunContext = {
    ...run,
    // our tick and the collector's fire in the same instant: let its run start, then wait for it
    collectorSettled: ctx.collectorSettled && (async () => {
      await sleep(COLLECTOR_START_MS, undefined, { signal: abort.signal }).catch(() => {});
      await ctx.collectorSettled!();
    }),
  };
  const fire = (s: Schedule, atMs: number, trigger: runs.Trigger) => track(runSchedule(collectorFirst, s, atMs, trigger, runKeyAt(atMs), true));

  // all side by side: a resumed run retrying a slow destination holds up no other schedule
  const startUp = async () => {
    const byName = new Map(schedules.map((s) => [s.name, s]));
    const work: Promise<unknown>[] = [];
    for (const row of await runs.unfinishedRuns(ctx.pool, Math.floor(now() / 1000) - CATCH_UP_S)) {
      const s = byName.get(row.schedule);
      if (s === undefined) await runs.finishRun(ctx.pool, row.id, 'failed', 'the schedule is no longer in REPORT_SCHEDULES');
      else work.push(track(resumeRun(run, s, row)));
    }
    for (const s of schedules) {
      const prev = previousRun(s.cron, ctx.reportTz, now()).getTime();
      if (prev < now() - CATCH_UP_S * 1000) continue;
      if (!(await runs.hasScheduledRun(ctx.pool, s.name)) || (await runs.runExists(ctx.pool, s.name, runKeyAt(prev)))) continue;
      ctx.log.info('scheduled report missed while stopped: running it now', { schedule: s.name, scheduled: new Date(prev).toISOString() });
      work.push(fire(s, prev, 'catch-up'));
    }
    await Promise.all(work);
  };

  const jobs = schedules.map((s) => {
    const job = schedule.scheduleJob({ rule: s.cron, tz: ctx.reportTz }, (fireDate: { getTime(): number }) => void fire(s, fireDate.getTime(), 'schedule'));
    if (job === null) throw new Error(`schedule ${JSON.stringify(s.name)}: cron ${JSON.stringify(s.cron)} cannot be scheduled`);
    return { name: s.name, job };
  });
  ctx.log.info('scheduled reports', { schedules: schedules.map((s) => `${s.name} (${s.cron}, ${s.range})`).join(', '), tz: ctx.reportTz });
  const ready = startUp().catch((err: unknown) => ctx.log.error('resuming scheduled reports failed', { error: (err as Error).message }));

  return {
    ready,
    nextRuns: () =>
      jobs.map(({ name, job }) => {
        const next = abort.signal.aborted ? null : (job.nextInvocation() as { getTime(): number } | null);
        return { name, next: next === null ? null : new Date(next.getTime()) };
      }),
    async stop() {
      for (const { job } of jobs) job.cancel();
      abort.abort();
      await ready;
      await Promise.all([...inFlight]);
    },
  };
}
