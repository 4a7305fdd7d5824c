// GET /api/breaks and GET /api/live (rules §10): `ext` and `team` within the caller's scope
// (rules §9), resolved in the answer's snapshot and handed to SQL as one AgentFilter.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ParamError, parseExtList } from '../report/params.ts';
import { ZoneMismatchError } from '../db/zone.ts';
import { parseBreaksParams } from '../now/breaks-params.ts';
import { writeBreaks } from '../now/breaks.ts';
import { breaksFilename } from '../now/breaks-filename.ts';
import { ScopeError } from '../access/scope.ts';
import type { AgentAsk } from '../access/scope.ts';
import { teamParam } from '../access/names.ts';
import type { Access } from './auth.ts';
import { readLive } from '../now/live.ts';
import type { RequestInfo } from './access-log.ts';
import { streamResponse } from './report-route.ts';
import { sendError } from './respond.ts';
import type { Context } from './context.ts';

export async function handleBreaks(ctx: Context, req: IncomingMessage, res: ServerResponse, url: URL, info: RequestInfo, access: Access): Promise<void> {
  let params;
  try {
    params = parseBreaksParams(url.searchParams.entries(), ctx.cfg.reportTz, ctx.cfg.reportMaxDays);
  } catch (err) {
    if (err instanceof ParamError) return sendError(res, 400, err.message);
    throw err;
  }
  await streamResponse(ctx, req, res, info, access, breaksFilename(params), (hooks) => writeBreaks(ctx.readPool, params, ctx.cfg.reportTz, res, hooks));
}

/** GET /api/live's parameters: `ext` and `team`, each at most once. */
export function parseLiveParams(pairs: Iterable<[string, string]>): AgentAsk {
  const got = new Map<string, string>();
  for (const [name, value] of pairs) {
    if (name !== 'ext' && name !== 'team') throw new ParamError(`unknown parameter ${JSON.stringify(name.slice(0, 40))}: the parameters are ext and team`);
    if (got.has(name)) throw new ParamError(`${name} is given more than once: give each parameter once`);
    got.set(name, value);
  }
  const ask: AgentAsk = {};
  const ext = got.get('ext');
  if (ext !== undefined) ask.ext = parseExtList(ext);
  const team = got.get('team');
  if (team !== undefined) {
    const t = teamParam(team);
    if ('problem' in t) throw new ParamError(t.problem);
    ask.team = t.teams;
  }
  return ask;
}

export async function handleLive(ctx: Context, _req: IncomingMessage, res: ServerResponse, url: URL, access: Access): Promise<void> {
  let params;
  try {
    params = parseLiveParams(url.searchParams.entries());
  } catch (err) {
    if (err instanceof ParamError) return sendError(res, 400, err.message);
    throw err;
  }
  let live;
  try {
    live = await readLive(ctx.readPool, ctx.cfg.reportTz, params, access.scope);
  } catch (err) {
    if (err instanceof ScopeError) return sendError(res, err.status, err.message);
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
