// The machine's ceiling for the load figure: LOAD DATA LOCAL INFILE of the same events
// into a copy of agent_events with the same keys but none of the loader's dedup logic.
// MySQL 8 ships with local_infile off, so the server may refuse: the figure is then
// reported as unavailable, with the server's reason, and the rest of the bench goes on.
import { Readable } from 'node:stream';
import type { Connection } from 'mysql2/promise';
import type { AgentEvent } from '../types.ts';

/** MySQL 8.0.19+: local_infile is off on the server, or the client did not offer it. */
const ER_CLIENT_LOCAL_FILES_DISABLED = 3948;
/** MariaDB's equivalent. */
const ER_LOAD_INFILE_CAPABILITY_DISABLED = 4166;
/** Older servers of both kinds. */
const ER_NOT_ALLOWED_COMMAND = 1148;

const REFUSALS = new Set([ER_CLIENT_LOCAL_FILES_DISABLED, ER_LOAD_INFILE_CAPABILITY_DISABLED, ER_NOT_ALLOWED_COMMAND]);

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

function* pieces(buf: Buffer, size: number): Generator<Buffer> {
  for (let at = 0; at < buf.length; at += size) yield buf.subarray(at, at + size);
}

export async function createBareCopy(conn: Connection): Promise<void> {
  await conn.query('DROP TABLE IF EXISTS bench_raw_events');
  await conn.query('CREATE TABLE bench_raw_events LIKE agent_events');
}

/** Why the server refused LOAD DATA LOCAL INFILE, with the fix; undefined for any other error. */
function localInfileRefusal(err: unknown): string | undefined {
  const errno = (err as { errno?: unknown }).errno;
  if (typeof errno !== 'number' || !REFUSALS.has(errno)) return undefined;
  return (
    `the server refused LOAD DATA LOCAL INFILE (error ${errno}: ${(err as Error).message}); ` +
    'to measure it, allow it on the server: SET GLOBAL local_infile = 1 (or start it with --local-infile=1)'
  );
}

/**
 * LOAD DATA LOCAL INFILE of `events`: the milliseconds the statement took, or the reason
 * the server refused it (see localInfileRefusal). Other errors are thrown.
 */
export async function rawLoad(conn: Connection, events: AgentEvent[]): Promise<number | { refused: string }> {
  const body = tsv(events);
  const started = performance.now();
  try {
    await conn.query({
      sql:
        "LOAD DATA LOCAL INFILE 'bench-events.tsv' INTO TABLE bench_raw_events CHARACTER SET utf8mb4 " +
        "FIELDS TERMINATED BY '\\t' LINES TERMINATED BY '\\n' " +
        '(ext, ts, seq, event, enabled, state, user_id, username, raw_timestamp)',
      // in pieces: the driver sends each as a packet, which must stay under max_allowed_packet
      infileStreamFactory: () => Readable.from(pieces(Buffer.from(body, 'utf8'), 1 << 20)),
    });
  } catch (err) {
    const refused = localInfileRefusal(err);
    if (refused === undefined) throw err;
    return { refused };
  }
  return performance.now() - started;
}
