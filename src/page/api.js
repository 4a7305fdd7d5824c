// Calls to the service. The token lives in sessionStorage (this browser tab only) and
// goes out as Authorization: Bearer on every data call.
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
export async function apiGet(path, token = session.token, signal = undefined) {
  const headers = { Accept: 'application/json, text/csv' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(path, { headers, cache: 'no-store', signal });
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

export async function getStatus(token = session.token, signal = undefined) {
  return (await apiGet('/api/status', token, signal)).json();
}

export async function getTimeline(ext, date) {
  return (await apiGet(`/api/timeline?${new URLSearchParams({ ext, date })}`)).json();
}

/** The report's rows for a query (without format), as the JSON API gives them. */
export async function getReportRows(query, signal) {
  return (await apiGet(`/api/report?${new URLSearchParams({ ...query, format: 'json' })}`, session.token, signal)).json();
}

/** Every interval of the range with the selected agents' sums, and the range's Not Loaded parts. */
export async function getIntervals(query, signal) {
  return (await apiGet(`/api/intervals?${new URLSearchParams(query)}`, session.token, signal)).json();
}

/** The CSV exactly as the API sends it, and the file name it gives. */
export async function getReportCsv(query) {
  const res = await apiGet(`/api/report?${new URLSearchParams(query)}`);
  const disposition = res.headers.get('Content-Disposition') ?? '';
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'report.csv';
  return { blob: new Blob([await res.arrayBuffer()], { type: 'text/csv' }), name };
}
