// The simulator's response bodies, in the upstream's own shapes and field order (SPEC §2,
// fixtures/upstream-*-sample.json). Built as strings: the feed is the hot path of a backfill.
import type { AgentTotals, FeedItem } from './world.ts';
import type { SimAgent } from './agents.ts';

const quoted = new Map<string, string>();
function q(s: string): string {
  let v = quoted.get(s);
  if (v === undefined) {
    v = JSON.stringify(s);
    if (quoted.size < 10_000) quoted.set(s, v);
  }
  return v;
}

/** `{"event":…,"enabled":…,` and `,"state":…,"Timestamp":` per (event, enabled, state). */
const frames = new Map<string, [string, string]>();
function frame(event: string, enabled: string, state: string): [string, string] {
  const key = event + '\u0000' + enabled + '\u0000' + state;
  let f = frames.get(key);
  if (f === undefined) {
    f = [`{"event":${q(event)},"enabled":${enabled},`, `,"state":${q(state)},"Timestamp":`];
    if (frames.size < 10_000) frames.set(key, f);
  }
  return f;
}

function eventJson({ day, event: e }: FeedItem): string {
  const a = day.agent;
  if (e.malformed === undefined && e.username === undefined) {
    const [head, mid] = frame(e.event, e.enabled ? 'true' : 'false', e.state);
    return head + a.jsonIdentity + mid + e.ts + '}';
  }
  const identity =
    e.malformed === 'no-ext'
      ? `"user_id":${q(a.userId)},"username":${q(a.username)}`
      : e.username !== undefined
        ? `"user_id":${q(a.userId)},"ext":${q(a.ext)},"username":${q(e.username)}`
        : a.jsonIdentity;
  const enabled = e.malformed === 'maybe-enabled' ? '"maybe"' : e.enabled ? 'true' : 'false';
  const ts = e.malformed === 'abc-timestamp' ? '"abc"' : String(e.ts);
  const [head, mid] = frame(e.event, enabled, e.state);
  return head + identity + mid + ts + '}';
}

export function eventsBody(items: FeedItem[]): string {
  const parts = new Array<string>(items.length);
  for (let i = 0; i < items.length; i++) parts[i] = eventJson(items[i]!);
  return '{"events":[' + parts.join(',') + ']}';
}

/** One stats record: the SPEC §3 figures the report reconciles, plus the upstream's other fields. */
export function statsRecord(agent: SimAgent, t: AgentTotals): Record<string, unknown> {
  const onCall = t.talk + t.hold;
  let notAvailable = 0;
  const detail: Record<string, number> = {};
  for (const [reason, secs] of t.reasons) {
    detail[reason] = secs;
    notAvailable += secs;
  }
  const record: Record<string, unknown> = {
    name: agent.username,
    tags: null,
    total_calls: t.answered + t.missed,
    answered_calls: t.answered,
    talked_time: onCall,
    talked_average: t.answered > 0 ? Math.round(onCall / t.answered) : 0,
    duration_seconds: onCall + t.wrap,
    max_connect_seconds: 0,
    avg_connect_seconds: 0,
    total_connect_seconds: 0,
    callee_id_number: '',
    callee_id_name: '',
    registered_time: onCall + t.wrap + t.idle + notAvailable,
    idle_time: t.idle,
    wrap_up_time: t.wrap,
    hold_time: t.hold,
    on_call_time: onCall,
    on_call_time_avg: t.answered > 0 ? Math.round(onCall / t.answered) : 0,
    not_available_time: notAvailable,
  };
  if (t.reasons.size > 0) record.not_available_detailed_report = detail;
  return record;
}

export function statsBody(totals: Map<SimAgent, AgentTotals>): string {
  const out: Record<string, unknown> = {};
  for (const [agent, t] of totals) out[agent.ext] = statsRecord(agent, t);
  return JSON.stringify(out);
}
