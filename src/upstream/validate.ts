// Checks before loading: a value the database would refuse (out of its column's range),
// a value that cannot be true (a negative count or duration), or a record too large for
// one statement would fail the whole window, every run, forever. Such a record is
// rejected instead, with a reason that names the extension and the time, and the rest
// of the window loads.
import type { AgentEvent, Rejected, StatsRecord } from '../types.ts';
import { STATS_NUMBERS } from './normalize.ts';
import { isoUtc } from '../time.ts';
import { MAX_STORED_JSON_DEPTH, jsonDepth } from '../json-bounds.ts';

/**
 * Largest count or number of seconds accepted in one stats record: far above any real
 * figure (68 years of seconds), and small enough that sums over months of agents and
 * slots stay inside BIGINT.
 */
const MAX_STATS_VALUE = 2 ** 31 - 1;
/** Largest record kept as JSON (an event's extra fields, a stats record as sent), bytes. */
const MAX_RECORD_BYTES = 64 * 1024;


function badNumber(n: number): string | undefined {
  if (!Number.isFinite(n) || n > MAX_STATS_VALUE) return `out of range (0 to ${MAX_STATS_VALUE})`;
  if (n < 0) return 'negative';
  return undefined;
}

const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v) ?? '', 'utf8');
/** Deeper than a JSON column takes (and too deep to stringify safely, checked first). */
const tooDeep = (v: unknown) => jsonDepth(v, MAX_STORED_JSON_DEPTH) > MAX_STORED_JSON_DEPTH;

/** Stats of [fromTs, toTs) that can be loaded, and the rest as rejected records. */
export function validateStats(stats: StatsRecord[], fromTs: number, toTs: number): { stats: StatsRecord[]; rejected: Rejected[] } {
  const kept: StatsRecord[] = [];
  const rejected: Rejected[] = [];
  const where = (ext: string) => `for ext ${ext} in stats [${isoUtc(fromTs)}, ${isoUtc(toTs)})`;
  record: for (const s of stats) {
    const reject = (reason: string) => rejected.push({ endpoint: 'stats', reason: reason.slice(0, 255), raw: { [s.ext]: s.raw } });
    for (const [field, prop] of STATS_NUMBERS) {
      const why = badNumber(s[prop]);
      if (why !== undefined) {
        reject(`${field} ${s[prop]} is ${why} ${where(s.ext)}`);
        continue record;
      }
    }
    for (const [reason, secs] of Object.entries(s.notAvailableDetailedReport ?? {})) {
      const why = badNumber(secs);
      if (why !== undefined) {
        reject(`not_available_detailed_report[${JSON.stringify(reason.slice(0, 40))}] ${secs} is ${why} ${where(s.ext)}`);
        continue record;
      }
    }
    if (tooDeep(s.raw)) {
      reject(`record nested deeper than ${MAX_STORED_JSON_DEPTH} levels ${where(s.ext)}`);
      continue;
    }
    const size = bytes(s.raw);
    if (size > MAX_RECORD_BYTES) {
      reject(`record of ${size} bytes is over ${MAX_RECORD_BYTES} ${where(s.ext)}`);
      continue;
    }
    kept.push(s);
  }
  return { stats: kept, rejected };
}

/** Events that can be loaded, and the rest as rejected records. */
export function validateEvents(events: AgentEvent[]): { events: AgentEvent[]; rejected: Rejected[] } {
  const kept: AgentEvent[] = [];
  const rejected: Rejected[] = [];
  for (const e of events) {
    if (e.extra !== null && tooDeep(e.extra)) {
      rejected.push({ endpoint: 'events', reason: `extra fields nested deeper than ${MAX_STORED_JSON_DEPTH} levels for ext ${e.ext.slice(0, 32)} at ${isoUtc(e.ts)}`, raw: e });
      continue;
    }
    const size = e.extra === null ? 0 : bytes(e.extra);
    if (size > MAX_RECORD_BYTES) {
      rejected.push({ endpoint: 'events', reason: `extra fields of ${size} bytes are over ${MAX_RECORD_BYTES} for ext ${e.ext.slice(0, 32)} at ${isoUtc(e.ts)}`, raw: e });
      continue;
    }
    kept.push(e);
  }
  return { events: kept, rejected };
}
