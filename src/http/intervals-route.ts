// GET /api/intervals: the report's range parameters (startDate, startTime, endDate,
// endTime, interval, ext), answered as every interval of the range with the selected
// agents' sums, and the range's Not Loaded parts by kind (src/report/intervals.ts). The
// page draws its chart, totals and data status from it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ParamError, parseReportParams } from '../report/params.ts';
import { readIntervals } from '../report/intervals.ts';
import { ZoneMismatchError } from '../db/zone.ts';
import { sendError, sendJson } from './respond.ts';
import type { Context } from './server.ts';

const NOT_HERE = new Set(['bom', 'durations', 'format']);

export async function handleIntervals(ctx: Context, _req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  let params;
  try {
    const pairs = [...url.searchParams.entries()];
    const other = pairs.find(([name]) => NOT_HERE.has(name));
    if (other) throw new ParamError(`${other[0]} does not apply here: /api/intervals answers JSON with whole seconds; give startDate, startTime, endDate, endTime, interval and ext only`);
    params = parseReportParams(pairs, ctx.cfg.reportTz, ctx.cfg.reportMaxDays);
  } catch (err) {
    if (err instanceof ParamError) {
      sendError(res, 400, err.message);
      return;
    }
    throw err;
  }
  try {
    sendJson(res, 200, await readIntervals(ctx.pool, ctx.cfg.reportTz, params.interval, params.from, params.to, params.exts));
  } catch (err) {
    if (err instanceof ZoneMismatchError) {
      sendError(res, 503, err.message);
      return;
    }
    throw err;
  }
}
