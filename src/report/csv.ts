// The report as CSV (rules §5): RFC 4180 through csv-stringify, CRLF, quoted only where
// needed, a byte-order mark unless bom=0; durations as HH:MM:SS or whole seconds.
import type { Transform } from 'node:stream';
import { stringify } from 'csv-stringify';
import { reportColumns } from './query.ts';
import type { ReportRow } from './query.ts';
import type { By, Durations, ReportParams } from './params.ts';
import { dateTime, hms, hundredths, interval, safeName, shortDate } from './format.ts';

type Field = (r: ReportRow) => string;

/** How one column becomes its CSV field. */
function fieldOf(c: ReturnType<typeof reportColumns>[number], durations: Durations): Field {
  switch (c.key) {
    case 'interval':
      return (r) => interval(r.local_start, r.local_end);
    case 'date':
      return (r) => shortDate(r.local_start);
    case 'start':
      return (r) => dateTime(r.local_start);
    case 'end':
      return (r) => dateTime(r.local_end);
    case 'name':
      return (r) => safeName(r.name);
    case 'ext':
      return (r) => safeName(r.ext);
    case 'team':
      return (r) => safeName(r.team!);
  }
  const key = c.key;
  switch (c.kind) {
    case 'duration':
      return durations === 'seconds' ? (r) => String(r[key]) : (r) => hms(Number(r[key]));
    case 'percent':
      return (r) => hundredths(r[key] === null ? null : Number(r[key]));
    default:
      return (r) => String(r[key]);
  }
}

/**
 * A report row as the CSV's fields. Each column's way is chosen once per report, not
 * once per row and column (a month of 15-minute rows is millions of fields).
 */
export function recordMaker(durations: Durations, by: By = 'agent'): (r: ReportRow) => string[] {
  const fields = reportColumns(by).map((c) => fieldOf(c, durations));
  return (r) => {
    const out = new Array<string>(fields.length);
    for (let i = 0; i < fields.length; i++) out[i] = fields[i]!(r);
    return out;
  };
}

/** Rows in, CSV text out (header first, even for no rows). */
export function csvEncoder(params: Pick<ReportParams, 'bom'> & { by?: By }, headers: readonly string[] = reportColumns(params.by ?? 'agent').map((c) => c.header)): Transform {
  return stringify({
    header: true,
    columns: [...headers],
    bom: params.bom,
    delimiter: ',',
    record_delimiter: '\r\n',
    eof: true,
  });
}

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';
