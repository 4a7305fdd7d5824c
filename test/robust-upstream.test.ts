// Hostile upstreams are given up in bounded time: one that trickles a byte now and then,
// one that never answers, one that sends a body of many MB. Every call has a deadline
// (UPSTREAM_CALL_TIMEOUT_S), every window one (UPSTREAM_WINDOW_TIMEOUT_S), a body a size
// cap (UPSTREAM_MAX_BODY_MB); each give-up is logged and the horizon does not move.
import { afterAll, describe, expect, it } from 'vitest';
import { useTestDatabase, rows } from './helpers/database.ts';
import { simulator, configFor, SIM_NOW, PASSWORD } from './helpers/simulator.ts';
import { runBackfill } from '../src/backfill/backfill.ts';
import { runCollector } from '../src/collector/collector.ts';
import { upstreamFromConfig } from '../src/upstream/client.ts';
import { scrub } from '../src/upstream/errors.ts';
import { readHorizon } from '../src/db/horizon.ts';
import { memoryLogger } from '../src/log.ts';

const db = useTestDatabase('robust-upstream');
const LIMITS = { UPSTREAM_CALL_TIMEOUT_S: '1', UPSTREAM_WINDOW_TIMEOUT_S: '3' };

describe('a trickling upstream', async () => {
  const sim = await simulator({ agents: 3, mode: 'trickle', trickleMs: 300 });
  afterAll(() => sim.close());

  it('is given up per call and per window: a two-hour backfill ends in seconds, fails, and logs each give-up', async () => {
    const log = memoryLogger();
    const cfg = configFor(db().url, db().reportTz, sim, LIMITS);
    const started = Date.now();
    const s = await runBackfill(cfg, db().pool, { fromTs: SIM_NOW - 7200, toTs: SIM_NOW, log });
    const seconds = (Date.now() - started) / 1000;
    // two passes of at most 3 s each, plus a little
    expect(seconds).toBeLessThan(10);
    expect(s.failed).toHaveLength(2);
    for (const w of s.failed) expect(w.error).toMatch(/given up: not fetched within 3 s \(UPSTREAM_WINDOW_TIMEOUT_S\)/);
    expect(log.lines.some((l) => /upstream window given up/.test(l))).toBe(true);
    const calls = await rows<{ error: string }>(db().pool, 'SELECT error FROM fetch_log WHERE run_id = ? AND error IS NOT NULL', [s.runId]);
    expect(calls.some((c) => /no complete response within 1 s \(UPSTREAM_CALL_TIMEOUT_S\)/.test(c.error))).toBe(true);
    expect(await readHorizon(db().pool)).toBeNull();
  });
});

describe('a silent upstream', async () => {
  const sim = await simulator({ agents: 3, mode: 'silent' });
  afterAll(() => sim.close());

  it('fails a collector run within the window deadline; the horizon waits', async () => {
    const log = memoryLogger();
    const upstream = upstreamFromConfig(configFor(db().url, db().reportTz, sim, LIMITS), { log });
    try {
      const started = Date.now();
      const run = await runCollector({ pool: db().pool, upstream, log, reportTz: db().reportTz, overlapMinutes: 30, clock: () => SIM_NOW * 1000 });
      expect((Date.now() - started) / 1000).toBeLessThan(8);
      expect(run.outcome).toBe('failed');
      expect(run.error).toMatch(/UPSTREAM_WINDOW_TIMEOUT_S/);
      expect(log.lines.some((l) => /upstream call given up .*UPSTREAM_CALL_TIMEOUT_S/.test(l))).toBe(true);
      expect(await readHorizon(db().pool)).toBeNull();
    } finally {
      await upstream.close();
    }
  });
});

describe('a huge response body', async () => {
  const sim = await simulator({ agents: 3, mode: 'huge', hugeBytes: 3 * 1024 * 1024 });
  afterAll(() => sim.close());

  it('over UPSTREAM_MAX_BODY_MB fails the call at once, with a clear error, without retries', async () => {
    const log = memoryLogger();
    const cfg = configFor(db().url, db().reportTz, sim, { ...LIMITS, UPSTREAM_MAX_BODY_MB: '1', UPSTREAM_WINDOW_TIMEOUT_S: '30' });
    const s = await runBackfill(cfg, db().pool, { fromTs: SIM_NOW - 3600, toTs: SIM_NOW, log });
    expect(s.failed).toHaveLength(1);
    expect(s.failed[0]!.error).toMatch(/the response body is larger, over UPSTREAM_MAX_BODY_MB=1: the call fails/);
    // login is refused for good: no retry of a body that will be as big next time
    const calls = await rows<{ n: number }>(db().pool, 'SELECT COUNT(*) AS n FROM fetch_log WHERE run_id = ?', [s.runId]);
    expect(calls[0]!.n).toBeLessThanOrEqual(2); // one per pass
  });
});

describe('secrets in messages', () => {
  it('are scrubbed as they are, JSON-escaped and URL-encoded', () => {
    const secret = 'p"a\\ss wörd+1';
    const echoed = [
      `login failed for ${secret}`,
      `body {"password":${JSON.stringify(secret)}}`,
      `quoted ${JSON.stringify(JSON.stringify({ password: secret }))}`,
      `url ?password=${encodeURIComponent(secret)}`,
      `form password=${encodeURIComponent(secret).replaceAll('%20', '+')}`,
      `lower ${encodeURIComponent(secret).toLowerCase()}`,
    ].join(' | ');
    const clean = scrub(echoed, [secret]);
    expect(clean).not.toContain('ss w');
    expect(clean).not.toContain('ss%20w');
    expect(clean).not.toContain('ss+w');
    expect(clean.match(/\*\*\*/g)).toHaveLength(6);
    expect(scrub(`x ${PASSWORD} y`, [PASSWORD])).toBe('x *** y');
  });
});
