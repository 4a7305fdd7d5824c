// The backfill's settings a user sees before anything runs: the flags' defaults and what
// --wipe empties (the help, the prompt and the log name the tables from this one list).
// Nothing here touches the database, so --help needs no driver loaded.
import { ZONE_TABLES } from '../db/zone-tables.ts';

/** Windows loaded at once (--concurrency). */
export const DEFAULT_CONCURRENCY = 4;

/** --hours, when no range is given. */
export const DEFAULT_HOURS = 48;

/** Staging, everything derived from it (the zone's tables among it) and the loaded windows. */
export const WIPED_TABLES = ['agent_events', ...ZONE_TABLES, 'agents', 'loaded_windows', 'pending_aggregation'] as const;

/** What --wipe empties, in words: every table, then the horizon and the cut. */
export const WIPED = `${WIPED_TABLES.join(', ')}, the data horizon and the retention cut`;
