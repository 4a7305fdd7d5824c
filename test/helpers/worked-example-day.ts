// The worked example's day (rules §6, fixtures/worked-example) loaded through the real
// loader and aggregated, with a second agent (4102, Idle 09:00-09:30) so that lists and
// sums have more than one agent to choose among.
import { join, resolve } from 'node:path';
import type { Pool } from 'mysql2/promise';
import { loadWorkedExample } from './fixtures.ts';

const FIXTURE = join(resolve(import.meta.dirname), '..', 'fixtures', 'worked-example');

const OTHER_AGENT = [
  { event: 'agent_idle', enabled: true, ext: '4102', username: 'Omar+Haddad', state: 'available', Timestamp: 1757222400 },
  { event: 'agent_idle', enabled: false, ext: '4102', username: 'Omar+Haddad', state: 'available', Timestamp: 1757224200 },
];

/** Loads the day with `loaded` as its loaded windows (default 08:00-11:00) and aggregates it. */
export async function loadWorkedExampleDay(pool: Pool, loaded?: [number, number][]): Promise<void> {
  await loadWorkedExample(pool, FIXTURE, OTHER_AGENT, loaded);
}
