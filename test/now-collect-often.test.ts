// A collector period far shorter than a run (COLLECT_CRON every second here, so the test
// is quick; "* * * * *" in production behaves the same, sixty times slower): runs never
// overlap (a tick while a run goes is skipped and recorded), every run moves the horizon,
// and the live state's age_seconds says how old the data is.
import { afterAll, describe, expect, it } from 'vitest';
import { rows, useTestDatabase } from './helpers/database.ts';
import { clientFor, simulator } from './helpers/simulator.ts';
import { startCollector } from '../src/collector/collector.ts';
import { readHorizon } from '../src/db/horizon.ts';
import { readLive } from '../src/now/live.ts';
import { FULL_SCOPE } from '../src/access/scope.ts';
import { memoryLogger } from '../src/log.ts';

const db = useTestDatabase('now-collect-often');

describe('collecting every period, shorter than a run', async () => {
  // every answer waits a little, so the first run surely outlasts a tick however fast the machine
  const sim = await simulator({ agents: 30, now: () => Date.now() / 1000, days: 3, latencyMs: 100 });
  const upstream = clientFor(sim, 2000);
  afterAll(async () => {
    await upstream.close();
    await sim.close();
  });

  it('never overlaps runs, and keeps the data a few seconds old', async () => {
    const log = memoryLogger();
    const collector = startCollector({ pool: db().pool, upstream, log, reportTz: db().reportTz, overlapMinutes: 30, cron: '* * * * * *' });
    // the first run loads 48 hours (several seconds); then a run a second
    await expect.poll(async () => (await rows<{ n: number }>(db().pool, "SELECT COUNT(*) AS n FROM collector_runs WHERE outcome = 'ok'"))[0]!.n, { timeout: 120_000, interval: 500 }).toBeGreaterThanOrEqual(3);
    await collector.stop();
    const runs = await rows<{ started: number; ended: number; outcome: string; message: string | null }>(
      db().pool,
      "SELECT UNIX_TIMESTAMP(started_at) AS started, UNIX_TIMESTAMP(ended_at) AS ended, outcome, message FROM collector_runs WHERE kind = 'collector' ORDER BY started_at, id",
    );
    const ok = runs.filter((r) => r.outcome === 'ok');
    for (let i = 1; i < ok.length; i++) expect(Number(ok[i]!.started)).toBeGreaterThanOrEqual(Number(ok[i - 1]!.ended));
    // the ticks during the 48-hour first run were skipped, and said so
    expect(runs.some((r) => r.outcome === 'skipped' && /previous run is still going/.test(r.message ?? ''))).toBe(true);
    expect(runs.every((r) => r.outcome === 'ok' || r.outcome === 'skipped')).toBe(true);
    const horizon = await readHorizon(db().pool);
    const live = await readLive(db().pool, db().reportTz, {}, FULL_SCOPE);
    expect(live.age_seconds).toBeGreaterThanOrEqual(0);
    expect(live.age_seconds).toBeLessThan(30);
    expect(live.agents.length).toBeGreaterThan(0);
  }, 180_000);
});
