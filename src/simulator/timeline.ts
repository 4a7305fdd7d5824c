// One agent's working day, computed from (seed, agent, day) alone: a shift with a login,
// calls (holds, wrap-ups), breaks with the real reasons, a logoff; same-second pairs in
// both orders, agent_reg noise, the odd unknown event type. About 130 state events per
// 8-9 hour day. Each day starts and ends with every flag off, so days are independent.
import type { SimAgent } from './agents.ts';
import { hash, Rng } from './random.ts';

export type Malformed = 'no-ext' | 'abc-timestamp' | 'maybe-enabled';

export interface SimEvent {
  ts: number;
  event: string;
  enabled: boolean;
  state: string;
  /** Overrides the agent's username (agent_reg noise sometimes carries none). */
  username?: string;
  /** A record the loader must reject (for the loader's tests); not part of the timeline. */
  malformed?: Malformed;
}

/** A stretch of one state, by rules §3's precedence; Offline stretches are not stored. */
export interface Segment {
  from: number;
  to: number;
  kind: 'hold' | 'talk' | 'wrap' | 'idle' | 'na';
  /** The raw not-available reason (kind 'na'). */
  reason: string | null;
}

export interface AgentDay {
  agent: SimAgent;
  day: number;
  /** In feed order; timestamps never decrease. */
  events: SimEvent[];
  segments: Segment[];
  /** Start second of each answered call. */
  answered: number[];
  /** Second of each offered call nobody answered. */
  missed: number[];
}

export interface TimelineOptions {
  /** Probability per agent-day of one malformed record (no ext, Timestamp "abc", enabled "maybe"). */
  malformedRate: number;
}

const UNKNOWN_REASONS = ['Prayer', 'Personal Work', 'System Issue', 'Coaching', 'Short Break', 'Bio Break'];
const UNKNOWN_EVENTS = ['agent_ringing', 'agent_callback_scheduled'];

interface PlannedBreak {
  at: number;
  reason: string;
  min: number;
  max: number;
}

class DayWriter {
  readonly events: SimEvent[] = [];
  constructor(private readonly rng: Rng) {}

  add(ts: number, event: string, enabled: boolean, state: string, username?: string): void {
    const e: SimEvent = { ts, event, enabled, state };
    if (username !== undefined) e.username = username;
    this.events.push(e);
  }

  /** Several events in one second, in a random order (the real feed shows both orders). */
  together(ts: number, list: [string, boolean, string][]): void {
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(this.rng.next() * (i + 1));
      [list[i], list[j]] = [list[j]!, list[i]!];
    }
    for (const [event, enabled, state] of list) this.add(ts, event, enabled, state);
  }
}

function planBreaks(rng: Rng, start: number, end: number): PlannedBreak[] {
  const len = end - start;
  const plan: PlannedBreak[] = [
    { at: start + Math.round(len * 0.25) + rng.int(-1200, 1200), reason: 'Tea Break', min: 600, max: 900 },
    { at: start + Math.round(len * 0.5) + rng.int(-1800, 1800), reason: 'lunch', min: 1800, max: 2700 },
    { at: start + Math.round(len * 0.78) + rng.int(-1200, 1200), reason: 'Tea Break', min: 600, max: 900 },
  ];
  const extra: [string, number, number, number][] = [
    ['Outbound ', 0.4, 600, 1800],
    ['ON Tickets', 0.3, 600, 1500],
    ['Team Meeting', 0.15, 1200, 2700],
    ['Not Available', 0.35, 120, 600],
    [rng.pick(UNKNOWN_REASONS), 0.2, 300, 900],
  ];
  for (const [reason, p, min, max] of extra) {
    if (rng.chance(p)) plan.push({ at: start + rng.int(1800, len - 1800), reason, min, max });
  }
  return plan.sort((a, b) => a.at - b.at);
}

