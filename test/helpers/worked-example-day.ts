// The worked example's day (SPEC §6, fixtures/worked-example) loaded through the real
// loader and aggregated, with a second agent (4102, Idle 09:00-09:30) so that lists and
// sums have more than one agent to choose among.
import { readFileSync } from 'node:fs';
import type { Pool } from 'mysql2/promise';
import { loadFixtureEvents, loadFixtureStats, markLoaded } from './fixtures.ts';
import { WORKED_EXAMPLE_LOADED } from '../timeline-worked-example.ts';

const FIXTURE = new URL('../fixtures/worked-example/', import.meta.url);

export const OTHER_AGENT = [
  { event: 'agent_idle', enabled: true, ext: '4102', username: 'Omar+Haddad', state: 'available', Timestamp: 1757222400 },
  { event: 'agent_idle', enabled: false, ext: '4102', username: 'Omar+Haddad', state: 'available', Timestamp: 1757224200 },
];

/** Loads the day with `loaded` as its loaded windows (default 08:00-11:00) and aggregates it. */
export async function loadWorkedExampleDay(pool: Pool, loaded: [number, number][] = [[WORKED_EXAMPLE_LOADED.from, WORKED_EXAMPLE_LOADED.to]]): Promise<void> {
  await loadFixtureEvents(pool, JSON.parse(readFileSync(new URL('events.json', FIXTURE), 'utf8')), null);
  await loadFixtureEvents(pool, { events: OTHER_AGENT }, null);
  await loadFixtureStats(pool, JSON.parse(readFileSync(new URL('v2/stats.json', FIXTURE), 'utf8')) as Record<string, unknown>);
  for (const [from, to] of loaded) await markLoaded(pool, from, to);
  await pool.query("CALL sp_aggregate_range('2025-09-07 00:00:00', '2025-09-08 00:00:00')");
}
