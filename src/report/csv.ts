// The report as CSV (SPEC §5): RFC 4180 through csv-stringify, CRLF, quoted only where
// needed, a byte-order mark unless bom=0; durations as HH:MM:SS or whole seconds.
import type { Transform } from 'node:stream';
import { stringify } from 'csv-stringify';
import { COLUMNS } from './query.ts';
import type { ReportRow } from './query.ts';
import type { Durations, ReportParams } from './params.ts';
import { dateTime, hms, hundredths, interval, safeName, shortDate } from './format.ts';

/** One report row as the CSV's fields. */
export function toRecord(r: ReportRow, durations: Durations): string[] {
  return COLUMNS.map((c) => {
    switch (c.key) {
      case 'interval':
        return interval(r.local_start, r.local_end);
      case 'date':
        return shortDate(r.local_start);
      case 'start':
        return dateTime(r.local_start);
      case 'end':
        return dateTime(r.local_end);
      case 'name':
        return safeName(r.name);
    }
    const v = r[c.key];
    switch (c.kind) {
      case 'duration':
        return durations === 'seconds' ? String(v) : hms(Number(v));
      case 'percent':
        return hundredths(v === null ? null : Number(v));
      default:
        return String(v);
    }
  });
}

/** Rows in, CSV text out (header first, even for no rows). */
export function csvEncoder(params: ReportParams): Transform {
  return stringify({
    header: true,
    columns: COLUMNS.map((c) => c.header),
    bom: params.bom,
    delimiter: ',',
    record_delimiter: '\r\n',
    eof: true,
  });
}

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';