/** The working day `day` (days since 1970-01-01 UTC) of one agent. */
export function agentDay(seed: number, agent: SimAgent, day: number, opts: TimelineOptions): AgentDay {
  const rng = new Rng(hash(seed, agent.index, day, 0xda7));
  const w = new DayWriter(rng);
  const answered: number[] = [];
  const missed: number[] = [];

  const login = day * 86400 + agent.shiftStart + rng.int(-900, 900);
  const shiftEnd = login + rng.int(8 * 3600, 9 * 3600);
  const breaks = planBreaks(rng, login, shiftEnd);

  if (rng.chance(0.6)) w.add(login - rng.int(5, 60), 'agent_reg', true, 'none');
  w.add(login, 'agent_not_avail_state', true, 'Login');
  let t = login + rng.int(20, 600);
  w.together(t, [
    ['agent_idle', true, 'available'],
    ['agent_not_avail_state', false, 'none'],
  ]);
  let unknownAt = rng.chance(0.2) ? login + rng.int(3600, 7 * 3600) : -1;
  const regNoiseAt = rng.chance(0.5) ? login + rng.int(1800, 7 * 3600) : -1;
  let regDone = false;

  for (;;) {
    const idle = rng.exp(agent.idleMean, 5, 3600);
    // offered calls nobody picked up, while the agent sat idle
    if (idle > 30 && rng.chance(0.2)) missed.push(t + rng.int(1, idle - 1));
    if (unknownAt >= 0 && unknownAt < t + idle) {
      w.add(Math.max(t + 1, Math.min(unknownAt, t + idle - 1)), rng.pick(UNKNOWN_EVENTS), true, 'none');
      unknownAt = -1;
    } else if (!regDone && regNoiseAt >= 0 && regNoiseAt < t + idle) {
      // a re-registration without a name: the report keeps the last non-empty one
      w.add(Math.max(t + 1, Math.min(regNoiseAt, t + idle - 1)), 'agent_reg', true, 'none', '');
      regDone = true;
    }
    t += idle;
    if (t >= shiftEnd) break;

    const brk = breaks[0] !== undefined && breaks[0].at <= t ? breaks.shift()! : undefined;
    if (brk) {
      w.together(t, [
        ['agent_idle', false, 'available'],
        ['agent_not_avail_state', true, brk.reason],
      ]);
      let dur = rng.int(brk.min, brk.max);
      if (rng.chance(0.15)) {
        // a reason change: a new not-available-on with no off before it
        const first = rng.int(60, Math.max(61, dur - 60));
        w.add(t + first, 'agent_not_avail_state', true, rng.pick(['Not Available', 'ON Tickets', 'Outbound ', rng.pick(UNKNOWN_REASONS)]));
        dur = Math.max(dur, first + 30);
      }
      t += dur;
      w.together(t, [
        ['agent_not_avail_state', false, 'none'],
        ['agent_idle', true, 'available'],
      ]);
      continue;
    }

    // a call: on-call on with idle off, maybe a hold, on-call off, wrap-up, back to idle
    answered.push(t);
    w.together(t, [
      ['agent_on_call', true, 'none'],
      ['agent_idle', false, 'available'],
    ]);
    const talk = rng.exp(200, 15, 1800);
    const end = t + talk;
    const wrapAt = end + (rng.chance(0.3) ? 1 : 0);
    if (rng.chance(0.25) && talk > 20) {
      const holdOn = t + rng.int(5, talk - 10);
      const holdOff = holdOn + rng.int(10, 150);
      w.add(holdOn, 'agent_hold', true, 'none');
      if (holdOff < end) {
        w.add(holdOff, 'agent_hold', false, 'none');
      } else {
        // the hold ends with the call, in the same second (the sample shows this)
        const list: [string, boolean, string][] = [
          ['agent_on_call', false, 'none'],
          ['agent_hold', false, 'none'],
        ];
        if (wrapAt === end) list.push(['agent_wrap_up', true, 'none']);
        w.together(end, list);
        if (wrapAt !== end) w.add(wrapAt, 'agent_wrap_up', true, 'none');
        t = wrapAt + rng.exp(40, 3, 300);
        w.together(t, [
          ['agent_wrap_up', false, 'none'],
          ['agent_idle', true, 'available'],
        ]);
        continue;
      }
    }
    if (wrapAt === end) {
      w.together(end, [
        ['agent_on_call', false, 'none'],
        ['agent_wrap_up', true, 'none'],
      ]);
    } else {
      w.add(end, 'agent_on_call', false, 'none');
      w.add(wrapAt, 'agent_wrap_up', true, 'none');
    }
    t = wrapAt + rng.exp(40, 3, 300);
    w.together(t, [
      ['agent_wrap_up', false, 'none'],
      ['agent_idle', true, 'available'],
    ]);
  }

  // logoff: usually idle off with not-available "Logoff", then off; sometimes the odd
  // upstream sequence that gives Logoff 0 s (rules §3), then idle off a little later
  if (rng.chance(0.8)) {
    w.together(t, [
      ['agent_idle', false, 'available'],
      ['agent_not_avail_state', true, 'Logoff'],
    ]);
    t += rng.int(5, 120);
    w.add(t, 'agent_not_avail_state', false, 'none');
  } else {
    w.add(t, 'agent_not_avail_state', true, 'Logoff');
    w.add(t, 'agent_idle', false, 'available');
    w.add(t, 'agent_not_avail_state', false, 'none');
    w.add(t, 'agent_idle', true, 'available');
    t += rng.int(2, 60);
    w.add(t, 'agent_idle', false, 'available');
  }
  if (rng.chance(0.5)) w.add(t + rng.int(1, 30), 'agent_reg', false, 'none');

  const events = w.events;
  if (opts.malformedRate > 0 && rng.chance(opts.malformedRate)) {
    const kinds: Malformed[] = ['no-ext', 'abc-timestamp', 'maybe-enabled'];
    const i = rng.int(1, events.length - 1);
    const at = events[i]!;
    events.splice(i, 0, { ts: at.ts, event: 'agent_idle', enabled: true, state: 'available', malformed: kinds[(agent.index + day) % 3]! });
  }
  return { agent, day, events, segments: segmentsOf(events), answered, missed };
}

