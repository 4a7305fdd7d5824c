// The simulated contact centre as the API sees it: events of any range in feed order
// (truncated at pageSize), stats of any range computed from the same timelines, so the
// stats agree with the events under rules §3 by construction.
import { makeAgent, type SimAgent } from './agents.ts';
import { agentDay, type AgentDay, type SimEvent } from './timeline.ts';

export interface WorldOptions {
  agents: number;
  seed: number;
  /** Simulated clock, epoch seconds: nothing at or after it exists yet. */
  now: () => number;
  /** Days of history: shifts start on the UTC days from (now - days) up to today; unlimited when undefined. */
  days?: number;
  malformedRate?: number;
}

/** An event with the agent-day it belongs to: enough to serialise it and to order the feed. */
export interface FeedItem {
  day: AgentDay;
  event: SimEvent;
  index: number;
}

/** Events of a range in feed order: event p is days[dayOf[p]].events[idxOf[p]]. */
export interface Ordered {
  days: AgentDay[];
  dayOf: Int32Array;
  idxOf: Int32Array;
  n: number;
}

/** One UTC hour of the feed, sorted; `ts` holds each event's second minus `start`. */
export interface Bucket extends Ordered {
  start: number;
  ts: Int32Array;
  /** The hour's events as JSON, comma-separated; event p spans [off[p], off[p + 1] - 1). Filled by the server. */
  bytes?: { json: Buffer; off: Int32Array };
}

/** The state and call figures of one agent over a range, as the stats endpoint reports them. */
export interface AgentTotals {
  hold: number;
  talk: number;
  wrap: number;
  idle: number;
  reasons: Map<string, number>;
  answered: number;
  missed: number;
}

/** The events of a day lie within this many seconds after its UTC midnight (shift start ≤ 22:15, ≤ ~12 h long). */
const DAY_REACH = 36 * 3600;
/** Days kept computed: a window needs up to three; a backfill runs a few windows at once. */
const CACHED_DAYS = 6;
/** Hours of feed kept sorted: the windows a backfill loads at once, and their neighbours. */
const CACHED_HOURS = 12;

