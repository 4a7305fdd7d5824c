// npm run migrate [-- --rebuild-tz]
import { runCommand } from './command.ts';
import { EXIT } from './exit.ts';
import { ZONE_TABLES } from '../db/zone-tables.ts';
import { wrapHelp } from './help.ts';

const HELP = `Usage: npm run migrate [-- --rebuild-tz]

Creates the database named in DATABASE_URL if missing, applies db/migrations with
postgrator, re-applies changed files of db/procedures and db/views (and drops a view
or routine it created whose file is gone), and fills the report calendar for REPORT_TZ.
Running it again does nothing.

  --rebuild-tz   ${wrapHelp(`the database was built for another REPORT_TZ: empty ${ZONE_TABLES.join(', ')} (their rows belong to the old zone's hours), refill the calendar for the new zone. Then run npm run backfill to re-fetch. Refused once raw data was pruned (RAW_RETENTION_DAYS): those hours could not be rebuilt.`, 64, 17)}
  --help         this text

Exit codes: 0 done; 3 refused (REPORT_TZ changed: see --rebuild-tz); 5 the database
server (DATABASE_URL) cannot be reached or refuses the login; 78 configuration error;
1 a migration failed (the message names it).`;

await runCommand({ name: 'migrate', help: HELP, flags: { values: [], switches: ['rebuild-tz'] } }, async ({ flags, cfg, migrate }) => {
  const started = Date.now();
  const r = await migrate({ rebuildTz: flags.switches.has('rebuild-tz'), log: (l) => console.log(l) });
  const nothing = !r.createdDatabase && r.migrations.length === 0 && r.routines.length === 0 && r.dropped.length === 0 && r.calendarHours === 0;
  console.log(
    nothing
      ? `migrate: nothing to do (REPORT_TZ=${cfg.reportTz})`
      : `migrate: ${r.migrations.length} migration(s), ${r.routines.length} view/routine file(s), ${r.dropped.length} dropped, ${r.calendarHours} calendar hour(s) in ${Date.now() - started} ms`,
  );
  return EXIT.OK;
});