type Flag = 'idle' | 'onCall' | 'hold' | 'wrapUp' | 'notAvail';
const FLAG_OF: Record<string, Flag> = {
  agent_idle: 'idle',
  agent_on_call: 'onCall',
  agent_hold: 'hold',
  agent_wrap_up: 'wrapUp',
  agent_not_avail_state: 'notAvail',
};

/**
 * rules §3 over one day's events: per second only each flag's last value counts; the state
 * holds until the next second with events. Used for the stats, so they agree with the
 * events by construction.
 */
function segmentsOf(events: SimEvent[]): Segment[] {
  const f = { idle: false, onCall: false, hold: false, wrapUp: false, notAvail: false };
  let reason: string | null = null;
  const out: Segment[] = [];
  let i = 0;
  while (i < events.length) {
    const ts = events[i]!.ts;
    for (; i < events.length && events[i]!.ts === ts; i++) {
      const e = events[i]!;
      if (e.malformed) continue;
      const flag = FLAG_OF[e.event];
      if (flag === undefined) continue;
      f[flag] = e.enabled;
      if (flag === 'notAvail' && e.enabled) reason = e.state;
    }
    const next = i < events.length ? events[i]!.ts : Infinity;
    const kind = f.hold ? 'hold' : f.onCall ? 'talk' : f.wrapUp ? 'wrap' : f.idle ? 'idle' : f.notAvail ? 'na' : null;
    if (kind === null) continue;
    if (next === Infinity) throw new Error(`simulator: a day ended in state ${kind}; every day must end with all flags off`);
    const r = kind === 'na' ? reason : null;
    const last = out[out.length - 1];
    if (last && last.to === ts && last.kind === kind && last.reason === r) last.to = next;
    else out.push({ from: ts, to: next, kind, reason: r });
  }
  return out;
}
