// The report as CSV (rules §5): RFC 4180, CRLF, quoted only where
// needed, a byte-order mark unless bom=0; durations as HH:MM:SS or whole seconds.
import { Transform } from 'node:stream';
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

// A field is quoted only when it holds a delimiter, a quote or a line break (CR or LF
// alone too: a reader splits a row at either), its quotes doubled. Most fields are numbers
// and times that never need it; a month of 15-minute rows is millions of fields, and
// csv-stringify's per-field inspection cost more than the query.
const NEEDS_QUOTES = /[",\r\n]/;

function csvLine(fields: readonly string[]): string {
  let line = '';
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    line += (i === 0 ? '' : ',') + (NEEDS_QUOTES.test(f) ? `"${f.replaceAll('"', '""')}"` : f);
  }
  return line + '\r\n';
}

/**
 * Records (a row's fields) in, CSV text out in pieces of about `batch` characters: the
 * byte-order mark unless bom=0, the header (even for no rows), a CRLF after every line.
 * test/report-csv.test.ts checks it against csv-stringify set to the same rule.
 */
export function csvEncoder(params: Pick<ReportParams, 'bom'> & { by?: By }, headers: readonly string[] = reportColumns(params.by ?? 'agent').map((c) => c.header), batch = 64 * 1024): Transform {
  let held = (params.bom ? '\ufeff' : '') + csvLine(headers);
  return new Transform({
    writableObjectMode: true,
    transform(fields: string[], _enc, done) {
      held += csvLine(fields);
      if (held.length < batch) return done();
      const out = held;
      held = '';
      done(null, out);
    },
    flush(done) {
      done(null, held.length > 0 ? held : null);
    },
  });
}

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';
