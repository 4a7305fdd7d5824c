// The breaks report's file name, for the API's Content-Disposition and the CLI's default file.
import { rangeFilePart } from '../report/params.ts';
import type { ReportParams } from '../report/params.ts';

/** `breaks_<start>_to_<end>.<csv|json>`, the ends named as in the report's file name. */
export function breaksFilename(p: Pick<ReportParams, 'localStart' | 'localEnd' | 'format'>): string {
  return `breaks_${rangeFilePart(p)}.${p.format}`;
}
