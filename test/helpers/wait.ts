// Waiting for what a server does in the background: a condition polled until it holds,
// and the report queries still running on the database.
import type { Pool } from 'mysql2/promise';
import { rows } from './database.ts';
import { REPORT_SQL_TAG } from '../../src/report/write.ts';

/** Polls `check` every 100 ms until it holds; throws naming `what` after `ms`. */
export async function until(what: string, check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Report queries running on database `name`: their text leads with the report's tag. */
export async function reportQueries(pool: Pool, name: string): Promise<number> {
  const found = await rows<{ n: number }>(
    pool,
    'SELECT COUNT(*) AS n FROM information_schema.processlist WHERE db = ? AND LEFT(info, ?) = ?',
    [name, REPORT_SQL_TAG.length, REPORT_SQL_TAG],
  );
  return Number(found[0]!.n);
}
