// Deeply nested JSON from the upstream (an extra field 6,000 levels deep, about 12 KB,
// under every size cap; the same in a stats record's tags; the same inside a record
// rejected for another reason; and 40 levels, deeper than MariaDB's JSON columns take)
// is rejected with a reason, never fatal: the rest of the window loads, and what is kept
// of the raw record is bounded in depth and size.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase, rows } from './helpers/database.ts';
import { fixedUpstream, type FixedUpstream } from './helpers/fixed-upstream.ts';
import { loadConfig } from '../src/config.ts';
import { runBackfill } from '../src/backfill/backfill.ts';
import { readHorizon } from '../src/db/horizon.ts';
import { memoryLogger } from '../src/log.ts';
import { MAX_RAW_CHARS } from '../src/load/rejected.ts';

const db = useTestDatabase('robust-nested');
/** 2025-09-09 08:00 UTC = 12:00 in Dubai: a report hour. */
const T = Date.UTC(2025, 8, 9, 8) / 1000;
const nested = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
const ev = (ext: string, ts: number, enabled: boolean) => `{"event":"agent_idle","enabled":${enabled},"user_id":"u${ext}","ext":"${ext}","username":"Agent ${ext}","state":"","Timestamp":${ts}`;

// Raw JSON text: a value this deep cannot be built with JSON.stringify.
const EVENTS =
  `{"events": [${ev('1001', T + 10, true)}},` +
  `${ev('1002', T + 20, true)},"note":${nested(6000)}},` +
  `${ev('1003', T + 30, true)},"note":${nested(40)}},` +
  `{"event":"agent_idle","enabled":true,"Timestamp":${T + 40},"note":${nested(6000)}},` +
  `{"event":"agent_idle","enabled":${nested(6000)},"ext":"1004","Timestamp":${T + 50}},` +
  `${ev('1001', T + 600, false)}}]}`;
const STATS =
  '{"1001": {"name": "Agent 1001", "total_calls": 3, "answered_calls": 1, "idle_time": 600},' +
  ` "1005": {"name": "Agent 1005", "tags": [${nested(6000)}]},` +
  ` "1006": {"name": "Agent 1006", "total_calls": -1, "tags": [${nested(6000)}]}}`;

let upstream: FixedUpstream | undefined;
let url: string;
beforeAll(async () => {
  upstream = await fixedUpstream(EVENTS, STATS, 'tok-nested');
  url = upstream.url;
});
afterAll(() => upstream?.close());

describe('deeply nested values', () => {
  it('are rejected with a reason; the rest of the window loads and the horizon moves', async () => {
    const cfg = loadConfig({ DATABASE_URL: db().url, REPORT_TZ: db().reportTz, API_BASE: url, API_USERNAME: 'u', API_PASSWORD: 'p-nested', TENANT: 't', ACCOUNT_ID: 'a', UPSTREAM_WINDOW_TIMEOUT_S: '30' });
    const s = await runBackfill(cfg, db().pool, { fromTs: T, toTs: T + 3600, log: memoryLogger() });
    expect(s.failed).toEqual([]);
    expect(await readHorizon(db().pool)).toBe(T + 3600);
    expect((await rows<{ ext: string }>(db().pool, 'SELECT ext FROM agent_events ORDER BY ts')).map((r) => r.ext)).toEqual(['1001', '1001']);
    expect((await rows<{ ext: string }>(db().pool, 'SELECT DISTINCT ext FROM users_calls')).map((r) => r.ext)).toEqual(['1001']);

    const rejected = await rows<{ reason: string; raw: string }>(db().pool, 'SELECT reason, raw FROM rejected_records ORDER BY id');
    const reasons = rejected.map((r) => r.reason);
    const at = (ts: number) => new Date(ts * 1000).toISOString().replace('.000Z', 'Z');
    expect(reasons).toContain(`extra fields nested deeper than 31 levels for ext 1002 at ${at(T + 20)}`);
    expect(reasons).toContain(`extra fields nested deeper than 31 levels for ext 1003 at ${at(T + 30)}`);
    expect(reasons).toContain('missing ext');
    expect(reasons).toContainEqual(expect.stringMatching(/^invalid enabled: \{"a":\{"a":.*…/));
    expect(reasons).toContainEqual(expect.stringMatching(/^record nested deeper than 31 levels for ext 1005 in stats \[/));
    expect(reasons).toContainEqual(expect.stringMatching(/^total_calls -1 is negative for ext 1006 in stats \[/));
    expect(rejected).toHaveLength(4 + 2 * 4); // the stats of each of the hour's four slots
    for (const r of rejected) {
      expect(r.raw.length).toBeLessThan(MAX_RAW_CHARS + 100);
      expect(() => JSON.parse(r.raw)).not.toThrow();
    }
    // what is kept shows how deep it went
    expect(rejected.find((r) => r.reason === 'missing ext')!.raw).toContain('nested deeper than');

    // a re-run gives the same: nothing doubled, nothing failed
    const again = await runBackfill(cfg, db().pool, { fromTs: T, toTs: T + 3600, log: memoryLogger() });
    expect(again.failed).toEqual([]);
    expect((await rows<{ n: number }>(db().pool, 'SELECT COUNT(*) AS n FROM rejected_records'))[0]!.n).toBe(rejected.length);
  });
});
