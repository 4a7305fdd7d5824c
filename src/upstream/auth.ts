// Login (rules §2) and the token cache: a token is re-used until 2 minutes before it
// expires; concurrent callers share one login. Neither the token nor the password is
// ever put in a message.
import type { Http } from './http.ts';
import type { FetchLog } from './fetch-log.ts';
import { UpstreamError, parseJsonBody, scrub, retryAfterMs as retryAfter } from './errors.ts';
import { withRetry, type RetryOptions } from './retry.ts';
import { observedFetchLog } from './report-calls.ts';
import { registerSecret } from '../log.ts';
import type { Logger } from '../log.ts';

const LOGIN_PATH = '/api/v2/config/login/oauth';
/** Re-login this long before the token expires. */
const EARLY_MS = 120_000;
const DEFAULT_TTL_S = 3600;

export interface Credentials {
  baseUrl: string;
  tenant: string;
  username: string;
  password: string;
}

export class Auth {
  private token: { value: string; expiresAt: number } | null = null;
  private pending: Promise<string> | null = null;
  /** Every token this process has received, for scrubbing messages. */
  private readonly seen: string[] = [];

  constructor(
    private readonly http: Http,
    private readonly creds: Credentials,
    private readonly retry: RetryOptions,
    private readonly clock: () => number = Date.now,
    private readonly log?: Logger,
  ) {}

  /** A valid token, logging in when there is none or it expires within 2 minutes. */
  async get(fetchLog: FetchLog, signal?: AbortSignal): Promise<string> {
    if (this.token && this.clock() < this.token.expiresAt - EARLY_MS) return this.token.value;
    this.pending ??= this.login(fetchLog, signal).finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  /** Drops `token` after a 401 so the next get() logs in again. */
  invalidate(token: string): void {
    if (this.token?.value === token) this.token = null;
  }

  /** Removes the password and any token from a message. */
  scrub(message: string): string {
    return scrub(message, [this.creds.password, ...this.seen.slice(-20)]);
  }

  private async login(unobserved: FetchLog, signal?: AbortSignal): Promise<string> {
    const fetchLog = observedFetchLog(unobserved);
    const url = this.creds.baseUrl.replace(/\/+$/, '') + LOGIN_PATH;
    const body = JSON.stringify({ domain: this.creds.tenant, username: this.creds.username, password: this.creds.password });
    let attempt = 0;
    return withRetry(
      async () => {
        attempt++;
        const started = Date.now();
        let status: number | null = null;
        try {
          const res = await this.http.send(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body, signal }, 'login');
          status = res.status;
          if (res.status === 401 || res.status === 403) {
            throw new UpstreamError(`login refused (${res.status}): check API_USERNAME, API_PASSWORD and TENANT`, false, res.status);
          }
          if (res.status === 429 || res.status >= 500) {
            throw new UpstreamError(`login: HTTP ${res.status}`, true, res.status, retryAfter(res.headers['retry-after']));
          }
          if (res.status !== 200) throw new UpstreamError(`login: HTTP ${res.status}`, false, res.status);
          const parsed = (parseJsonBody(res.text, 'login', res.status) ?? {}) as { accessToken?: unknown; access_token?: unknown; expiresIn?: unknown };
          const token = parsed.accessToken ?? parsed.access_token;
          if (typeof token !== 'string' || token === '') throw new UpstreamError('login: the response has no accessToken', false, res.status);
          const ttl = typeof parsed.expiresIn === 'number' && parsed.expiresIn > 0 ? parsed.expiresIn : DEFAULT_TTL_S;
          this.seen.push(token);
          registerSecret(token);
          this.token = { value: token, expiresAt: this.clock() + ttl * 1000 };
          fetchLog.add({ endpoint: 'login', fromTs: null, toTs: null, status, attempt, rows: null, durationMs: Date.now() - started, error: null });
          return token;
        } catch (err) {
          const message = this.scrub((err as Error).message);
          fetchLog.add({ endpoint: 'login', fromTs: null, toTs: null, status, attempt, rows: null, durationMs: Date.now() - started, error: message });
          if (err instanceof UpstreamError && err.limit !== null) this.log?.warn('upstream call given up', { endpoint: 'login', attempt, limit: err.limit, error: message });
          throw err;
        }
      },
      this.retry,
      signal,
    );
  }
}
