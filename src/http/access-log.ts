// One access-log line per request: method, path with the query's names but not
// its values, status, ms, rows. Values may hold anything a client typed; the
// Authorization header is never read here.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../log.ts';

const MAX_PATH = 300;

/** `/api/report?startDate&endDate` from `/api/report?startDate=...&endDate=...`. */
function pathWithoutValues(rawUrl: string): string {
  const q = rawUrl.indexOf('?');
  const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
  let out = path;
  if (q >= 0) {
    const names = rawUrl
      .slice(q + 1)
      .split('&')
      .filter((p) => p !== '')
      .map((p) => {
        const name = p.split('=', 1)[0]!;
        try {
          return decodeURIComponent(name.replaceAll('+', ' '));
        } catch {
          return name;
        }
      });
    out += '?' + names.join('&');
  }
  return out.length > MAX_PATH ? out.slice(0, MAX_PATH) + '…' : out;
}

export interface RequestInfo {
  /** Report rows written so far, when the request produces a report. */
  progress?: { rows: number };
  /** The name of the database token that made the request (never the token itself). */
  caller?: string;
}

/** Logs the request when its response is done or the connection dropped. */
export function logWhenDone(log: Logger, req: IncomingMessage, res: ServerResponse, info: RequestInfo): void {
  const started = process.hrtime.bigint();
  res.once('close', () => {
    const ms = Number((process.hrtime.bigint() - started) / 1000n) / 1000;
    const fields = {
      method: req.method ?? '?',
      path: pathWithoutValues(req.url ?? ''),
      status: res.statusCode,
      ms: Math.round(ms * 10) / 10,
      rows: info.progress?.rows,
      caller: info.caller,
      aborted: res.writableFinished ? undefined : true,
    };
    (res.statusCode >= 500 || fields.aborted ? log.warn : log.info)('request', fields);
  });
}
