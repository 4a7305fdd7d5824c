// Which API a scheduled report reproduces, and its code path: the parser, the file name
// and the writer GET /api/report itself uses, so the bytes a schedule sends are the API's
// bytes for the same range and parameters.
import type { Writable } from 'node:stream';
import type { Pool } from 'mysql2/promise';
import { PARAM_NAMES, parseReportParams, reportFilename } from '../report/params.ts';
import { writeReport } from '../report/write.ts';
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

const REPORT: ReportSource = {
  path: '/api/report',
  names: PARAM_NAMES,
  prepare(pairs, tz, maxDays) {
    const params = parseReportParams(pairs, tz, maxDays);
    return {
      filename: reportFilename(params),
      async write(pool, out) {
        let contentType = '';
        const written = await writeReport(pool, params, tz, out, { onStart: (meta) => (contentType = meta.contentType) });
        return { ...written, contentType };
      },
    };
  },
};

/** GET /api/breaks (rules §10): its parser, file name and writer, wired like REPORT above. */
const BREAKS: ReportSource = {
  path: '/api/breaks',
  names: BREAKS_PARAM_NAMES,
  prepare(pairs, tz, maxDays) {
    const params = parseBreaksParams(pairs, tz, maxDays);
    return {
      filename: breaksFilename(params),
      async write(pool, out) {
        let contentType = '';
        const written = await writeBreaks(pool, params, tz, out, { onStart: (meta) => (contentType = meta.contentType) });
        return { ...written, contentType };
      },
    };
  },
};

/** A schedule asks for what this build cannot produce; the run fails with this line. */
export class UnavailableReportError extends Error {}

export function reportSource(breaks: boolean): ReportSource {
  return breaks ? BREAKS : REPORT;
}
