// GET /api/breaks and GET /api/live (SPEC §9). Both hand the agents asked for to SQL as one
// AgentFilter (src/now/filter.ts): a team or a token's scope narrows that same object.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ParamError, parseExtList } from '../report/params.ts';
import { ZoneMismatchError } from '../db/zone.ts';
import { parseBreaksParams } from '../now/breaks-params.ts';
import { writeBreaks } from '../now/breaks.ts';
import { breaksFilename } from '../now/breaks-filename.ts';
import type { AgentFilter } from '../now/filter.ts';
import { readLive } from '../now/live.ts';
import type { RequestInfo } from './access-log.ts';
import { streamResponse } from './report-route.ts';
import { sendError } from './respond.ts';
import type { Context } from './server.ts';

/** The agents a request asks for, as the filter every Now query takes. */
export function agentFilterOf(exts: string[] | undefined): AgentFilter {
  return { exts };
}

export async function handleBreaks(ctx: Context, _req: IncomingMessage, res: ServerResponse, url: URL, info: RequestInfo): Promise<void> {
  let params;
  try {
    params = parseBreaksParams(url.searchParams.entries(), ctx.cfg.reportTz, ctx.cfg.reportMaxDays);
  } catch (err) {
    if (err instanceof ParamError) return sendError(res, 400, err.message);
    throw err;
  }
  const filter = agentFilterOf(params.exts);
  await streamResponse(ctx, res, info, breaksFilename(params), (hooks) => writeBreaks(ctx.pool, params, filter, ctx.cfg.reportTz, res, hooks));
}

/** GET /api/live's parameters: `ext` at most once. */
export function parseLiveParams(pairs: Iterable<[string, string]>): { exts: string[] | undefined } {
  let ext: string | undefined;
  for (const [name, value] of pairs) {
    if (name !== 'ext') throw new ParamError(`unknown parameter ${JSON.stringify(name.slice(0, 40))}: the parameter is ext`);
    if (ext !== undefined) throw new ParamError('ext is given more than once: give each parameter once');
    ext = value;
  }
  return { exts: ext === undefined ? undefined : parseExtList(ext) };
}

export async function handleLive(ctx: Context, _req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  let params;
  try {
    params = parseLiveParams(url.searchParams.entries());
  } catch (err) {
    if (err instanceof ParamError) return sendError(res, 400, err.message);
    throw err;
  }
  let live;
  try {
    live = await readLive(ctx.pool, ctx.cfg.reportTz, agentFilterOf(params.exts));
  } catch (err) {
    if (err instanceof ZoneMismatchError) {
      ctx.log.error('live state refused', { error: err.message });
      return sendError(res, 503, err.message);
    }
    throw err;
  }
  // indented: a wallboard's operator reads it by eye, and it stays small (one agent a block)
  const text = JSON.stringify(live, null, 2) + '\n';
  res.writeHead(200, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(text);
}
