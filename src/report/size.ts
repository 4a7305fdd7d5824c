// Whether a report is small enough to be read whole into memory and sent at once, so it
// holds no report stream slot and no database connection while its client reads: a few
// stalled clients of large reports then cannot lock out everyone's small ones.
import type { Pool } from 'mysql2/promise';
import { one } from '../db/query.ts';
import type { ReportParams } from './params.ts';

/** Rows of a report sent whole (about 300 bytes each as CSV). */
export const SMALL_REPORT_ROWS = 2000;

/** Report rows per stored hourly row, at most. */
const ROWS_PER_HOUR = { '15m': 4, '30m': 2, '1h': 1, day: 1, week: 1, total: 1 } as const;

/** True when the report of `params` has at most SMALL_REPORT_ROWS rows (counted on at most that many stored rows). */
export async function isSmallReport(pool: Pool, params: ReportParams): Promise<boolean> {
  const limit = Math.floor(SMALL_REPORT_ROWS / ROWS_PER_HOUR[params.interval]);
  const byExt = params.exts === undefined ? '' : ' AND ext IN (?)';
  // every interval sums hours that start in [from, to), a 15-minute one's hour up to an hour before
  const values: unknown[] = [params.from - 3600, params.to, ...(params.exts === undefined ? [] : [params.exts]), limit + 1];
  const r = await one<{ n: number }>(pool, `SELECT COUNT(*) AS n FROM (SELECT 1 FROM agent_activity WHERE hour_start >= ? AND hour_start < ?${byExt} LIMIT ?) t`, values);
  return Number(r?.n ?? 0) <= limit;
}
