// npm run prune -- [--days N]
import { loggerFromEnv } from '../log.ts';
import { createPool } from '../db/pool.ts';
import { migrate, ZoneMismatchError } from '../db/migrate.ts';
import { acquireLoadLock } from '../ingest/lock.ts';
import { pruneRaw } from '../retention/prune.ts';
import { parseFlags, UsageError } from './args.ts';
import { EXIT, configOrExit, fail, npmSwallowedHint, type ExitCode } from './exit.ts';
import { databaseProblem } from './problems.ts';

const LOCK_WAIT_S = 600;

const HELP = `Usage: npm run prune -- [--days N]

Deletes raw data older than RAW_RETENTION_DAYS days (or --days N): the events
(agent_events), the stats (users_calls) and rejected records of whole local days of
REPORT_TZ before the cut, never data newer than the data horizon. The report's rows
(agent_activity, agent_slot_activity, agent_reason_activity) and the loaded windows are
kept: reports over pruned days read as before.

Before deleting, every pending hour is aggregated and the state of every agent at the cut
is kept as a checkpoint, so the hours after the cut stay exact. From then on, recomputing
an hour before the cut (npm run backfill, CALL sp_aggregate_*) is refused with the cut in
the message. The agent timeline of the page shows nothing before the cut.

  --days N   keep N days (1-36500) instead of RAW_RETENTION_DAYS
  --help     this text

The collector (npm start) also prunes once a day when RAW_RETENTION_DAYS is set. Runs
after a collector run or backfill that is going (one at a time). Interrupted, the next
run finishes the deletes. Each day deleted prints one line; the run ends with a summary.

Exit codes: 0 done; 1 failed (the message says why; run it again); 2 usage error (also:
no RAW_RETENTION_DAYS and no --days); 3 REPORT_TZ changed; 5 the database (DATABASE_URL)
cannot be used; 78 configuration error.`;

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP);
    return;
  }
  const hint = npmSwallowedHint('prune', ['days'], process.env);
  if (hint) fail(EXIT.USAGE, hint);
  const cfg = configOrExit();
  let days = cfg.rawRetentionDays;
  try {
    const flags = parseFlags(argv, { values: ['days'], switches: ['help'] });
    const d = flags.values.get('days');
    if (d !== undefined) {
      if (!/^\d+$/.test(d) || Number(d) < 1 || Number(d) > 36500) throw new UsageError(`--days ${JSON.stringify(d)}: give a whole number of days from 1 to 36500`);
      days = Number(d);
    }
    if (days === undefined) throw new UsageError('RAW_RETENTION_DAYS is not set, so all raw data is kept: set it in .env, or give --days N');
  } catch (err) {
    if (err instanceof UsageError) fail(EXIT.USAGE, `${err.message} (see npm run prune -- --help)`);
    throw err;
  }
  const log = loggerFromEnv();
  try {
    await migrate({ databaseUrl: cfg.databaseUrl, reportTz: cfg.reportTz, log: (l) => log.info(`migrate: ${l.trim()}`) });
  } catch (err) {
    if (err instanceof ZoneMismatchError) fail(EXIT.REFUSED, `migrate refused: ${err.message}`);
    const db = databaseProblem((err as Error).cause ?? err, cfg.databaseUrl);
    fail(db ? EXIT.DATABASE : EXIT.FAILED, db ?? `migrate failed: ${(err as Error).message}`);
  }
  const pool = createPool(cfg.databaseUrl, { connectionLimit: 4 });
  let code: ExitCode = EXIT.OK;
  let message: string | undefined;
  try {
    const lock = await acquireLoadLock(pool, LOCK_WAIT_S);
    if (lock === null) {
      code = EXIT.FAILED;
      message = `a collector run or a backfill held the load lock for ${LOCK_WAIT_S} s: nothing was pruned; run it again when that ends`;
    } else {
      try {
        await pruneRaw(pool, { reportTz: cfg.reportTz, days: days!, log });
      } finally {
        await lock.release();
      }
    }
  } catch (err) {
    const db = databaseProblem(err, cfg.databaseUrl);
    code = db ? EXIT.DATABASE : EXIT.FAILED;
    message = db ?? `prune failed: ${(err as Error).message}`;
  } finally {
    await pool.end();
  }
  if (message !== undefined) fail(code, message);
  process.exit(code);
}

await main();
