// The backfill range from its flags, in REPORT_TZ local time: --from/--to, or --hours N
// (default 48) up to now. A range reaching past now is cut at now: the future has no data,
// and loading it would push the horizon past the present.
import { DateTime } from 'luxon';
import { UsageError } from '../usage-error.ts';
import { wholeFlag } from '../numbers.ts';
import { DEFAULT_HOURS } from './options.ts';

const FORMATS = ['yyyy-MM-dd HH:mm:ss', 'yyyy-MM-dd HH:mm', "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm", 'yyyy-MM-dd'];

/** Epoch seconds of a local date-time of `tz`: "2025-09-07 00:00", "2025-09-07 09:30:00" or "2025-09-07". */
export function parseLocal(text: string, tz: string, flag: string): number {
  for (const f of FORMATS) {
    const dt = DateTime.fromFormat(text.trim(), f, { zone: tz });
    if (dt.isValid) return Math.floor(dt.toSeconds());
  }
  throw new UsageError(`--${flag} ${JSON.stringify(text)} is not a local date-time: write it like "2025-09-07 00:00" (REPORT_TZ=${tz})`);
}

export interface BackfillRange {
  fromTs: number;
  toTs: number;
  /** Why the range differs from what was asked, if it does. */
  note?: string;
}

export function backfillRange(values: Map<string, string>, tz: string, nowSeconds: number): BackfillRange {
  const from = values.get('from');
  const to = values.get('to');
  const hours = values.get('hours');
  if (hours !== undefined && (from !== undefined || to !== undefined)) throw new UsageError('give either --hours or --from/--to, not both');
  if (to !== undefined && from === undefined) throw new UsageError('--to needs --from');
  let fromTs: number;
  let toTs: number;
  if (from !== undefined) {
    fromTs = parseLocal(from, tz, 'from');
    toTs = to === undefined ? nowSeconds : parseLocal(to, tz, 'to');
  } else {
    const n = wholeFlag(values, 'hours', { min: 1, max: 24 * 3660, of: 'hours' }) ?? DEFAULT_HOURS;
    toTs = nowSeconds;
    fromTs = nowSeconds - n * 3600;
  }
  if (fromTs >= nowSeconds) throw new UsageError('--from is in the future: there is nothing to load yet');
  if (toTs <= fromTs) throw new UsageError('the range is empty: --to must be after --from');
  if (toTs > nowSeconds) return { fromTs, toTs: nowSeconds, note: 'the range ends in the future: loading up to now' };
  return { fromTs, toTs };
}
