// The zone a database was built for (SPEC §4-§5): every report hour and slot in it belongs
// to that REPORT_TZ. migrate refuses another zone unless told to rebuild, and a report
// asked with another zone is refused with the same words, never printed with hours of one
// zone labelled in another.
import type { Db } from './query.ts';
import { readSetting } from './settings.ts';

export class ZoneMismatchError extends Error {}

export function zoneMismatchMessage(built: string, wanted: string): string {
  return (
    `this database was built for REPORT_TZ=${built}, but REPORT_TZ is now ${wanted}. ` +
    `Every report hour would move. Either set REPORT_TZ=${built} again, or rebuild for ${wanted}: ` +
    `run "npm run migrate -- --rebuild-tz" (it empties agent_activity, agent_slot_activity and users_calls, whose hours belong to the old zone; ` +
    `raw events are kept), then "npm run backfill -- --from <first day> --to <now>" to re-fetch the stats and re-aggregate.`
  );
}

/** The REPORT_TZ the database was built for, or undefined before the first migrate. */
export async function builtZone(db: Db): Promise<string | undefined> {
  return readSetting(db, 'report_tz');
}

/** Throws ZoneMismatchError when the database was built for a zone other than `tz`. */
export async function assertZone(db: Db, tz: string): Promise<void> {
  const built = await builtZone(db);
  if (built !== undefined && built !== tz) throw new ZoneMismatchError(zoneMismatchMessage(built, tz));
}
