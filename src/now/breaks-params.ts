// The breaks request (rules §10), for GET /api/breaks and `npm run report -- --breaks`
// alike: the report's range, ext, format, durations and bom (the report's parser, so the
// same words), and `over`.
import { PARAM_NAMES, ParamError, parseReportParams } from '../report/params.ts';
import type { BreaksParams } from './breaks.ts';

// the report's but interval and by (a break is one agent's)
export const BREAKS_PARAM_NAMES = [...PARAM_NAMES.filter((n) => n !== 'interval' && n !== 'by'), 'over'] as const;

/** Reads the parameters as (name, value) pairs in the order received. Throws ParamError for anything to fix. */
export function parseBreaksParams(pairs: Iterable<[string, string]>, tz: string, maxDays: number): BreaksParams {
  let over: string | undefined;
  const rest: [string, string][] = [];
  for (const [name, value] of pairs) {
    if (name !== 'over') rest.push([name, value]);
    else if (over !== undefined) throw new ParamError('over is given more than once: give each parameter once');
    else over = value;
  }
  const params = parseReportParams(rest, tz, maxDays, BREAKS_PARAM_NAMES);
  if (over !== undefined && over !== '0' && over !== '1') {
    throw new ParamError(`over must be 0 (every break, the default) or 1 (only the breaks over their limit) (got ${JSON.stringify(over.slice(0, 40))})`);
  }
  return { ...params, over: over === '1' };
}
