// Cutting a range into windows at report-hour boundaries: each window is one transaction
// and one step of the horizon; each touches whole stats hours.
import type { Hour } from './window.ts';

/** [from, to) pairs covering [fromTs, toTs), cut at hour starts, at most `maxHours` hours each. */
export function splitWindows(hours: Hour[], fromTs: number, toTs: number, maxHours: number): [number, number][] {
  const cuts = hours.map((h) => h.hourStart).filter((s) => s > fromTs && s < toTs);
  const out: [number, number][] = [];
  let start = fromTs;
  for (let i = maxHours - 1; i < cuts.length; i += maxHours) {
    out.push([start, cuts[i]!]);
    start = cuts[i]!;
  }
  if (start < toTs) out.push([start, toTs]);
  return out;
}
