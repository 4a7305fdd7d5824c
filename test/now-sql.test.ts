// rules §10 in SQL: sp_agent_breaks and sp_agent_live on the worked example (rules §6),
// called as an operator would from a SQL client.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from './helpers/database.ts';
import { loadFixtureEvents, loadFixtureStats, markLoaded } from './helpers/fixtures.ts';

const db = useTestDatabase('now-sql', 'Asia/Dubai');
const FIXTURE = join(resolve(import.meta.dirname, '..'), 'test', 'fixtures', 'worked-example');
const LOADED_FROM = 1757217600; // 2025-09-07 08:00 in Asia/Dubai
const HORIZON = 1757228400; // 11:00
const DAY = 1757188800; // 2025-09-07 00:00 +04:00

beforeAll(async () => {
  const { pool } = db();
  await loadFixtureEvents(pool, JSON.parse(readFileSync(join(FIXTURE, 'events.json'), 'utf8')), null);
  await loadFixtureStats(pool, JSON.parse(readFileSync(join(FIXTURE, 'v2', 'stats.json'), 'utf8')) as Record<string, unknown>);
  await markLoaded(pool, LOADED_FROM, HORIZON);
  await pool.query("CALL sp_aggregate_range('2025-09-07 00:00:00', '2025-09-08 00:00:00')");
});

async function inSession<T>(fn: (q: (sql: string, v?: unknown[]) => Promise<unknown[]>) => Promise<T>): Promise<T> {
  const conn = await db().pool.getConnection();
  try {
    return await fn(async (sql, v) => (await conn.query(sql, v))[0] as unknown[]);
  } finally {
    conn.release();
  }
}

describe('sp_agent_breaks', () => {
  it('lists the day’s breaks of the worked example', async () => {
    const rows = await inSession(async (q) => {
      await q('CALL sp_agent_breaks(?, ?, FALSE)', [DAY, DAY + 86400]);
      return q('SELECT ext, b_from - ? AS f, b_to - ? AS t, category, reason FROM apr_tmp_now_breaks ORDER BY b_from', [DAY, DAY]);
    });
    expect(rows).toEqual([
      { ext: '4101', f: 8 * 3600 + 50 * 60, t: 9 * 3600 + 5 * 60, category: 'Login', reason: 'Login' },
      { ext: '4101', f: 9 * 3600 + 45 * 60, t: 10 * 3600 + 15 * 60, category: 'Lunch', reason: 'Lunch Break' },
      { ext: '4101', f: 10 * 3600 + 15 * 60, t: 10 * 3600 + 40 * 60, category: 'Tickets', reason: ' ON Tickets ' },
      { ext: '4101', f: 10 * 3600 + 40 * 60, t: 10 * 3600 + 50 * 60, category: 'Other NPT', reason: 'Prayer' },
    ]);
  });

  it('a break that began before the range is not listed; one running past it is followed', async () => {
    const rows = await inSession(async (q) => {
      await q('CALL sp_agent_breaks(?, ?, FALSE)', [DAY + 10 * 3600, DAY + 10 * 3600 + 1200]);
      return q('SELECT b_from - ? AS f, b_to - ? AS t FROM apr_tmp_now_breaks ORDER BY b_from', [DAY, DAY]);
    });
    expect(rows).toEqual([{ f: 10 * 3600 + 15 * 60, t: 10 * 3600 + 40 * 60 }]);
  });
});

describe('sp_agent_live', () => {
  it('gives the state at the horizon and since when', async () => {
    const rows = await inSession(async (q) => {
      await q('CALL sp_agent_live(FALSE)');
      return q('SELECT ext, code, category, reason, since - ? AS since FROM apr_tmp_now_live', [DAY]);
    });
    expect(rows).toEqual([{ ext: '4101', code: 1, category: null, reason: null, since: 10 * 3600 + 50 * 60 }]);
  });
});
