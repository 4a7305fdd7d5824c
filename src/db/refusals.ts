// Every refusal the stored procedures raise has its own SQLSTATE (class 45, user-defined,
// the same on MariaDB and MySQL 8), so a caller tells one from another by its code, not
// by its words. This table is the only place a code is given its meaning and its exit
// code (README "Exit codes"); test/refusals.test.ts checks that every SIGNAL in db/ uses
// a code listed here, and that each code listed is raised somewhere.

export interface Refusal {
  /** The SQLSTATE the procedures SIGNAL (mysql2 gives it as err.sqlState). */
  sqlState: string;
  /** What was refused, in a few words; the procedure's own message says the rest. */
  meaning: string;
  /** The exit code of a command that meets it: 2 a wrong argument, 1 try again. */
  exit: 1 | 2;
}

export const REFUSALS = {
  /** A bound is NULL, the range runs backwards, or an hour is not a whole hour. */
  badRange: { sqlState: '45001', meaning: 'the range given to the transform is not valid', exit: 2 },
  /** The range reaches outside report_hours: npm run migrate (or ensureCalendar) extends it. */
  outsideCalendar: { sqlState: '45002', meaning: 'the range lies outside the report calendar', exit: 2 },
  /** An hour before the retention cut: its raw data was pruned, its rows are final. */
  beforeRetentionCut: { sqlState: '45003', meaning: 'the range starts before the retention cut', exit: 2 },
  /** Another aggregation held the aggregation lock for 10 minutes. */
  aggregationBusy: { sqlState: '45004', meaning: 'another aggregation is running', exit: 1 },
  /** One span of the transform holds more slots than its packed state can number. */
  spanTooLong: { sqlState: '45005', meaning: 'too many hours for one call of the transform', exit: 2 },
} as const satisfies Record<string, Refusal>;

export type RefusalName = keyof typeof REFUSALS;

/** The refusal an error from the database is, or undefined for any other error. */
export function refusalOf(err: unknown): (Refusal & { name: RefusalName }) | undefined {
  const state = (err as { sqlState?: unknown } | null)?.sqlState;
  if (typeof state !== 'string') return undefined;
  for (const [name, r] of Object.entries(REFUSALS) as [RefusalName, Refusal][]) {
    if (r.sqlState === state) return { ...r, name };
  }
  return undefined;
}

/** Whether `err` is the procedures' refusal `name`. */
export function isRefusal(err: unknown, name: RefusalName): boolean {
  return refusalOf(err)?.name === name;
}
