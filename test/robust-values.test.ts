// Absurd and oversized values from the upstream are rejected, not fatal: counts of 1e30
// or 2^63-1, negative seconds, a field of hundreds of KB. Each goes to rejected_records
// with a reason naming the extension and the time; the rest of the window loads and the
// horizon moves. An upstream written by hand here, so the values can be anything.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { useTestDatabase, rows } from './helpers/database.ts';
import { fixedUpstream, type FixedUpstream } from './helpers/fixed-upstream.ts';
import { loadConfig } from '../src/config.ts';
import { runBackfill } from '../src/backfill/backfill.ts';
import { readHorizon } from '../src/db/horizon.ts';
import { memoryLogger } from '../src/log.ts';
import { upstreamFromConfig } from '../src/upstream/client.ts';
import { MAX_RAW_CHARS } from '../src/load/rejected.ts';

const db = useTestDatabase('robust-values');
/** 2025-09-09 08:00 UTC = 12:00 in Dubai: a report hour. */
const T = Date.UTC(2025, 8, 9, 8) / 1000;
const HUGE = 'x'.repeat(300_000);
// Long enough for this window to load on a slow, busy machine; the leftover-deadline
// check below waits this long once.
const WINDOW_S = 10;

const ev = (ext: string, ts: number, event: string, enabled: boolean, extra: Record<string, unknown> = {}) => ({ event, enabled, user_id: `u${ext}`, ext, username: `Agent+${ext}`, state: '', Timestamp: ts, ...extra });

// Raw JSON text, so 2^63-1 reaches the parser as the upstream would send it.
const STATS =
  '{"1001": {"name": "Agent 1001", "total_calls": 3, "answered_calls": 1, "idle_time": 600},' +
  ' "1002": {"name": "Agent 1002", "total_calls": 1e30},' +
  ' "1003": {"name": "Agent 1003", "total_calls": 9223372036854775807},' +
  ' "1004": {"name": "Agent 1004", "idle_time": -5},' +
  ` "1005": {"name": "Agent 1005", "tags": ["${'t'.repeat(100_000)}"]}}`;

let upstream: FixedUpstream | undefined;
let url: string;
beforeAll(async () => {
  const events = JSON.stringify({
    events: [
      ev('1001', T + 10, 'agent_idle', true),
      ev('1001', T + 600, 'agent_idle', false),
      ev('1006', T + 20, 'agent_idle', true, { note: HUGE }),
      ev('1007', T + 30, 'agent_not_avail_state', true, { state: HUGE }),
      ev('1006', T + 40, 'agent_idle', false),
    ],
  });
  upstream = await fixedUpstream(events, STATS, 'tok-values');
  url = upstream.url;
});
afterAll(() => upstream?.close());

describe('absurd and oversized values', () => {
  it('are rejected with the extension and time named; the rest of the window loads and the horizon moves', async () => {
    const cfg = loadConfig({ DATABASE_URL: db().url, REPORT_TZ: db().reportTz, API_BASE: url, API_USERNAME: 'u', API_PASSWORD: 'p-values', TENANT: 't', ACCOUNT_ID: 'a', UPSTREAM_WINDOW_TIMEOUT_S: String(WINDOW_S) });
    const log = memoryLogger();
    const upstream = upstreamFromConfig(cfg, { log });
    onTestFinished(() => upstream.close());
    const s = await runBackfill(cfg, db().pool, { fromTs: T, toTs: T + 3600, log, upstream });
    expect(s.failed).toEqual([]);
    expect(await readHorizon(db().pool)).toBe(T + 3600);

    const loaded = await rows<{ ext: string; n: number }>(db().pool, 'SELECT ext, COUNT(*) AS n FROM agent_events GROUP BY ext ORDER BY ext');
    expect(loaded).toEqual([
      { ext: '1001', n: 2 },
      { ext: '1006', n: 1 },
    ]);
    const stats = await rows<{ ext: string }>(db().pool, 'SELECT DISTINCT ext FROM users_calls ORDER BY ext');
    expect(stats.map((r) => r.ext)).toEqual(['1001']);

    const rejected = await rows<{ endpoint: string; reason: string; len: number }>(db().pool, 'SELECT endpoint, reason, CHAR_LENGTH(raw) AS len FROM rejected_records ORDER BY id');
    const reasons = rejected.map((r) => r.reason);
    const hour = `[${new Date(T * 1000).toISOString().replace('.000Z', 'Z')}, `;
    expect(reasons).toContainEqual(expect.stringMatching(new RegExp(`^total_calls 1e\\+30 is out of range \\(0 to 2147483647\\) for ext 1002 in stats \\${hour}`)));
    expect(reasons).toContainEqual(expect.stringMatching(/^total_calls 9223372036854776000 is out of range .* for ext 1003 in stats \[/));
    expect(reasons).toContainEqual(expect.stringMatching(/^idle_time -5 is negative for ext 1004 in stats \[/));
    expect(reasons).toContainEqual(expect.stringMatching(/^record of \d+ bytes is over 65536 for ext 1005 in stats \[/));
    expect(reasons).toContainEqual(`extra fields of 300011 bytes are over 65536 for ext 1006 at ${new Date((T + 20) * 1000).toISOString().replace('.000Z', 'Z')}`);
    expect(reasons).toContain('state, user_id or username too long');
    // the raw record is kept, cut to a bounded size
    for (const r of rejected) expect(r.len).toBeLessThan(MAX_RAW_CHARS + 100);
    expect(Math.max(...rejected.map((r) => r.len))).toBeGreaterThan(MAX_RAW_CHARS);

    // A window that loaded has no deadline left running behind it. A deadline of the same
    // length started now fires after any the windows left (timers of one length fire in the
    // order they were set): once it has, it must be the only one that did.
    const late = upstream.withWindowDeadline(T, T + 3600, undefined, (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))));
    await expect(late).rejects.toThrow(new RegExp(`given up: not fetched within ${WINDOW_S} s`));
    expect(log.lines.filter((l) => l.includes('upstream window given up'))).toHaveLength(1);

    // a re-run gives the same: nothing doubled, nothing failed
    const again = await runBackfill(cfg, db().pool, { fromTs: T, toTs: T + 3600, log: memoryLogger() });
    expect(again.failed).toEqual([]);
    expect((await rows<{ n: number }>(db().pool, 'SELECT COUNT(*) AS n FROM rejected_records'))[0]!.n).toBe(rejected.length);
  });
});
