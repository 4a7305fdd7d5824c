// GET /api/report (SPEC §5): validate, then stream the CSV or JSON straight into the response.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ParamError, parseReportParams, reportFilename } from '../report/params.ts';
import { writeReport } from '../report/write.ts';
import { ZoneMismatchError } from '../db/zone.ts';
import { isoUtc } from '../report/format.ts';
import type { RequestInfo } from './access-log.ts';
import type { Access } from './auth.ts';
import { ScopeError } from '../access/scope.ts';
import { sendError } from './respond.ts';
import { RETRY_AFTER_S } from './report-stream.ts';
import type { Context } from './server.ts';

/** Query pairs exactly as sent: repeated names stay repeated so the parser can refuse them. */
function queryPairs(url: URL): [string, string][] {
  return [...url.searchParams.entries()];
}

export async function handleReport(ctx: Context, _req: IncomingMessage, res: ServerResponse, url: URL, info: RequestInfo, access: Access): Promise<void> {
  let params;
  try {
    params = parseReportParams(queryPairs(url), ctx.cfg.reportTz, ctx.cfg.reportMaxDays);
  } catch (err) {
    if (err instanceof ParamError) {
      sendError(res, 400, err.message);
      return;
    }
    throw err;
  }
  if (!ctx.streams.admit(res)) {
    sendError(res, 503, `${ctx.streams.active} reports are being streamed, the most REPORT_MAX_STREAMS allows: retry in ${RETRY_AFTER_S} s`, {
      'Retry-After': String(RETRY_AFTER_S),
    });
    return;
  }
  const filename = reportFilename(params);
  const progress = { rows: 0 };
  info.progress = progress;
  try {
    await writeReport(ctx.readPool, params, ctx.cfg.reportTz, res, {
      progress,
      scope: access.scope,
      onStart: ({ horizon, contentType }) => {
        const headers: Record<string, string> = {
          'Content-Type': contentType,
          'Content-Disposition': `attachment; filename="${filename}"`,
          'Cache-Control': 'no-store',
          'X-Content-Type-Options': 'nosniff',
        };
        // The last hour may still be filling: the reader can see up to when data is loaded.
        if (horizon !== null) headers['X-Data-Horizon'] = isoUtc(horizon);
        res.writeHead(200, headers);
      },
    });
  } catch (err) {
    // The server runs with another REPORT_TZ than the database was built for: nothing
    // the client can fix, and nothing is sent that would mislabel the hours.
    // a team unknown or outside the caller's scope, an ext outside it (SPEC §8)
    if (err instanceof ScopeError && !res.headersSent) {
      sendError(res, err.status, err.message);
      return;
    }
    if (err instanceof ZoneMismatchError && !res.headersSent) {
      ctx.log.error('report refused', { error: err.message });
      sendError(res, 503, err.message);
      return;
    }
    throw err;
  }
}
