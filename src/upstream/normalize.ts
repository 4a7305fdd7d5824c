// Turns upstream payloads into typed records (rules §2): epoch-ms -> seconds, `enabled` as
// boolean / 0/1 / "true"/"false", stats keyed by extension or as an array. Anything that
// cannot go into the timeline becomes a Rejected with the reason, never a thrown error,
// so one bad record does not stop a window.
import type { AgentEvent, Rejected, StatsRecord } from '../types.ts';
import { boundedJson } from '../json-bounds.ts';

/** A value as a reason quotes it: any depth, a bounded length. */
const quoted = (v: unknown) => (v === undefined ? 'missing' : boundedJson(v, 4, 80));

/** A Timestamp above this is milliseconds (rules §2). */
const MS_THRESHOLD = 1e11;
/** agent_events.seq is SMALLINT UNSIGNED. */
const MAX_SEQ = 65535;

const KNOWN_EVENT_FIELDS = new Set(['event', 'enabled', 'user_id', 'ext', 'username', 'state', 'Timestamp']);

/** Column widths of agent_events / users_calls: a longer value would fail the whole window. */
const LIMITS = { ext: 32, event: 64, state: 255, userId: 64, username: 255, name: 255 } as const;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** ext as sent: a non-empty string or a number. */
function extOf(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'string' && v.trim() !== '') return v.trim();
  return undefined;
}

function parseEnabled(v: unknown): boolean | undefined {
  if (v === true || v === 1 || v === 'true') return true;
  if (v === false || v === 0 || v === 'false') return false;
  return undefined;
}

function numeric(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v)) return Number(v);
  return undefined;
}

function optText(v: unknown): string | null | undefined {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined; // objects and arrays are not text
}

function eventList(payload: unknown): unknown[] | undefined {
  if (Array.isArray(payload)) return payload;
  if (isRecord(payload) && Array.isArray(payload.events)) return payload.events;
  return undefined;
}

/**
 * Normalises an events response. `seq` counts each (ext, second) in feed order over the
 * whole payload; since windows split only at whole seconds, a second's events always
 * arrive in one payload and re-loading it gives the same identities (rules §3).
 */
export function normalizeEvents(payload: unknown): { events: AgentEvent[]; rejected: Rejected[] } {
  const events: AgentEvent[] = [];
  const rejected: Rejected[] = [];
  const list = eventList(payload);
  if (list === undefined) {
    rejected.push({ endpoint: 'events', reason: 'response is not {"events": [...]}', raw: payload });
    return { events, rejected };
  }
  const seqs = new Map<string, Map<number, number>>(); // ext -> second -> events so far
  const reject = (reason: string, raw: unknown) => rejected.push({ endpoint: 'events', reason, raw });
  for (const r of list) {
    if (!isRecord(r)) {
      reject('record is not an object', r);
      continue;
    }
    const ext = extOf(r.ext);
    if (ext === undefined) {
      reject('missing ext', r);
      continue;
    }
    if (ext.length > LIMITS.ext) {
      reject(`ext longer than ${LIMITS.ext} characters`, r);
      continue;
    }
    const rawTs = numeric(r.Timestamp);
    if (rawTs === undefined) {
      reject('non-numeric Timestamp', r);
      continue;
    }
    if (rawTs < 0) {
      reject('negative Timestamp', r);
      continue;
    }
    const event = r.event;
    if (typeof event !== 'string' || event === '') {
      reject('missing event', r);
      continue;
    }
    if (event.length > LIMITS.event) {
      reject(`event longer than ${LIMITS.event} characters`, r);
      continue;
    }
    const enabled = parseEnabled(r.enabled);
    if (enabled === undefined) {
      reject(`invalid enabled: ${quoted(r.enabled)}`, r);
      continue;
    }
    const state = optText(r.state);
    const userId = optText(r.user_id);
    const username = optText(r.username);
    if (state === undefined || userId === undefined || username === undefined) {
      reject('state, user_id or username is not text', r);
      continue;
    }
    if ((state?.length ?? 0) > LIMITS.state || (userId?.length ?? 0) > LIMITS.userId || (username?.length ?? 0) > LIMITS.username) {
      reject('state, user_id or username too long', r);
      continue;
    }
    const ts = rawTs > MS_THRESHOLD ? Math.floor(rawTs / 1000) : Math.floor(rawTs);
    let perSecond = seqs.get(ext);
    if (perSecond === undefined) seqs.set(ext, (perSecond = new Map()));
    const seq = perSecond.get(ts) ?? 0;
    if (seq > MAX_SEQ) {
      reject(`more than ${MAX_SEQ + 1} events of one ext in one second`, r);
      continue;
    }
    perSecond.set(ts, seq + 1);
    let extra: Record<string, unknown> | null = null;
    for (const k in r) {
      if (!KNOWN_EVENT_FIELDS.has(k)) (extra ??= {})[k] = r[k];
    }
    events.push({ ext, ts, seq, event, enabled, state, userId, username, rawTimestamp: rawTs, extra });
  }
  return { events, rejected };
}

