// How an upstream call failed decides what happens next: a transient failure is retried
// with backoff (honouring Retry-After), anything else ends the call at once.

export class UpstreamError extends Error {
  /** The setting whose limit ended the call (UPSTREAM_CALL_TIMEOUT_S, ...), when one did. */
  limit: string | null = null;

  constructor(
    message: string,
    /** Worth another attempt: 429, 5xx, resets, timeouts, a body cut short. */
    readonly transient: boolean,
    /** HTTP status, when a response arrived. */
    readonly status: number | null = null,
    /** A 429's Retry-After, in ms. */
    readonly retryAfterMs: number | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'UpstreamError';
  }
}

/** Network error codes of node and undici that a later attempt may not meet. */
const TRANSIENT_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH',
  'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CLOSED',
  'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH', 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);

/** Wraps an error thrown while sending a request or reading its body. */
export function networkError(err: unknown, what: string): UpstreamError {
  if (err instanceof UpstreamError) return err;
  const e = err as { code?: string; name?: string; message?: string; cause?: { code?: string } };
  if (e?.name === 'AbortError') return new UpstreamError(`${what}: aborted`, false, null, null, { cause: err });
  const code = e?.code ?? e?.cause?.code;
  const transient = code === undefined || TRANSIENT_CODES.has(code) || e?.name === 'SyntaxError';
  return new UpstreamError(`${what}: ${code ? code + ' ' : ''}${e?.message ?? String(err)}`, transient, null, null, { cause: err });
}

/** Retry-After as ms: delta-seconds or an HTTP date. */
export function retryAfterMs(value: string | string[] | undefined, now = Date.now()): number | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === '') return null;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * A secret as it may appear in a message: as is, JSON-escaped (once, or twice when a JSON
 * body is quoted inside another), URL-encoded (either hex case, a space as %20 or +).
 */
function encodings(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  const url = encodeURIComponent(secret);
  const urlLower = url.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
  const all = [secret, json, JSON.stringify(json).slice(1, -1), url, urlLower, url.replaceAll('%20', '+'), urlLower.replaceAll('%20', '+'), encodeURI(secret)];
  // longest first, so a longer encoding is not left half-replaced by a shorter one
  return [...new Set(all)].sort((a, b) => b.length - a.length);
}

/** Removes secrets, in every encoding they may take, from a message before it reaches a log line or fetch_log. */
export function scrub(message: string, secrets: (string | null | undefined)[]): string {
  let out = message;
  for (const s of secrets) {
    if (!s || s.length < 4) continue;
    for (const form of encodings(s)) out = out.split(form).join('***');
  }
  return out;
}

/**
 * The body parsed as JSON. A body that stops mid-value was likely cut short and is worth
 * another attempt; one that is complete but not JSON (a stray character, a raw NUL byte)
 * will be the same next time, so it fails the call at once, saying where.
 */
export function parseJsonBody(text: string, what: string, status: number): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const cutShort = text.trim() === '' || /end of (JSON )?input|Unterminated string/i.test((err as Error).message);
    if (cutShort) throw new UpstreamError(`${what}: the response ends mid-way (cut short?), ${text.length} characters`, true, status, null, { cause: err });
    const nul = text.indexOf('\u0000');
    const where = nul >= 0 ? `a raw NUL byte at character ${nul}` : (err as Error).message.slice(0, 120);
    throw new UpstreamError(`${what}: the response is not valid JSON (${where}); the window fails until the upstream sends valid JSON for it`, false, status, null, { cause: err });
  }
}