function lowerBound(events: SimEvent[], ts: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (events[mid]!.ts < ts) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first position in an ascending array whose value is >= x. */
function firstAtLeast(a: Int32Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** How many of the sorted numbers lie in [from, to). */
function countIn(sorted: number[], from: number, to: number): number {
  const first = (x: number) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return sorted.length === 0 ? 0 : first(to) - first(from);
}

export class World {
  readonly agents: SimAgent[];
  private readonly cache = new Map<number, (AgentDay | undefined)[]>();
  private readonly buckets = new Map<number, Bucket>();
  private readonly firstDay: number;
  private readonly lastDay: number;

  constructor(private readonly opts: WorldOptions) {
    this.agents = Array.from({ length: opts.agents }, (_, i) => makeAgent(opts.seed, i));
    const now = opts.now();
    const today = Math.floor(now / 86400);
    this.firstDay = opts.days === undefined ? -Infinity : Math.floor(now / 86400 - opts.days);
    this.lastDay = opts.days === undefined ? Infinity : today;
  }

  now(): number {
    return Math.floor(this.opts.now());
  }

  /** One agent's day, from the cache or computed. Whole days leave the cache, oldest first. */
  day(agent: SimAgent, day: number): AgentDay {
    let byAgent = this.cache.get(day);
    if (byAgent === undefined) {
      if (this.cache.size >= CACHED_DAYS) {
        const oldest = this.cache.keys().next().value!;
        this.cache.delete(oldest);
      }
      byAgent = new Array<AgentDay | undefined>(this.agents.length);
      this.cache.set(day, byAgent);
    }
    let d = byAgent[agent.index];
    if (d === undefined) {
      d = agentDay(this.opts.seed, agent, day, { malformedRate: this.opts.malformedRate ?? 0 });
      byAgent[agent.index] = d;
    }
    return d;
  }

  /** The agent-days that may hold events in [from, to). */
  private daysFor(from: number, to: number): number[] {
    const out: number[] = [];
    const lo = Math.max(this.firstDay, Math.floor((from - DAY_REACH) / 86400));
    const hi = Math.min(this.lastDay, Math.floor((to - 1) / 86400));
    for (let d = lo; d <= hi; d++) out.push(d);
    return out;
  }

  /**
   * The events with ts in [from, to) in feed order (by second, then agent, then the
   * agent's own order), as positions in agent-days. A counting sort over the seconds:
   * agents are visited in order, so each second's events come out in agent order.
   */
  order(from: number, to: number): Ordered {
    const days: AgentDay[] = [];
    const lo: number[] = [];
    const hi: number[] = [];
    let n = 0;
    const dayList = this.daysFor(from, to);
    for (const agent of this.agents) {
      for (const d of dayList) {
        const ad = this.day(agent, d);
        const ev = ad.events;
        if (ev.length === 0 || ev[0]!.ts >= to || ev[ev.length - 1]!.ts < from) continue;
        const a = lowerBound(ev, from);
        const b = lowerBound(ev, to);
        if (a >= b) continue;
        days.push(ad);
        lo.push(a);
        hi.push(b);
        n += b - a;
      }
    }
    const starts = new Int32Array(to - from + 1);
    for (let s = 0; s < days.length; s++) {
      const ev = days[s]!.events;
      for (let i = lo[s]!; i < hi[s]!; i++) starts[ev[i]!.ts - from + 1]!++;
    }
    for (let k = 1; k < starts.length; k++) starts[k]! += starts[k - 1]!;
    const dayOf = new Int32Array(n);
    const idxOf = new Int32Array(n);
    for (let s = 0; s < days.length; s++) {
      const ev = days[s]!.events;
      for (let i = lo[s]!; i < hi[s]!; i++) {
        const p = starts[ev[i]!.ts - from]!++;
        dayOf[p] = s;
        idxOf[p] = i;
      }
    }
    return { days, dayOf, idxOf, n };
  }

  /** The events of the UTC hour starting at `h`, in feed order, with their seconds; cached. */
  private bucket(h: number): Bucket {
    let b = this.buckets.get(h);
    if (b !== undefined) return b;
    const o = this.order(h, h + 3600);
    const ts = new Int32Array(o.n);
    for (let p = 0; p < o.n; p++) ts[p] = o.days[o.dayOf[p]!]!.events[o.idxOf[p]!]!.ts - h;
    b = { ...o, start: h, ts };
    if (this.buckets.size >= CACHED_HOURS) this.buckets.delete(this.buckets.keys().next().value!);
    this.buckets.set(h, b);
    return b;
  }

  /**
   * The events response for [from, to): the first `limit` events, as the real API
   * truncates silently (rules §2), as runs [p0, p1) of hour buckets. A long range costs
   * only what it returns, and many small requests share one sort.
   */
  spans(from: number, to: number, limit: number): { bucket: Bucket; p0: number; p1: number }[] {
    const end = Math.min(to, this.now());
    const out: { bucket: Bucket; p0: number; p1: number }[] = [];
    let count = 0;
    for (let h = Math.floor(from / 3600) * 3600; h < end && count < limit; h += 3600) {
      const b = this.bucket(h);
      const p0 = firstAtLeast(b.ts, from - h);
      const p1 = Math.min(firstAtLeast(b.ts, end - h), p0 + (limit - count));
      if (p1 > p0) out.push({ bucket: b, p0, p1 });
      count += p1 - p0;
    }
    return out;
  }

  /** Visits the events of spans(from, to, limit) in feed order. */
  feed(from: number, to: number, limit: number, visit: (day: AgentDay, index: number) => void): number {
    let count = 0;
    for (const { bucket: b, p0, p1 } of this.spans(from, to, limit)) {
      for (let p = p0; p < p1; p++) visit(b.days[b.dayOf[p]!]!, b.idxOf[p]!);
      count += p1 - p0;
    }
    return count;
  }

  /** The same as feed(), as a list. */
  events(from: number, to: number, limit: number): FeedItem[] {
    const out: FeedItem[] = [];
    this.feed(from, to, limit, (day, index) => out.push({ day, event: day.events[index]!, index }));
    return out;
  }

  /** Per agent with anything to report in [from, min(to, now)): state seconds and calls. */
  totals(from: number, to: number): Map<SimAgent, AgentTotals> {
    const end = Math.min(to, this.now());
    const out = new Map<SimAgent, AgentTotals>();
    if (end <= from) return out;
    const days = this.daysFor(from, end);
    for (const agent of this.agents) {
      let t: AgentTotals | undefined;
      for (const d of days) {
        const ad = this.day(agent, d);
        const segs = ad.segments;
        if (segs.length === 0 || segs[0]!.from >= end || segs[segs.length - 1]!.to <= from) continue;
        // segments are sorted and do not overlap: start at the first that ends after `from`
        let lo = 0;
        let hi = segs.length;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (segs[mid]!.to <= from) lo = mid + 1;
          else hi = mid;
        }
        for (let i = lo; i < segs.length && segs[i]!.from < end; i++) {
          const s = segs[i]!;
          const secs = Math.min(s.to, end) - Math.max(s.from, from);
          t ??= { hold: 0, talk: 0, wrap: 0, idle: 0, reasons: new Map(), answered: 0, missed: 0 };
          if (s.kind === 'na') t.reasons.set(s.reason ?? '', (t.reasons.get(s.reason ?? '') ?? 0) + secs);
          else t[s.kind] += secs;
        }
        const answered = countIn(ad.answered, from, end);
        const missed = countIn(ad.missed, from, end);
        if (answered + missed > 0) {
          t ??= { hold: 0, talk: 0, wrap: 0, idle: 0, reasons: new Map(), answered: 0, missed: 0 };
          t.answered += answered;
          t.missed += missed;
        }
      }
      if (t) out.set(agent, t);
    }
    return out;
  }

  /**
   * Every well-formed event in [from, min(to, now)) with its identity (ext, ts, seq), in
   * feed order: what the loader should hold, for the reference model in tests.
   */
  timeline(from: number, to: number): { ext: string; ts: number; seq: number; event: string; enabled: boolean; state: string; username: string }[] {
    const end = Math.min(to, this.now());
    const out: { ext: string; ts: number; seq: number; event: string; enabled: boolean; state: string; username: string }[] = [];
    const seqs = new Map<string, number>();
    this.feed(from, end, Infinity, (day, index) => {
      const event = day.events[index]!;
      if (event.malformed) return;
      const key = `${day.agent.ext}:${event.ts}`;
      const seq = seqs.get(key) ?? 0;
      seqs.set(key, seq + 1);
      out.push({ ext: day.agent.ext, ts: event.ts, seq, event: event.event, enabled: event.enabled, state: event.state, username: event.username ?? day.agent.username });
    });
    return out;
  }
}
