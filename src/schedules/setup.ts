// What `npm start` and `npm run schedules` share: the schedule file read and checked
// against the environment, and the settings a run needs from the configuration.
import type { Pool } from 'mysql2/promise';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { registerSecret } from '../log.ts';
import { checkDestinations, loadSchedules, type Schedule } from './file.ts';
import type { RunContext } from './run.ts';

/** The schedules of REPORT_SCHEDULES ([] when unset); throws ScheduleFileError with one line. */
export async function schedulesFromConfig(cfg: Config, opts: { checkDestinations: boolean }): Promise<Schedule[]> {
  if (cfg.reportSchedules === undefined) return [];
  const schedules = await loadSchedules(cfg.reportSchedules, cfg.reportTz);
  for (const s of schedules) if (s.webhook) registerSecret(s.webhook.secret);
  if (opts.checkDestinations) await checkDestinations(cfg.reportSchedules, schedules, cfg);
  return schedules;
}

export function runContextFrom(cfg: Config, pool: Pool, log: Logger): Omit<RunContext, 'signal'> {
  return {
    pool,
    log,
    reportTz: cfg.reportTz,
    reportMaxDays: cfg.reportMaxDays,
    waitMinutes: cfg.scheduleWaitMinutes,
    mail: cfg.smtpUrl !== undefined && cfg.smtpFrom !== undefined ? { url: cfg.smtpUrl, from: cfg.smtpFrom } : undefined,
  };
}
