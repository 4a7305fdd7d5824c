// Which API a scheduled report reproduces, and its code path: the parser, the file name
// and the writer GET /api/report itself uses, so the bytes a schedule sends are the API's
// bytes for the same range and parameters.
import type { Writable } from 'node:stream';
import type { Pool } from 'mysql2/promise';
import { PARAM_NAMES, parseReportParams, reportFilename } from '../report/params.ts';
import { writeReport } from '../report/write.ts';
import type { ReportHooks } from '../report/write.ts';
import { BREAKS_PARAM_NAMES, parseBreaksParams } from '../now/breaks-params.ts';
import { breaksFilename } from '../now/breaks-filename.ts';
import { writeBreaks } from '../now/breaks.ts';

export interface ReportSource {
  /** The API path that answers with the same bytes. */
  path: string;
  /** The parameters it takes (the report's team and by exist only where teams are built). */
  names: readonly string[];
  prepare(pairs: [string, string][], tz: string, maxDays: number): { filename: string; write(pool: Pool, out: Writable): Promise<{ rows: number; horizon: number | null; contentType: string }> };
}

/** A source from one API's own parser, file name and writer (the hooks the API passes too). */
function apiSource<P>(
  path: string,
  names: readonly string[],
  parse: (pairs: [string, string][], tz: string, maxDays: number) => P,
  filename: (params: P) => string,
  write: (pool: Pool, params: P, tz: string, out: Writable, hooks: ReportHooks) => Promise<{ rows: number; horizon: number | null }>,
): ReportSource {
  return {
    path,
    names,
    prepare(pairs, tz, maxDays) {
      const params = parse(pairs, tz, maxDays);
      return {
        filename: filename(params),
        async write(pool, out) {
          let contentType = '';
          const written = await write(pool, params, tz, out, { onStart: (meta) => (contentType = meta.contentType) });
          return { ...written, contentType };
        },
      };
    },
  };
}

const REPORT = apiSource('/api/report', PARAM_NAMES, parseReportParams, reportFilename, writeReport);

/** GET /api/breaks (rules §10). */
const BREAKS = apiSource('/api/breaks', BREAKS_PARAM_NAMES, parseBreaksParams, breaksFilename, writeBreaks);

/** A schedule asks for what this build cannot produce; the run fails with this line. */
export class UnavailableReportError extends Error {}

export function reportSource(breaks: boolean): ReportSource {
  return breaks ? BREAKS : REPORT;
}