export const STATS_NUMBERS = [
  ['total_calls', 'totalCalls'],
  ['answered_calls', 'answeredCalls'],
  ['talked_time', 'talkedTime'],
  ['talked_average', 'talkedAverage'],
  ['duration_seconds', 'durationSeconds'],
  ['max_connect_seconds', 'maxConnectSeconds'],
  ['avg_connect_seconds', 'avgConnectSeconds'],
  ['total_connect_seconds', 'totalConnectSeconds'],
  ['registered_time', 'registeredTime'],
  ['idle_time', 'idleTime'],
  ['wrap_up_time', 'wrapUpTime'],
  ['hold_time', 'holdTime'],
  ['on_call_time', 'onCallTime'],
  ['on_call_time_avg', 'onCallTimeAvg'],
  ['not_available_time', 'notAvailableTime'],
] as const;

type StatsNumberKey = (typeof STATS_NUMBERS)[number][1];

/** Stats as [ext, record] pairs, from an object keyed by ext or an array carrying the ext. */
function statsEntries(payload: unknown, rejected: Rejected[]): [string, unknown][] | undefined {
  if (Array.isArray(payload)) {
    const out: [string, unknown][] = [];
    for (const r of payload) {
      const ext = isRecord(r) ? extOf(r.ext ?? r.extension ?? r.agent_ext) : undefined;
      if (ext === undefined) rejected.push({ endpoint: 'stats', reason: 'missing ext', raw: r });
      else out.push([ext, r]);
    }
    return out;
  }
  if (isRecord(payload)) return Object.entries(payload);
  return undefined;
}

/** Normalises a stats response (rules §2): object keyed by extension, or an array of records. */
export function normalizeStats(payload: unknown): { stats: StatsRecord[]; rejected: Rejected[] } {
  const stats: StatsRecord[] = [];
  const rejected: Rejected[] = [];
  const entries = statsEntries(payload, rejected);
  if (entries === undefined) {
    rejected.push({ endpoint: 'stats', reason: 'response is neither an object keyed by extension nor an array', raw: payload });
    return { stats, rejected };
  }
  const seen = new Set<string>();
  entry: for (const [key, r] of entries) {
    const reject = (reason: string) => rejected.push({ endpoint: 'stats', reason, raw: Array.isArray(payload) ? r : { [key]: r } });
    const ext = key.trim();
    if (ext === '') {
      reject('missing ext');
      continue;
    }
    if (ext.length > LIMITS.ext) {
      reject(`ext longer than ${LIMITS.ext} characters`);
      continue;
    }
    if (!isRecord(r)) {
      reject('record is not an object');
      continue;
    }
    if (seen.has(ext)) {
      reject('extension appears twice in one response');
      continue;
    }
    const nums = {} as Record<StatsNumberKey, number>;
    for (const [field, prop] of STATS_NUMBERS) {
      const v = r[field];
      if (v === undefined || v === null) {
        nums[prop] = 0;
        continue;
      }
      const n = numeric(v);
      if (n === undefined) {
        reject(`invalid ${field}: ${quoted(v)}`);
        continue entry;
      }
      nums[prop] = n;
    }
    let report: Record<string, number> | null = null;
    const detail = r.not_available_detailed_report;
    if (detail !== undefined && detail !== null) {
      if (!isRecord(detail)) {
        reject('not_available_detailed_report is not an object');
        continue;
      }
      report = {};
      for (const [reason, secs] of Object.entries(detail)) {
        const n = numeric(secs);
        if (n === undefined) {
          reject(`invalid not_available_detailed_report[${JSON.stringify(reason)}]: ${quoted(secs)}`);
          continue entry;
        }
        report[reason] = n;
      }
    }
    const name = optText(r.name);
    const calleeIdNumber = optText(r.callee_id_number);
    const calleeIdName = optText(r.callee_id_name);
    if (name === undefined || calleeIdNumber === undefined || calleeIdName === undefined) {
      reject('name, callee_id_number or callee_id_name is not text');
      continue;
    }
    if ((name?.length ?? 0) > LIMITS.name || (calleeIdNumber?.length ?? 0) > 255 || (calleeIdName?.length ?? 0) > 255) {
      reject('name, callee_id_number or callee_id_name too long');
      continue;
    }
    seen.add(ext);
    stats.push({ ext, name, tags: r.tags ?? null, ...nums, calleeIdNumber, calleeIdName, notAvailableDetailedReport: report, raw: r });
  }
  return { stats, rejected };
}
