// npm run prune -- [--days N]
import { RETENTION_DAYS } from '../config.ts';
import { wholeFlag } from '../numbers.ts';
import { UsageError } from '../usage-error.ts';
import { runCommand } from './command.ts';
import { EXIT } from './exit.ts';

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
the message. The agent timeline shows the time before the cut as "Pruned".

  --days N   keep N days (1-36500) instead of RAW_RETENTION_DAYS
  --help     this text

The collector (npm start) also prunes once a day when RAW_RETENTION_DAYS is set. Runs
after a collector run or backfill that is going (one at a time). Interrupted, the next
run finishes the deletes. Each day deleted prints one line; the run ends with a summary.

Exit codes: 0 done; 1 failed (the message says why; run it again); 2 usage error (also:
no RAW_RETENTION_DAYS and no --days); 3 REPORT_TZ changed; 5 the database (DATABASE_URL)
cannot be used; 78 configuration error.`;

await runCommand({ name: 'prune', help: HELP, flags: { values: ['days'] } }, async (ctx) => {
  const days = wholeFlag(ctx.flags.values, 'days', RETENTION_DAYS) ?? ctx.cfg.rawRetentionDays;
  if (days === undefined) throw new UsageError('RAW_RETENTION_DAYS is not set, so all raw data is kept: set it in .env, or give --days N');
  await ctx.migrate();
  const { acquireLoadLock } = await import('../ingest/lock.ts');
  const { pruneRaw } = await import('../retention/prune.ts');
  const pool = await ctx.pool({ connectionLimit: 4 });
  const lock = await acquireLoadLock(pool, LOCK_WAIT_S);
  if (lock === null) {
    throw new Error(`a collector run or a backfill held the load lock for ${LOCK_WAIT_S} s: nothing was pruned; run it again when that ends`);
  }
  try {
    await pruneRaw(pool, { reportTz: ctx.cfg.reportTz, days, log: ctx.log });
  } finally {
    await lock.release();
  }
  return EXIT.OK;
});
