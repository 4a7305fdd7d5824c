// The machine's ceiling for the load figure: LOAD DATA LOCAL INFILE of the same events
// into a copy of agent_events with the same keys but none of the loader's dedup logic.
import { Readable } from 'node:stream';
import type { Connection } from 'mysql2/promise';
import type { AgentEvent } from '../types.ts';

function field(v: string | null): string {
  if (v === null) return '\\N';
  return v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

function tsv(events: AgentEvent[]): string {
  const lines = new Array<string>(events.length);
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    lines[i] = [field(e.ext), e.ts, e.seq, field(e.event), e.enabled ? 1 : 0, field(e.state), field(e.userId), field(e.username), e.rawTimestamp].join('\t');
  }
  return lines.join('\n') + '\n';
}

export async function createBareCopy(conn: Connection): Promise<void> {
  await conn.query('DROP TABLE IF EXISTS bench_raw_events');
  await conn.query('CREATE TABLE bench_raw_events LIKE agent_events');
}

/** LOAD DATA LOCAL INFILE of `events`; returns the milliseconds the statement took. */
export async function rawLoad(conn: Connection, events: AgentEvent[]): Promise<number> {
  const body = tsv(events);
  const started = performance.now();
  await conn.query({
    sql:
      "LOAD DATA LOCAL INFILE 'bench-events.tsv' INTO TABLE bench_raw_events CHARACTER SET utf8mb4 " +
      "FIELDS TERMINATED BY '\\t' LINES TERMINATED BY '\\n' " +
      '(ext, ts, seq, event, enabled, state, user_id, username, raw_timestamp)',
    infileStreamFactory: () => Readable.from([Buffer.from(body, "utf8")]),
  });
  return performance.now() - started;
}
