// Calls to the service. The token lives in sessionStorage (this browser tab only) and
// goes out as Authorization: Bearer on every data call.
import { COLUMNS } from './columns.js';

const TOKEN_KEY = 'apr.token';

export class AuthError extends Error {}

export const session = {
  get token() {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  set token(value) {
    if (value) sessionStorage.setItem(TOKEN_KEY, value);
    else sessionStorage.removeItem(TOKEN_KEY);
  },
};

/** GET a path with the token; a 401 is an AuthError, any other failure the API's own message. */
export async function apiGet(path, token = session.token) {
  const headers = { Accept: 'application/json, text/csv' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(path, { headers, cache: 'no-store' });
  if (res.status === 401) throw new AuthError('the token was refused');
  if (!res.ok) {
    let message = `the server answered ${res.status}`;
    try {
      message = (await res.json()).error ?? message;
    } catch {
      // not JSON: keep the status
    }
    throw new Error(message);
  }
  return res;
}

export async function getConfig() {
  return (await apiGet('/api/config', null)).json();
}

export async function getStatus(token) {
  return (await apiGet('/api/status', token)).json();
}

export async function getTimeline(ext, date) {
  return (await apiGet(`/api/timeline?${new URLSearchParams({ ext, date })}`)).json();
}

/** One CSV line's fields (RFC 4180: quotes only where needed, "" inside quotes). */
function csvFields(line) {
  const out = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let v = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        v += line.slice(i, q);
        if (line[q + 1] === '"') {
          v += '"';
          i = q + 2;
        } else {
          i = q + 2;
          break;
        }
      }
      out.push(v);
    } else {
      const c = line.indexOf(',', i);
      const end = c < 0 ? line.length : c;
      out.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return out;
}

/** `07/09/2025, 09:00:00` back to `2025-09-07T09:00:00`. */
function isoFromCsv(v) {
  return `${v.slice(6, 10)}-${v.slice(3, 5)}-${v.slice(0, 2)}T${v.slice(12, 20)}`;
}

/**
 * The report's rows for a query (without format/durations/bom), as objects keyed like the
 * JSON API: durations in seconds, percentages as numbers or null.
 */
export async function getReportRows(query) {
  const q = new URLSearchParams(query);
  q.set('durations', 'seconds');
  q.set('bom', '0');
  const text = await (await apiGet(`/api/report?${q}`)).text();
  const lines = text.split('\r\n').filter((l) => l !== '');
  const header = csvFields(lines.shift() ?? '');
  const byHeader = new Map(COLUMNS.map((c) => [c.header, c]));
  return lines.map((line) => {
    const fields = csvFields(line);
    const row = {};
    header.forEach((h, i) => {
      const c = byHeader.get(h);
      if (!c) return;
      const v = fields[i] ?? '';
      if (c.kind === 'dur' || c.kind === 'count') row[c.key] = Number(v);
      else if (c.kind === 'pct') row[c.key] = v === '' ? null : Number(v);
      else if (c.key === 'start_time' || c.key === 'end_time') row[c.key] = isoFromCsv(v);
      else row[c.key] = v;
    });
    return row;
  });
}

/** The CSV exactly as the API sends it, and the file name it gives. */
export async function getReportCsv(query) {
  const res = await apiGet(`/api/report?${new URLSearchParams(query)}`);
  const disposition = res.headers.get('Content-Disposition') ?? '';
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'report.csv';
  return { blob: new Blob([await res.arrayBuffer()], { type: 'text/csv' }), name };
}
