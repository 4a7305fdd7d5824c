// npm run migrate [-- --rebuild-tz]
import { migrate, ZoneMismatchError } from '../db/migrate.ts';
import { EXIT, configOrExit, fail } from './exit.ts';
import { databaseProblem } from './problems.ts';

const HELP = `Usage: npm run migrate [-- --rebuild-tz]

Creates the database named in DATABASE_URL if missing, applies db/migrations with
postgrator, re-applies changed files of db/procedures and db/views (and drops a view
or routine it created whose file is gone), and fills the report calendar for REPORT_TZ.
Running it again does nothing.

  --rebuild-tz   the database was built for another REPORT_TZ: empty agent_activity
                 and users_calls (their hours belong to the old zone), refill the
                 calendar for the new zone. Then run npm run backfill to re-fetch.
  --help         this text

Exit codes: 0 done; 3 refused (REPORT_TZ changed: see --rebuild-tz); 5 the database
server (DATABASE_URL) cannot be reached or refuses the login; 78 configuration error;
1 a migration failed (the message names it).`;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(HELP);
    return;
  }
  const unknown = args.filter((a) => a !== '--rebuild-tz');
  if (unknown.length > 0) fail(EXIT.USAGE, `unknown argument ${unknown[0]}: the only flag is --rebuild-tz (see npm run migrate -- --help)`);
  const cfg = configOrExit();
  const started = Date.now();
  try {
    const r = await migrate({ databaseUrl: cfg.databaseUrl, reportTz: cfg.reportTz, rebuildTz: args.includes('--rebuild-tz'), log: (l) => console.log(l) });
    const nothing = !r.createdDatabase && r.migrations.length === 0 && r.routines.length === 0 && r.dropped.length === 0 && r.calendarHours === 0;
    console.log(
      nothing
        ? `migrate: nothing to do (REPORT_TZ=${cfg.reportTz})`
        : `migrate: ${r.migrations.length} migration(s), ${r.routines.length} view/routine file(s), ${r.dropped.length} dropped, ${r.calendarHours} calendar hour(s) in ${Date.now() - started} ms`,
    );
  } catch (err) {
    if (err instanceof ZoneMismatchError) fail(EXIT.REFUSED, `migrate refused: ${err.message}`);
    const db = databaseProblem((err as Error).cause ?? err, cfg.databaseUrl);
    fail(db ? EXIT.DATABASE : EXIT.FAILED, db ?? `migrate failed: ${(err as Error).message}`);
  }
}

await main();
