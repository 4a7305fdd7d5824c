// Random agent timelines for the property tests (and realistic ones for measuring), from
// a seeded generator so a failing case can be replayed from its seed.
import type { RefEvent } from './model.ts';

export type Rng = () => number;

/** mulberry32: small, fast, good enough to shuffle test cases; same seed, same numbers. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const int = (r: Rng, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
export const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const FLAG_EVENTS = ['agent_idle', 'agent_on_call', 'agent_hold', 'agent_wrap_up', 'agent_not_avail_state'] as const;

/** Reasons as agents type them: mapped ones in odd spellings, unmapped ones, empty, NULL. */
export const REASONS: readonly (string | null)[] = [
  'Login', 'login ', 'Logoff', 'LOGOUT', 'DND', 'Do  Not\tDisturb', 'Team Meeting', 'training', 'Chat',
  ' ON Tickets ', 'Outbound ', 'Outbound', 'lunch', 'Lunch Break', 'Tea Break', 'coffee', 'Bio Break', 'short break',
  'Short\n Break', 'Prayer', 'Not Available', 'Coaching', '', null, 'Café', 'ÉQUIPE meeting',
];

/** Gaps between event seconds: mostly short, some zero-length pairs, some over 6 hours. */
function gap(r: Rng): number {
  const x = r();
  if (x < 0.15) return 1;
  if (x < 0.6) return int(r, 2, 300);
  if (x < 0.85) return int(r, 300, 3600);
  if (x < 0.95) return int(r, 3600, 4 * 3600);
  return int(r, 6 * 3600, 14 * 3600); // a state carried across many hours
}

function flagEvent(r: Rng, ext: string, ts: number, seq: number, event: string, enabled: boolean): RefEvent {
  const state = event === 'agent_not_avail_state' ? (enabled ? pick(r, REASONS) : 'none') : event === 'agent_idle' ? 'available' : 'none';
  return { ext, ts, seq, event, enabled, state };
}

/**
 * One agent's random events in [from, to): seconds with 1-5 events each, mixing
 *   - any flag switched on or off, often several flags on at once (precedence);
 *   - same-second on/off and off/on pairs of one flag (only the last counts);
 *   - reason changes without an off, NULL and unmapped reasons;
 *   - agent_reg noise and an unknown event type, which change nothing.
 */
export function randomAgentTimeline(r: Rng, ext: string, from: number, to: number): RefEvent[] {
  const out: RefEvent[] = [];
  let ts = from + int(r, 0, 3600);
  while (ts < to) {
    const n = int(r, 1, 5);
    for (let seq = 0; seq < n; seq++) {
      const x = r();
      if (x < 0.08) out.push({ ext, ts, seq, event: 'agent_reg', enabled: r() < 0.5, state: 'registered' });
      else if (x < 0.1) out.push({ ext, ts, seq, event: 'agent_mystery', enabled: true, state: pick(r, REASONS) });
      else if (x < 0.22 && seq + 1 < n) {
        // a same-second pair of one flag, in either order
        const ev = pick(r, FLAG_EVENTS);
        const first = r() < 0.5;
        out.push(flagEvent(r, ext, ts, seq, ev, first));
        seq++;
        out.push(flagEvent(r, ext, ts, seq, ev, !first));
      } else out.push(flagEvent(r, ext, ts, seq, pick(r, FLAG_EVENTS), r() < 0.55));
    }
    ts += gap(r);
  }
  return out;
}

export interface RealisticOptions {
  agents: number;
  /** Local midnight of the first day, epoch seconds. */
  from: number;
  days: number;
  seed: number;
}

/**
 * A contact centre's day in events, for measuring: each agent logs in, takes calls
 * (on-call on with idle off, hold now and then, wrap-up, back to idle), takes lunch and
 * tea breaks, logs off; with agent_reg noise. About 130 events per agent and day.
 * Yields per agent and day, in time order within the agent.
 */
export function* realisticEvents(o: RealisticOptions): Generator<RefEvent[]> {
  const r = rng(o.seed);
  for (let day = 0; day < o.days; day++) {
    for (let a = 0; a < o.agents; a++) {
      const ext = String(2000 + a);
      const out: RefEvent[] = [];
      let ts = o.from + day * 86400 + (a % 3) * 8 * 3600 + int(r, 0, 1800);
      const end = ts + 8 * 3600 + int(r, 0, 1800);
      // events of one second, numbered on from any already sent in that second
      const second = (events: [string, boolean, string | null][]) => {
        const last = out[out.length - 1];
        const base = last && last.ts === ts ? last.seq + 1 : 0;
        events.forEach(([event, enabled, state], i) => out.push({ ext, ts, seq: base + i, event, enabled, state }));
      };
      second([['agent_reg', true, 'registered'], ['agent_not_avail_state', true, 'Login']]);
      ts += int(r, 10, 300);
      second([['agent_idle', true, 'available'], ['agent_not_avail_state', false, 'none']]);
      let breaks = 0;
      while (ts < end) {
        ts += int(r, 5, 240);
        if (r() < 0.04 && breaks < 3) {
          const reason = pick(r, ['Lunch Break', 'Tea Break', 'Bio Break', 'Team Meeting', 'Prayer']);
          second([['agent_idle', false, 'available'], ['agent_not_avail_state', true, reason]]);
          ts += int(r, 300, 2700);
          second([['agent_not_avail_state', false, 'none'], ['agent_idle', true, 'available']]);
          breaks++;
          continue;
        }
        second([['agent_on_call', true, 'none'], ['agent_idle', false, 'available']]);
        ts += int(r, 20, 600);
        if (r() < 0.15) {
          second([['agent_hold', true, 'none']]);
          ts += int(r, 10, 120);
          second([['agent_hold', false, 'none']]);
          ts += int(r, 10, 300);
        }
        second([['agent_on_call', false, 'none'], ['agent_wrap_up', true, 'none']]);
        ts += int(r, 5, 90);
        // the real feed sends these two in either order within the second
        second(r() < 0.5 ? [['agent_wrap_up', false, 'none'], ['agent_idle', true, 'available']] : [['agent_idle', true, 'available'], ['agent_wrap_up', false, 'none']]);
        if (r() < 0.02) second([['agent_reg', true, 'registered']]);
      }
      ts += int(r, 1, 60);
      second([['agent_idle', false, 'available'], ['agent_not_avail_state', true, 'Logoff']]);
      ts += int(r, 1, 60);
      second([['agent_not_avail_state', false, 'none']]);
      yield out;
    }
  }
}
