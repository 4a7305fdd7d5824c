// The machine's ceiling for the load figure: LOAD DATA LOCAL INFILE of the same events
// into a copy of agent_events with the same keys but none of the loader's dedup logic.
// MySQL 8 ships with local_infile off, so the server may refuse: the figure is then
// reported as unavailable, with the server's reason, and the rest of the bench goes on.
import type { Connection } from 'mysql2/promise';
import type { AgentEvent } from '../types.ts';
import { loadLocal } from '../db/local-infile.ts';
import { eventLines, eventsLoadInto } from '../load/events.ts';

export async function createBareCopy(conn: Connection): Promise<void> {
  await conn.query('DROP TABLE IF EXISTS bench_raw_events');
  await conn.query('CREATE TABLE bench_raw_events LIKE agent_events');
}

/**
 * LOAD DATA LOCAL INFILE of `events`: the milliseconds the statement took, or the reason
 * the server refused it. Other errors are thrown.
 */
export async function rawLoad(conn: Connection, events: AgentEvent[]): Promise<number | { refused: string }> {
  // the loader's own lines, in the feed's order, built before the clock starts: the
  // figure is the engine's alone
  const text = [...eventLines(events)];
  const started = performance.now();
  const r = await loadLocal(conn, eventsLoadInto('bench_raw_events'), text);
  if ('refused' in r) return r;
  return performance.now() - started;
}
