// The simulated contact centre as the API sees it: events of any range in feed order
// (truncated at pageSize), stats of any range computed from the same timelines, so the
// stats agree with the events under SPEC §3 by construction.
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
const CACHE_PER_AGENT = 5;

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

export class World {
  readonly agents: SimAgent[];
  private readonly cache = new Map<string, AgentDay>();
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

  /** One agent's day, from the cache or computed. */
  day(agent: SimAgent, day: number): AgentDay {
    const key = `${agent.index}:${day}`;
    let d = this.cache.get(key);
    if (d) return d;
    d = agentDay(this.opts.seed, agent, day, { malformedRate: this.opts.malformedRate ?? 0 });
    if (this.cache.size >= this.agents.length * CACHE_PER_AGENT) {
      // Map keeps insertion order: drop the oldest eighth
      let drop = Math.ceil(this.cache.size / 8);
      for (const k of this.cache.keys()) {
        this.cache.delete(k);
        if (--drop === 0) break;
      }
    }
    this.cache.set(key, d);
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

  /** Feed items with ts in [from, to), in feed order: by second, then agent, then the agent's own order. */
  private slice(from: number, to: number): FeedItem[] {
    const items: FeedItem[] = [];
    const days = this.daysFor(from, to);
    for (const agent of this.agents) {
      for (const d of days) {
        const ad = this.day(agent, d);
        const ev = ad.events;
        if (ev.length === 0 || ev[0]!.ts >= to || ev[ev.length - 1]!.ts < from) continue;
        for (let i = lowerBound(ev, from); i < ev.length && ev[i]!.ts < to; i++) items.push({ day: ad, event: ev[i]!, index: i });
      }
    }
    items.sort((a, b) => a.event.ts - b.event.ts || a.day.agent.index - b.day.agent.index || a.index - b.index);
    return items;
  }

  /**
   * The events response for [from, to): the first `limit` events, as the real API
   * truncates silently (SPEC §2). Built an hour at a time so a long range costs only
   * what it returns.
   */
  events(from: number, to: number, limit: number): FeedItem[] {
    const end = Math.min(to, this.now());
    const out: FeedItem[] = [];
    for (let c = from; c < end && out.length < limit; c += 3600) {
      for (const item of this.slice(c, Math.min(c + 3600, end))) {
        out.push(item);
        if (out.length >= limit) break;
      }
    }
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
      const get = () => (t ??= { hold: 0, talk: 0, wrap: 0, idle: 0, reasons: new Map(), answered: 0, missed: 0 });
      for (const d of days) {
        const ad = this.day(agent, d);
        for (const s of ad.segments) {
          if (s.to <= from || s.from >= end) continue;
          const secs = Math.min(s.to, end) - Math.max(s.from, from);
          const x = get();
          if (s.kind === 'na') x.reasons.set(s.reason ?? '', (x.reasons.get(s.reason ?? '') ?? 0) + secs);
          else x[s.kind] += secs;
        }
        for (const c of ad.answered) if (c >= from && c < end) get().answered++;
        for (const c of ad.missed) if (c >= from && c < end) get().missed++;
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
    for (let c = from; c < end; c += 3600) {
      for (const { day, event } of this.slice(c, Math.min(c + 3600, end))) {
        if (event.malformed) continue;
        const key = `${day.agent.ext}:${event.ts}`;
        const seq = seqs.get(key) ?? 0;
        seqs.set(key, seq + 1);
        out.push({ ext: day.agent.ext, ts: event.ts, seq, event: event.event, enabled: event.enabled, state: event.state, username: event.username ?? day.agent.username });
      }
    }
    return out;
  }
}
