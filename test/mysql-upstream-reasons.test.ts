// The upstream's per-reason seconds (not_available_detailed_report) read back through
// vw_upstream_reasons with reason keys that need escaping in a JSON path. A key with a
// raw tab or newline in the path makes MySQL raise an error (and so vw_reconciliation and
// /api/status fail) and MariaDB return NULL (that reason's seconds go missing).
import { describe, it, expect } from 'vitest';
import { useTestDatabase, rows } from './helpers/database.ts';
import { loadFixtureStats } from './helpers/fixtures.ts';

const db = useTestDatabase('mysql-upstream-reasons');

const HOUR = 1757221200; // 2025-09-07 09:00 Asia/Dubai
const REASONS: Record<string, number> = {
  'Tab\there': 11,
  'New\nline': 12,
  'Carriage\r\nreturn': 13,
  'Say "hi"': 14,
  'Back\\slash': 15,
  'Dot.ted': 16,
  '$[0].*': 17,
  "Prière d'après-midi": 18,
  '': 19,
  Lunch: 20,
};

describe('vw_upstream_reasons', () => {
  it('gives every reason key its seconds, whatever characters it holds', async () => {
    const { pool } = db();
    const stats = {
      [`${HOUR}-${HOUR + 900}`]: {
        '4101': { name: 'Layla', total_calls: 0, answered_calls: 0, not_available_time: 155, not_available_detailed_report: REASONS },
      },
      [`${HOUR + 900}-${HOUR + 1800}`]: {
        '4101': { name: 'Layla', total_calls: 0, answered_calls: 0, not_available_time: 5, not_available_detailed_report: { 'Tab\there': 5 } },
      },
    };
    expect(await loadFixtureStats(pool, stats)).toEqual({ rows: 2, rejected: 0 });
    const got = await rows<{ reason: Buffer; reason_s: number }>(pool, "SELECT reason, reason_s FROM vw_upstream_reasons WHERE ext = '4101' AND slot_start = ?", [HOUR]);
    const byReason = Object.fromEntries(got.map((r) => [r.reason.toString('utf8'), Number(r.reason_s)]));
    expect(byReason).toEqual(REASONS);
    expect(await rows(pool, "SELECT hour_start, CAST(reason AS CHAR) AS reason, reason_s FROM vw_upstream_reasons WHERE ext = '4101' AND slot_start = ?", [HOUR + 900])).toEqual([
      { hour_start: HOUR, reason: 'Tab\there', reason_s: 5 },
    ]);
  });

  it('leaves vw_reconciliation answering', async () => {
    const { pool } = db();
    await expect(rows(pool, 'SELECT COUNT(*) AS n FROM vw_reconciliation')).resolves.toHaveLength(1);
  });
});
