// A process that must not write (npm start with COLLECT_CRON=off: a report server) cannot
// migrate, so before it serves it checks that the database it reads is migrated and built
// for its REPORT_TZ: an unmigrated replica or another zone is said at start-up, not on
// the first report.
import type { Db } from './query.ts';
import { unappliedMigrations } from './migrate.ts';
import { assertZone } from './zone.ts';

export class NotMigratedError extends Error {}

/** Throws NotMigratedError or ZoneMismatchError; `variable` names the URL an operator fixes. */
export async function assertReadyToRead(db: Db, reportTz: string, variable: string): Promise<void> {
  const missing = await unappliedMigrations(db);
  if (missing.length > 0) {
    throw new NotMigratedError(
      `the database of ${variable} is not migrated (${missing.length} migration(s) missing, the first ${missing[0]}): ` +
        'run npm run migrate against DATABASE_URL (a replica follows its primary), or point the variable at a migrated database',
    );
  }
  await assertZone(db, reportTz);
}
