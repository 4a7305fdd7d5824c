// GET /api/report (rules §5): validate, then stream the CSV or JSON straight into the response.
import { whileDatabaseAnswers } from '../db/liveness.ts';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { ParamError, parseReportParams, reportFilename } from '../report/params.ts';
import type { ReportParams } from '../report/params.ts';
import { writeReport } from '../report/write.ts';
import type { ReportHooks, ReportMeta } from '../report/write.ts';
import { isSmallReport } from '../report/size.ts';
import { ZoneMismatchError } from '../db/zone.ts';
import { isoUtc } from '../time.ts';
import type { RequestInfo } from './access-log.ts';
import type { Access } from './auth.ts';
import { ScopeError } from '../access/scope.ts';
import { sendError } from './respond.ts';
import { RETRY_AFTER_S } from './report-stream.ts';
import type { Context } from './context.ts';

/** Query pairs exactly as sent: repeated names stay repeated so the parser can refuse them. */
function queryPairs(url: URL): [string, string][] {
  return [...url.searchParams.entries()];
}

/** The report read into memory, then sent with its length. */
async function sendWhole(ctx: Context, params: ReportParams, res: ServerResponse, info: RequestInfo, access: Access): Promise<void> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
      done();
    },
  });
  const progress = { rows: 0 };
  info.progress = progress;
  let headers: Record<string, string> = {};
  try {
    await writeReport(ctx.readPool, params, ctx.cfg.reportTz, sink, {
      progress,
      databaseAlive: () => ctx.health.ping(),
      scope: access.scope,
      onStart: (meta) => (headers = answerHeaders(reportFilename(params), meta)),
    });
  } catch (err) {
    if (refused(ctx, res, err)) return;
    throw err;
  }
  const body = Buffer.concat(chunks);
  res.writeHead(200, { ...headers, 'Content-Length': String(body.length) });
  res.end(body);
}

/**
 * Answers a report refused before its first byte; false when `err` is no refusal. A team
 * unknown or outside the caller's scope, an ext outside it (rules §9); or the server runs
 * with another REPORT_TZ than the database was built for: nothing the client can fix, and
 * nothing is sent that would mislabel the hours.
 */
function refused(ctx: Context, res: ServerResponse, err: unknown): boolean {
  if (res.headersSent) return false;
  if (err instanceof ScopeError) {
    sendError(res, err.status, err.message);
    return true;
  }
  if (err instanceof ZoneMismatchError) {
    ctx.log.error('report refused', { error: err.message });
    sendError(res, 503, err.message);
    return true;
  }
  return false;
}

function answerHeaders(filename: string, { horizon, contentType }: ReportMeta): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Type': contentType,
    'Content-Disposition': `attachment; filename="${filename}"`,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  };
  // The last hour may still be filling: the reader can see up to when data is loaded.
  if (horizon !== null) headers['X-Data-Horizon'] = isoUtc(horizon);
  return headers;
}

export async function handleReport(ctx: Context, req: IncomingMessage, res: ServerResponse, url: URL, info: RequestInfo, access: Access): Promise<void> {
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
  // A small report is read whole and sent at once: it needs no stream slot, so stalled
  // clients of large reports never lock it out.
  if (await whileDatabaseAnswers(isSmallReport(ctx.readPool, params), () => ctx.health.ping())) return sendWhole(ctx, params, res, info, access);
  await streamResponse(ctx, req, res, info, access, reportFilename(params), (hooks) => writeReport(ctx.readPool, params, ctx.cfg.reportTz, res, hooks));
}

/**
 * Streams a report-like answer (the report, the breaks) into `res` within the stream limits
 * (503 with Retry-After when at REPORT_MAX_STREAMS, or at REPORT_MAX_STREAMS_PER_CLIENT for
 * this caller): headers once the horizon is known, a
 * 503 with the migrate message when the database was built for another REPORT_TZ, and
 * 400/403 for a team or extension unknown or outside the caller's scope. A cut stream
 * aborts the writer (its signal); rows that fail mid-way reset the connection.
 */
export async function streamResponse(
  ctx: Context,
  req: IncomingMessage,
  res: ServerResponse,
  info: RequestInfo,
  access: Access,
  filename: string,
  write: (hooks: ReportHooks) => Promise<unknown>,
): Promise<void> {
  // one client: its token, else its address (behind a proxy without tokens, every caller is the proxy)
  const client = access.token !== undefined ? `token ${access.token}` : `address ${req.socket.remoteAddress ?? '?'}`;
  const admission = ctx.streams.admit(req, res, client, access.token !== undefined ? 'this token' : `the address ${req.socket.remoteAddress ?? '?'}`);
  if (admission.refused !== undefined) {
    sendError(res, 503, admission.message, { 'Retry-After': String(RETRY_AFTER_S) });
    return;
  }
  const signal = admission.signal;
  const progress = { rows: 0 };
  info.progress = progress;
  try {
    await write({
      progress,
      signal,
      databaseAlive: () => ctx.health.ping(),
      // the client learns at once, not after reading what the kernel holds for it
      onRowsFailed: () => res.socket?.resetAndDestroy(),
      onStart: (meta) => res.writeHead(200, answerHeaders(filename, meta)),
      scope: access.scope,
    });
  } catch (err) {
    if (refused(ctx, res, err)) return;
    throw err;
  }
}
