// The report as JSON (rules §5): one array, one object per row, one documented key per
// column, streamed: durations and counts as numbers (whole seconds), percentages as numbers
// with two decimals or null, times as ISO 8601 with the local offset. The Name is as
// stored (the spreadsheet guard of the CSV does not apply).
import { Transform } from 'node:stream';
import { reportColumns } from './query.ts';
import type { ReportRow } from './query.ts';
import { interval, isoLocal, shortDate } from './format.ts';
import type { By } from './params.ts';

/** One report row as a JSON object, keys in column order. */
function toJsonObject(r: ReportRow, columns: ReturnType<typeof reportColumns>): Record<string, string | number | null> {
  const out: Record<string, string | number | null> = {};
  for (const c of columns) {
    switch (c.key) {
      case 'interval':
        out[c.json] = interval(r.local_start, r.local_end);
        break;
      case 'date':
        out[c.json] = shortDate(r.local_start);
        break;
      case 'start':
        out[c.json] = isoLocal(r.local_start, Number(r.p_start));
        break;
      case 'end':
        out[c.json] = isoLocal(r.local_end, Number(r.p_end));
        break;
      case 'ext':
      case 'name':
      case 'team':
        out[c.json] = String(r[c.key]);
        break;
      default: {
        const v = r[c.key];
        // hundredths of a percent are exact integers: /100 prints at most two decimals
        out[c.json] = v === null ? null : c.kind === 'percent' ? Number(v) / 100 : Number(v);
      }
    }
  }
  return out;
}

/** Rows in, one JSON array out: `[` first, `]` last, `[]` for no rows. */
export function jsonEncoder<R = ReportRow>(by: By = 'agent', toObject?: (row: R) => unknown): Transform {
  const columns = reportColumns(by);
  const encode = toObject ?? ((row: R) => toJsonObject(row as ReportRow, columns));
  let first = true;
  return new Transform({
    writableObjectMode: true,
    transform(row: R, _enc, done) {
      done(null, (first ? '[\n' : ',\n') + JSON.stringify(encode(row)));
      first = false;
    },
    flush(done) {
      done(null, first ? '[]\n' : '\n]\n');
    },
  });
}

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
