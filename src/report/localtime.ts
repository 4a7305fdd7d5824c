// Local wall-clock times of REPORT_TZ to UTC instants (rules §5): a time that does not
// exist (spring forward) moves to the first instant after the gap; one that exists twice
// (fall back) takes the earlier. luxon alone does neither (it shifts a gap time forward by
// the gap's length and takes the later of two), so the offsets are worked out here.
import { IANAZone } from 'luxon';

/** Offsets (seconds) a zone can have around a wall time: enough to cover any one change. */
function nearbyOffsets(zone: IANAZone, wall: number): number[] {
  const set = new Set<number>();
  for (const d of [-2, -1, 0, 1, 2]) set.add(zone.offset((wall + d * 86400) * 1000) * 60);
  return [...set];
}

/** Epoch seconds of the wall-clock time `wall` (seconds since 1970-01-01 00:00 as if UTC) in `tz`. */
export function wallToInstant(wall: number, tz: string): number {
  const zone = IANAZone.create(tz);
  const offsets = nearbyOffsets(zone, wall);
  const valid = offsets.map((o) => wall - o).filter((t) => zone.offset(t * 1000) * 60 === wall - t);
  if (valid.length > 0) return Math.min(...valid); // twice: the earlier
  // In a gap: the change happened between the instant read with the later offset (still
  // before it) and the one read with the earlier offset (already after it). Find the first
  // second of the new offset by bisection.
  let lo = wall - Math.max(...offsets); // before the change
  let hi = wall - Math.min(...offsets); // after it
  const before = zone.offset(lo * 1000);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (zone.offset(mid * 1000) === before) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** Wall-clock seconds (as if UTC) of a date `YYYY-MM-DD` and time `HH:MM:SS` already checked. */
export function wallSeconds(date: string, time: string): number {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi, s] = time.split(':').map(Number) as [number, number, number];
  const ms = new Date(0).setUTCFullYear(y, mo - 1, d);
  return Math.floor(ms / 1000) + h * 3600 + mi * 60 + s;
}

/** `YYYY-MM-DD` of the wall-clock seconds (years 0000-9999 stay four digits). */
export function wallDate(wall: number): string {
  const dt = new Date(wall * 1000);
  const y = String(dt.getUTCFullYear()).padStart(4, '0');
  return `${y}-${String(dt.getUTCMonth() + 1).padStart(2, '0')}-${String(dt.getUTCDate()).padStart(2, '0')}`;
}
