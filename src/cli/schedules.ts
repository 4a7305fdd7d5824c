// npm run schedules -- list | run NAME | history [--schedule NAME] [--limit N]
import { randomBytes } from 'node:crypto';
import { wholeFlag } from '../numbers.ts';
import { UsageError } from '../usage-error.ts';
import { runCommand } from './command.ts';
import { EXIT, fail } from './exit.ts';

const HELP = `Usage: npm run schedules -- list | run NAME | history [--schedule NAME] [--limit N]

The scheduled reports of the file named by REPORT_SCHEDULES (README, "Scheduled
reports"). npm start runs them on their cron in REPORT_TZ; this command looks at them.

  list          each schedule: its cron, range, report, destinations and next run
  run NAME      runs the schedule now, at once, with its range computed from the current
                time (no waiting for data: an incomplete range goes out with a note naming
                the Not Loaded hours); prints each destination's outcome. Recorded in the
                history like a scheduled run. Exit 0 only when every destination took it.
  history       the latest runs, newest first: range, outcome, rows, bytes, each
                destination's delivery, any Not Loaded note or error
    --schedule NAME   only this schedule's runs
    --limit N         how many (1-1000, default 20)
  --help        this text

A bad schedule file is one line naming the schedule and the field (exit 78), for every
action. Exit codes: 0 done; 1 a run failed (a destination did not take it, or the
report could not be produced); 2 a wrong action, name or flag; 3 REPORT_TZ changed;
5 the database (DATABASE_URL) cannot be used; 78 configuration error (the file, SMTP_URL).`;

const LIMIT = { min: 1, max: 1000, of: 'runs' };

await runCommand({ name: 'schedules', help: HELP, flags: { values: ['schedule', 'limit'], positionals: true } }, async (ctx) => {
  const { cfg, flags } = ctx;
  const [action, ...rest] = flags.positionals;
  const actions = 'list, run NAME or history';
  if (action === undefined) throw new UsageError(`say what to do: ${actions}`);
  if (!['list', 'run', 'history'].includes(action)) throw new UsageError(`unknown action ${JSON.stringify(action)}: ${actions}`);
  if (action !== 'history' && (flags.values.has('schedule') || flags.values.has('limit'))) throw new UsageError('--schedule and --limit go with history');
  if (action === 'run' ? rest.length !== 1 : rest.length !== 0) throw new UsageError(action === 'run' ? 'run takes one schedule name: npm run schedules -- run NAME' : `${action} takes no name`);

  if (action === 'history') {
    const limit = wholeFlag(flags.values, 'limit', LIMIT) ?? 20;
    const pool = await ctx.pool({ connectionLimit: 1 });
    const { printHistory } = await import('../schedules/history.ts');
    await printHistory(pool, limit, flags.values.get('schedule'));
    return EXIT.OK;
  }

  if (cfg.reportSchedules === undefined) throw new UsageError('REPORT_SCHEDULES is not set: point it at the schedule file (README, "Scheduled reports")');
  const { schedulesFromConfig, runContextFrom } = await import('../schedules/setup.ts');
  const { ScheduleFileError } = await import('../schedules/file.ts');
  let schedules;
  try {
    schedules = await schedulesFromConfig(cfg, { checkDestinations: action === 'run' });
  } catch (err) {
    if (err instanceof ScheduleFileError) fail(EXIT.CONFIG, `configuration error: ${err.message}`);
    throw err;
  }

  if (action === 'list') {
    const { printList } = await import('../schedules/history.ts');
    printList(schedules, cfg.reportTz);
    return EXIT.OK;
  }

  const schedule = schedules.find((s) => s.name === rest[0]);
  if (schedule === undefined) throw new UsageError(`no schedule named ${JSON.stringify(rest[0])} in ${cfg.reportSchedules}: the names are ${schedules.map((s) => s.name).join(', ') || '(none)'}`);
  await ctx.migrate();
  const pool = await ctx.pool({ connectionLimit: 4 });
  const { runSchedule } = await import('../schedules/run.ts');
  const now = Date.now();
  const result = await runSchedule(runContextFrom(cfg, pool, ctx.log), schedule, now, 'manual', `manual:${now}:${randomBytes(4).toString('hex')}`, false);
  const { printRun } = await import('../schedules/history.ts');
  printRun(schedule.name, result);
  return result.outcome === 'ok' ? EXIT.OK : EXIT.FAILED;
});
