// GET /api/intervals: the report's range and agent parameters (startDate, startTime,
// endDate, endTime, interval, ext, team; by is accepted and changes nothing), answered as every interval of the range with the selected
// agents' sums, and the range's Not Loaded parts by kind (src/report/intervals.ts). The
// page draws its chart, totals and data status from it. A scoped token sees its teams'
// agents only, as in the report (rules §9).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ParamError, parseReportParams } from '../report/params.ts';
import { readIntervals } from '../report/intervals.ts';
import { ZoneMismatchError } from '../db/zone.ts';
import { ScopeError } from '../access/scope.ts';
import type { Access } from './auth.ts';
import { sendError, sendJson } from './respond.ts';
import type { Context } from './context.ts';

const NOT_HERE = new Set(['bom', 'durations', 'format']);

export async function handleIntervals(ctx: Context, _req: IncomingMessage, res: ServerResponse, url: URL, access: Access): Promise<void> {
  let params;
  try {
    const pairs = [...url.searchParams.entries()];
    const other = pairs.find(([name]) => NOT_HERE.has(name));
    if (other) throw new ParamError(`${other[0]} does not apply here: /api/intervals answers JSON with whole seconds; give startDate, startTime, endDate, endTime, interval, ext and team only`);
    params = parseReportParams(pairs, ctx.cfg.reportTz, ctx.cfg.reportMaxDays);
  } catch (err) {
    if (err instanceof ParamError) {
      sendError(res, 400, err.message);
      return;
    }
    throw err;
  }
  try {
    sendJson(res, 200, await readIntervals(ctx.readPool, ctx.cfg.reportTz, params, access.scope));
  } catch (err) {
    if (err instanceof ScopeError) {
      sendError(res, err.status, err.message);
      return;
    }
    if (err instanceof ZoneMismatchError) {
      sendError(res, 503, err.message);
      return;
    }
    throw err;
  }
}
