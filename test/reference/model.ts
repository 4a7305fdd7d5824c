// The reference model of rules §3-§4: the slow, obvious way to count an agent's seconds.
// Property tests run random timelines through it and through the SQL; both must agree to
// the second. It walks each agent's events in order and keeps the five flags in a record,
// so it shares no trick (window functions, running sums of changes) with the SQL.
import { defaultCategorize, type Categorize } from './categories.ts';

export { defaultCategorize, categorizeWith, normalizeReason, DEFAULT_RULES, OTHER_NPT } from './categories.ts';
export type { BreakRule, Categorize, MatchType } from './categories.ts';

export interface RefEvent {
  ext: string;
  ts: number;
  /** Position among this ext's events in this second, in feed order. */
  seq: number;
  event: string;
  enabled: boolean;
  state: string | null;
}

export interface RefHour {
  hourStart: number;
  hourEnd: number;
}

/** A stretch of loaded time [from, to) (rules §3); `from` may be -Infinity (before every event). */
export interface RefStretch {
  from: number;
  to: number;
}

/** Loaded windows merged into stretches: overlapping or touching windows join. */
export function stretchesOf(windows: readonly RefStretch[]): RefStretch[] {
  const out: RefStretch[] = [];
  for (const w of [...windows].filter((x) => x.to > x.from).sort((a, b) => a.from - b.from)) {
    const last = out[out.length - 1];
    if (last && w.from <= last.to) last.to = Math.max(last.to, w.to);
    else out.push({ ...w });
  }
  return out;
}

/** The agent_activity columns the events decide (calls come from the stats, not modelled). */
export interface RefRow {
  hourStart: number;
  ext: string;
  counted_s: number;
  not_loaded_s: number;
  idle_s: number;
  talk_s: number;
  hold_s: number;
  wrap_s: number;
  login_s: number;
  logoff_s: number;
  dnd_s: number;
  meeting_s: number;
  training_s: number;
  chat_s: number;
  tickets_s: number;
  outbound_s: number;
  lunch_s: number;
  tea_s: number;
  bio_s: number;
  short_break_s: number;
  other_npt_s: number;
  offline_s: number;
}

export type SecondsColumn = Exclude<keyof RefRow, 'hourStart' | 'ext' | 'counted_s' | 'not_loaded_s'>;

/** agent_activity column of each state: the four available states, the 13 categories, Offline. */
const STATE_COLUMN: Readonly<Record<string, SecondsColumn>> = {
  Idle: 'idle_s',
  Talk: 'talk_s',
  Hold: 'hold_s',
  'Wrap Up': 'wrap_s',
  Login: 'login_s',
  Logoff: 'logoff_s',
  DND: 'dnd_s',
  Meeting: 'meeting_s',
  Training: 'training_s',
  Chat: 'chat_s',
  Tickets: 'tickets_s',
  Outbound: 'outbound_s',
  Lunch: 'lunch_s',
  'Tea/Coffee': 'tea_s',
  Bio: 'bio_s',
  'Short Break': 'short_break_s',
  'Other NPT': 'other_npt_s',
  Offline: 'offline_s',
};

export const SECONDS_COLUMNS: readonly SecondsColumn[] = [...new Set(Object.values(STATE_COLUMN))];

/** A stretch [from, to) of one agent in one state; `reason` is the raw not-available reason. */
export interface RefSegment {
  ext: string;
  from: number;
  to: number;
  state: string;
  reason: string | null;
}

const FLAG_OF: Readonly<Record<string, 'idle' | 'onCall' | 'hold' | 'wrapUp' | 'notAvail'>> = {
  agent_idle: 'idle',
  agent_on_call: 'onCall',
  agent_hold: 'hold',
  agent_wrap_up: 'wrapUp',
  agent_not_avail_state: 'notAvail',
};

interface Flags {
  idle: boolean;
  onCall: boolean;
  hold: boolean;
  wrapUp: boolean;
  notAvail: boolean;
  reason: string | null;
}

/** rules §3 precedence: Hold > Talk > Wrap Up > Idle > not-available reason > Offline. */
function stateOf(f: Flags, categorize: Categorize): { state: string; reason: string | null } {
  if (f.hold) return { state: 'Hold', reason: null };
  if (f.onCall) return { state: 'Talk', reason: null };
  if (f.wrapUp) return { state: 'Wrap Up', reason: null };
  if (f.idle) return { state: 'Idle', reason: null };
  if (f.notAvail) return { state: categorize(f.reason), reason: f.reason ?? '' };
  return { state: 'Offline', reason: null };
}

function byExt(events: readonly RefEvent[]): Map<string, RefEvent[]> {
  const out = new Map<string, RefEvent[]>();
  for (const e of events) {
    let list = out.get(e.ext);
    if (!list) out.set(e.ext, (list = []));
    list.push(e);
  }
  for (const list of out.values()) list.sort((a, b) => a.ts - b.ts || a.seq - b.seq);
  return out;
}

/**
 * Each agent's segments from its first event on, the last one open (`to` = Infinity).
 * A state holds from the end of a second with events until the next such second; only the
 * flags' values after the second's last event count (rules §3). With `stretches`, each
 * stretch of loaded time is walked on its own, from every flag off at its start, its
 * events only, its last segment ending at its end.
 */
