// The reference model of rules §10 on top of the state model's segments: breaks and the live
// state, the slow, obvious way (plain loops over each agent's segments), sharing nothing
// with the SQL's runs, carried state or following of a break past a range.
import { defaultCategorize, normalizeReason, referenceSegments } from './model.ts';
import type { Categorize, RefEvent, RefSegment, RefStretch } from './model.ts';

/** A longest run of one state; for a not-available state, of one normalised reason. */
export interface RefRun extends RefSegment {
  /** The run is the first of its agent in its stretch and began at the stretch's start, or is Offline before the agent's first event. */
  stretchFrom: number;
}

/** Each agent's runs per stretch: neighbouring segments with the same state (and normalised reason) joined. */
export function referenceRuns(events: readonly RefEvent[], stretches: readonly RefStretch[], categorize: Categorize = defaultCategorize): RefRun[] {
  const out: RefRun[] = [];
  for (const st of stretches) {
    for (const seg of referenceSegments(events, categorize, [st])) {
      const last = out.at(-1);
      const same =
        last !== undefined && last.ext === seg.ext && last.to === seg.from && last.state === seg.state &&
        (last.reason === null) === (seg.reason === null) && (seg.reason === null || normalizeReason(last.reason) === normalizeReason(seg.reason));
      if (same) last.to = seg.to;
      else out.push({ ...seg, stretchFrom: st.from });
    }
  }
  return out;
}

export interface RefBreak {
  ext: string;
  from: number;
  to: number;
  category: string;
  reason: string;
}

/** rules §10's breaks that begin in [from, to): the not-available runs; `to` is where each ended (the horizon while it runs). */
export function referenceBreaks(runs: readonly RefRun[], from: number, to: number): RefBreak[] {
  return runs
    .filter((r) => r.reason !== null && r.from >= from && r.from < to && r.to > r.from)
    .map((r) => ({ ext: r.ext, from: r.from, to: r.to, category: r.state, reason: r.reason! }));
}

export interface RefLive {
  ext: string;
  state: string;
  reason: string | null;
  since: number;
}

/**
 * rules §10's live state at `horizon` (the end of the last stretch): agents not Offline in its
 * last second, or with a non-Offline second in [dayStart, horizon).
 */
export function referenceLive(runs: readonly RefRun[], stretches: readonly RefStretch[], horizon: number, dayStart: number): RefLive[] {
  const last = stretches.at(-1)!;
  const exts = [...new Set(runs.map((r) => r.ext))];
  const out: RefLive[] = [];
  for (const ext of exts) {
    const mine = runs.filter((r) => r.ext === ext);
    const busyToday = mine.some((r) => r.state !== 'Offline' && Math.min(r.to, horizon) > Math.max(r.from, dayStart));
    const atHorizon = mine.find((r) => r.to === horizon && r.stretchFrom === last.from);
    if (atHorizon !== undefined && atHorizon.state !== 'Offline') {
      out.push({ ext, state: atHorizon.state, reason: atHorizon.reason, since: atHorizon.from });
    } else if (busyToday) {
      // Offline: since its last run began, or the stretch's start when the agent was Offline
      // (no segment) from the stretch's start to its first event in it
      const inLast = mine.filter((r) => r.stretchFrom === last.from);
      const since = atHorizon === undefined ? last.from : atHorizon === inLast[0] ? last.from : atHorizon.from;
      out.push({ ext, state: 'Offline', reason: null, since });
    }
  }
  return out;
}
