// The zone a database was built for (rules §4-§5): every report hour and slot in it belongs
// to that REPORT_TZ. migrate refuses another zone unless told to rebuild, and a report
// asked with another zone is refused with the same words, never printed with hours of one
// zone labelled in another.
import type { Db } from './query.ts';
import { readSetting } from './settings.ts';
import { readCut } from './raw-cut.ts';
import { ZONE_TABLES } from './zone-tables.ts';
import { isoUtc } from '../time.ts';

export class ZoneMismatchError extends Error {}

/** The tables --rebuild-tz empties, in words. */
const EMPTIED = `${ZONE_TABLES.slice(0, -1).join(', ')} and ${ZONE_TABLES[ZONE_TABLES.length - 1]}`;

/**
 * Why another zone is refused and what to do. `cut` (fn_raw_cut, 0: never pruned): with raw
 * data pruned, a rebuild would empty report rows that nothing can recompute, so it is no
 * way out then.
 */
export function zoneMismatchMessage(built: string, wanted: string, cut = 0): string {
  const moved = `this database was built for REPORT_TZ=${built}, but REPORT_TZ is now ${wanted}. Every report hour would move. `;
  if (cut > 0) {
    return (
      moved +
      `Set REPORT_TZ=${built} again. Rebuilding for ${wanted} is refused: raw data before ${isoUtc(cut)} was pruned ` +
      `(RAW_RETENTION_DAYS), so the report rows of those hours, which a rebuild empties, could never be computed again. ` +
      `To report in ${wanted}, point DATABASE_URL at a new database and backfill it from the upstream.`
    );
  }
  return (
    moved +
    `Either set REPORT_TZ=${built} again, or rebuild for ${wanted}: ` +
    `run "npm run migrate -- --rebuild-tz" (it empties ${EMPTIED}, whose rows belong to the old zone's hours; ` +
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
  if (built !== undefined && built !== tz) throw new ZoneMismatchError(zoneMismatchMessage(built, tz, await readCut(db)));
}