export function referenceSegments(events: readonly RefEvent[], categorize: Categorize = defaultCategorize, stretches?: readonly RefStretch[]): RefSegment[] {
  if (stretches !== undefined) {
    const out: RefSegment[] = [];
    for (const st of stretches) {
      const inside = events.filter((e) => e.ts >= st.from && e.ts < st.to);
      for (const seg of referenceSegments(inside, categorize)) {
        const to = Math.min(seg.to, st.to);
        if (to > seg.from) out.push({ ...seg, to });
      }
    }
    return out;
  }
  const out: RefSegment[] = [];
  for (const [ext, list] of byExt(events)) {
    const f: Flags = { idle: false, onCall: false, hold: false, wrapUp: false, notAvail: false, reason: null };
    let i = 0;
    while (i < list.length) {
      const ts = list[i]!.ts;
      for (; i < list.length && list[i]!.ts === ts; i++) {
        const e = list[i]!;
        const flag = FLAG_OF[e.event];
        if (flag === undefined) continue; // agent_reg and unknown types change nothing
        f[flag] = e.enabled;
        if (flag === 'notAvail' && e.enabled) f.reason = e.state;
      }
      const next = i < list.length ? list[i]!.ts : Infinity;
      const { state, reason } = stateOf(f, categorize);
      const last = out[out.length - 1];
      if (last && last.ext === ext && last.to === ts && last.state === state && last.reason === reason) last.to = next;
      else out.push({ ext, from: ts, to: next, state, reason });
    }
  }
  return out;
}

function emptyRow(hourStart: number, ext: string, counted: number, notLoaded: number): RefRow {
  const row = { hourStart, ext, counted_s: counted, not_loaded_s: notLoaded } as RefRow;
  for (const c of SECONDS_COLUMNS) row[c] = 0;
  return row;
}

/**
 * agent_activity (or agent_slot_activity, with slots as `hours`) as rules §3-§4 defines it,
 * without call counts: per agent and unit the seconds of each state in the unit's loaded
 * time, Offline where an agent has no state yet. `loaded` is the stretches of loaded time,
 * or a horizon (everything before it loaded; null: nothing). A row exists when the agent
 * has a non-Offline second in it. Sorted by unit, ext.
 */
export function referenceActivity(
  events: readonly RefEvent[],
  hours: readonly RefHour[],
  loaded: number | null | readonly RefStretch[],
  categorize: Categorize = defaultCategorize,
): RefRow[] {
  const stretches: readonly RefStretch[] = typeof loaded === 'number' ? [{ from: -Infinity, to: loaded }] : loaded === null ? [] : loaded;
  const segments = referenceSegments(events, categorize, stretches);
  const exts = [...new Set(events.map((e) => e.ext))].sort();
  const rows: RefRow[] = [];
  for (const h of [...hours].sort((a, b) => a.hourStart - b.hourStart)) {
    let counted = 0;
    for (const st of stretches) counted += Math.max(0, Math.min(h.hourEnd, st.to) - Math.max(h.hourStart, st.from));
    for (const ext of exts) {
      const row = emptyRow(h.hourStart, ext, counted, h.hourEnd - h.hourStart - counted);
      let covered = 0;
      for (const s of segments) {
        if (s.ext !== ext) continue;
        const secs = Math.min(s.to, h.hourEnd) - Math.max(s.from, h.hourStart);
        if (secs <= 0) continue;
        row[STATE_COLUMN[s.state] ?? 'other_npt_s'] += secs; // a category without a column counts as Other NPT, as in the SQL
        covered += secs;
      }
      row.offline_s += counted - covered; // before the agent's first event in a stretch
      if (counted - row.offline_s > 0) rows.push(row);
    }
  }
  return rows;
}

/** Seconds per state and per raw not-available reason of each agent over [from, to). */
export function referenceTotals(
  events: readonly RefEvent[],
  from: number,
  to: number,
  categorize: Categorize = defaultCategorize,
): Map<string, { states: Map<string, number>; reasons: Map<string, number> }> {
  const out = new Map<string, { states: Map<string, number>; reasons: Map<string, number> }>();
  for (const s of referenceSegments(events, categorize)) {
    const secs = Math.min(s.to, to) - Math.max(s.from, from);
    if (secs <= 0) continue;
    let t = out.get(s.ext);
    if (!t) out.set(s.ext, (t = { states: new Map(), reasons: new Map() }));
    t.states.set(s.state, (t.states.get(s.state) ?? 0) + secs);
    if (s.reason !== null) t.reasons.set(s.reason, (t.reasons.get(s.reason) ?? 0) + secs);
  }
  return out;
}

/** The flags an agent carries into instant `at` (after every event before it), as agent_state_checkpoints stores them. */
export interface RefFlags {
  ext: string;
  /** 1 idle, 2 on call, 4 hold, 8 wrap-up */
  flags: number;
  /** The not-available-on event in force, or null when not available is off. */
  naTs: number | null;
  naSeq: number | null;
}

/** Agents with something on just before `at`, by ext. */
export function referenceFlagsAt(events: readonly RefEvent[], at: number): RefFlags[] {
  const out: RefFlags[] = [];
  for (const [ext, list] of byExt(events)) {
    const f = { idle: false, onCall: false, hold: false, wrapUp: false, na: null as RefEvent | null };
    for (const e of list) {
      if (e.ts >= at) break;
      const flag = FLAG_OF[e.event];
      if (flag === undefined) continue;
      if (flag === 'notAvail') f.na = e.enabled ? e : null;
      else f[flag] = e.enabled;
    }
    const flags = (f.idle ? 1 : 0) | (f.onCall ? 2 : 0) | (f.hold ? 4 : 0) | (f.wrapUp ? 8 : 0);
    if (flags !== 0 || f.na !== null) out.push({ ext, flags, naTs: f.na?.ts ?? null, naSeq: f.na?.seq ?? null });
  }
  return out.sort((a, b) => (a.ext < b.ext ? -1 : a.ext > b.ext ? 1 : 0));
}
