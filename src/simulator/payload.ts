// The simulator's response bodies, in the upstream's own shapes and field order (rules §2,
// fixtures/upstream-*-sample.json). Built as strings: the feed is the hot path of a backfill.
import type { AgentTotals, Bucket, FeedItem, World } from './world.ts';
import { asciiJson, type SimAgent } from './agents.ts';
import type { AgentDay } from './timeline.ts';

const quoted = new Map<string, string>();
function q(s: string): string {
  let v = quoted.get(s);
  if (v === undefined) {
    v = asciiJson(s);
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

/** Per event type, per state: the bytes around the identity, for enabled false and true. */
const frameBytes = new Map<string, Map<string, [Buffer, Buffer, Buffer, Buffer]>>();
const identityBytes = new WeakMap<SimAgent, Buffer>();

function frameFor(event: string, state: string): [Buffer, Buffer, Buffer, Buffer] {
  let byState = frameBytes.get(event);
  if (byState === undefined) frameBytes.set(event, (byState = new Map()));
  let f = byState.get(state);
  if (f === undefined) {
    const [h0, m0] = frame(event, 'false', state);
    const [h1, m1] = frame(event, 'true', state);
    f = [Buffer.from(h0), Buffer.from(m0), Buffer.from(h1), Buffer.from(m1)];
    byState.set(state, f);
  }
  return f;
}

/** A buffer that grows as needed. */
class Out {
  buf: Buffer;
  pos = 0;
  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(Math.max(size, 1024));
  }
  room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }
  text(s: string): void {
    this.room(Buffer.byteLength(s));
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }
}

const COMMA = 44;
const CLOSE = 125;

function writeEvent(out: Out, day: AgentDay, index: number, comma: boolean): void {
  const e = day.events[index]!;
  if (comma) {
    out.room(1);
    out.buf[out.pos++] = COMMA;
  }
  if (e.malformed !== undefined || e.username !== undefined) {
    out.text(eventJson({ day, event: e, index }));
    return;
  }
  const f = frameFor(e.event, e.state);
  const head = e.enabled ? f[2] : f[0];
  const mid = e.enabled ? f[3] : f[1];
  let id = identityBytes.get(day.agent);
  if (id === undefined) {
    id = Buffer.from(day.agent.jsonIdentity);
    identityBytes.set(day.agent, id);
  }
  out.room(head.length + id.length + mid.length + 24);
  const buf = out.buf;
  let p = out.pos;
  p += head.copy(buf, p);
  p += id.copy(buf, p);
  p += mid.copy(buf, p);
  p += buf.write(String(e.ts), p, 'latin1');
  buf[p++] = CLOSE;
  out.pos = p;
}

/** The bucket's events as JSON bytes, made once: every request inside the hour is a slice. */
function bucketBytes(b: Bucket): { json: Buffer; off: Int32Array } {
  if (b.bytes) return b.bytes;
  const out = new Out(b.n * 180 + 16);
  const off = new Int32Array(b.n + 1);
  for (let p = 0; p < b.n; p++) {
    off[p] = out.pos;
    writeEvent(out, b.days[b.dayOf[p]!]!, b.idxOf[p]!, false);
    out.room(1);
    out.buf[out.pos++] = COMMA;
  }
  off[b.n] = out.pos;
  b.bytes = { json: out.buf.subarray(0, out.pos), off };
  return b.bytes;
}

const OPEN = Buffer.from('{"events":[');
const SHUT = Buffer.from(']}');
const SEP = Buffer.from(',');

/** The events response body for [from, to), truncated at `limit`, as UTF-8 bytes. */
export function eventsResponse(world: World, from: number, to: number, limit: number): Buffer {
  const parts: Buffer[] = [OPEN];
  for (const { bucket, p0, p1 } of world.spans(from, to, limit)) {
    const { json, off } = bucketBytes(bucket);
    if (parts.length > 1) parts.push(SEP);
    parts.push(json.subarray(off[p0]!, off[p1]! - 1)); // without the trailing comma
  }
  parts.push(SHUT);
  return Buffer.concat(parts);
}

export function eventsBody(items: FeedItem[]): string {
  const parts = new Array<string>(items.length);
  for (let i = 0; i < items.length; i++) parts[i] = eventJson(items[i]!);
  return '{"events":[' + parts.join(',') + ']}';
}

/** The stats response: an object keyed by extension, as ASCII JSON text: per extension the rules §3 figures the report reconciles, plus the upstream's other fields. */
export function statsBody(totals: Map<SimAgent, AgentTotals>): string {
  let body = '';
  for (const [agent, t] of totals) {
    const onCall = t.talk + t.hold;
    let notAvailable = 0;
    let detail = '';
    for (const [reason, secs] of t.reasons) {
      detail += (detail === '' ? '' : ',') + q(reason) + ':' + secs;
      notAvailable += secs;
    }
    const avg = t.answered > 0 ? Math.round(onCall / t.answered) : 0;
    body +=
      (body === '' ? '' : ',') +
      `${q(agent.ext)}:{"name":${q(agent.username)},"tags":null,"total_calls":${t.answered + t.missed},"answered_calls":${t.answered},` +
      `"talked_time":${onCall},"talked_average":${avg},"duration_seconds":${onCall + t.wrap},"max_connect_seconds":0,` +
      `"avg_connect_seconds":0,"total_connect_seconds":0,"callee_id_number":"","callee_id_name":"",` +
      `"registered_time":${onCall + t.wrap + t.idle + notAvailable},"idle_time":${t.idle},"wrap_up_time":${t.wrap},` +
      `"hold_time":${t.hold},"on_call_time":${onCall},"on_call_time_avg":${avg},"not_available_time":${notAvailable}` +
      (t.reasons.size > 0 ? `,"not_available_detailed_report":{${detail}}}` : '}');
  }
  return '{' + body + '}';
}
