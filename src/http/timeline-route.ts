// GET /api/timeline?ext=4101&date=2025-09-07: one agent's local day as state segments,
// computed in SQL by sp_agent_timeline (rules §3 rules, loaded time, the raw reason of
// each break). The page draws them; every counted second of a report row is on the strip.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DateTime } from 'luxon';
import { sendError, sendJson } from './respond.ts';
import type { Context } from './context.ts';
import { one } from '../db/query.ts';
import { EXT } from '../report/params.ts';
import { inSnapshot } from '../db/readers.ts';
import { assertZone, ZoneMismatchError } from '../db/zone.ts';
import { resolveAgents, ScopeError } from '../access/scope.ts';
import type { Access } from './auth.ts';

const PARAMS = ['ext', 'date'] as const;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

class TimelineParamError extends Error {}

/** The checked parameters, or a TimelineParamError naming the fix. */
function parseTimelineParams(url: URL): { ext: string; date: string } {
  const seen = new Map<string, string>();
  for (const [name, value] of url.searchParams) {
    if (!(PARAMS as readonly string[]).includes(name)) {
      throw new TimelineParamError(`unknown parameter ${JSON.stringify(name.slice(0, 40))}: the parameters are ext and date`);
    }
    if (seen.has(name)) throw new TimelineParamError(`${name} is given more than once: give it once`);
    seen.set(name, value);
  }
  const ext = seen.get('ext');
  const date = seen.get('date');
  if (ext === undefined) throw new TimelineParamError('ext is required: one extension, e.g. ext=4101');
  if (!EXT.test(ext)) throw new TimelineParamError('ext must be one extension of 1-32 letters, digits, "-", "_" or ".", not starting with "-" (a spreadsheet formula), e.g. ext=4101');
  if (date === undefined) throw new TimelineParamError('date is required: a local day of REPORT_TZ as YYYY-MM-DD, e.g. date=2025-09-07');
  if (!DATE.test(date)) throw new TimelineParamError('date must be a date as YYYY-MM-DD, e.g. date=2025-09-07');
  if (!DateTime.fromISO(date, { zone: 'UTC' }).isValid || Number(date.slice(0, 4)) < 1) {
    throw new TimelineParamError(`date ${JSON.stringify(date)} is not a real calendar date: give one as YYYY-MM-DD`);
  }
  return { ext, date };
}

export interface Segment {
  start: string;
  end: string;
  seconds: number;
  state: string;
  reason: string | null;
}

interface SegmentRow {
  seg_from: number;
  seg_to: number;
  seconds: number;
  state: string;
  reason: string | null;
}

/** ISO 8601 with the zone's offset at that instant: `2025-09-07T09:00:00+04:00`. */
function isoLocal(epoch: number, tz: string): string {
  return DateTime.fromSeconds(epoch, { zone: tz }).toISO({ suppressMilliseconds: true })!;
}

export async function handleTimeline(ctx: Context, _req: IncomingMessage, res: ServerResponse, url: URL, access: Access): Promise<void> {
  let params;
  try {
    params = parseTimelineParams(url);
    // a scoped token sees its teams' agents only (rules §9): another ext is a 403
    await resolveAgents(ctx.readPool, { ext: [params.ext] }, access.scope);
  } catch (err) {
    if (err instanceof TimelineParamError || err instanceof ScopeError) {
      sendError(res, err instanceof ScopeError ? err.status : 400, err.message);
      return;
    }
    throw err;
  }
  const tz = ctx.cfg.reportTz;
  let read;
  try {
    // the zone, the segments and the name from one moment of the server that answers
    read = await inSnapshot(ctx.readPool, async (conn) => {
      await assertZone(conn, tz);
      // a CALL answers with its result sets, then a status: the first result set is the segments
      const rows = (await one<SegmentRow[]>(conn, 'CALL sp_agent_timeline(?, ?)', [params.ext, params.date])) ?? [];
      const agent = await one<{ name: string | null }>(conn, "SELECT COALESCE(NULLIF(name, ''), stats_name) AS name FROM agents WHERE ext = ?", [params.ext]);
      return { rows, name: agent?.name ?? null };
    });
  } catch (err) {
    // as the report: hours of one zone are never shown with the labels of another
    if (err instanceof ZoneMismatchError) {
      ctx.log.error('timeline refused', { error: err.message });
      sendError(res, 503, err.message);
      return;
    }
    throw err;
  }
  const { rows, name } = read;
  if (rows.length === 0) {
    sendError(res, 400, `date ${params.date} is outside the report calendar: pick a day inside the calendar that npm run migrate filled`);
    return;
  }
  const segments: Segment[] = rows.map((r) => ({
    start: isoLocal(Number(r.seg_from), tz),
    end: isoLocal(Number(r.seg_to), tz),
    seconds: Number(r.seconds),
    state: r.state,
    reason: r.reason,
  }));
  sendJson(res, 200, {
    ext: params.ext,
    name,
    date: params.date,
    timeZone: tz,
    start: segments[0]!.start,
    end: segments.at(-1)!.end,
    segments,
  });
}
