// Fetching events and stats (rules §2). Every call carries the bearer token, Accept and
// x-account-id; transient failures are retried; a 401 logs in again once. An events
// response holding pageSize events may be truncated, so its range is split in halves,
// recursively, until every piece holds fewer: no event lost, none doubled.
import { setMaxListeners } from 'node:events';
import type { Config } from '../config.ts';
import { isoUtc } from '../time.ts';
import type { AgentEvent, Rejected, StatsRecord } from '../types.ts';
import { normalizeEvents, normalizeStats } from './normalize.ts';
import { validateEvents, validateStats } from './validate.ts';
import { Http, type HttpOptions } from './http.ts';
import { Auth } from './auth.ts';
import { UpstreamError, parseJsonBody, retryAfterMs } from './errors.ts';
import { withRetry, type RetryOptions } from './retry.ts';
import type { FetchLog } from './fetch-log.ts';
import type { Logger } from '../log.ts';
import { observedFetchLog, retryReporter } from './report-calls.ts';

const EVENTS_PATH = '/api/v2/reports/callcenter/agents/activity/events';
const STATS_PATH = '/api/v2/reports/callcenter/agents/stats';
/** The API refuses longer ranges (rules §2). */
const MAX_RANGE_S = 31 * 86400;
/** How many halvings one truncated response may trigger at once (2^6 = 64 pieces). */
const MAX_LEVELS_AT_ONCE = 6;
/** Pieces are sized to hold about this share of a page, so they rarely come back full. */
const TARGET_FILL = 0.6;

export interface UpstreamOptions {
  baseUrl: string;
  tenant: string;
  username: string;
  password: string;
  accountId: string;
  /** API_PAGE_SIZE: a response with this many events is treated as truncated. */
  pageSize: number;
  http?: HttpOptions;
  retry?: RetryOptions;
  /** Longest one window's fetching may take, all calls and retries (UPSTREAM_WINDOW_TIMEOUT_S; default 180 s). */
  windowTimeoutMs?: number;
  /** Where retries (when they happen) and calls given up (deadline) are logged (default: nowhere). */
  log?: Logger;
}

/** What one call needs from the run it belongs to. */
export interface CallContext {
  fetchLog: FetchLog;
  signal?: AbortSignal;
}

export interface EventsResult {
  events: AgentEvent[];
  rejected: Rejected[];
  /** Halvings of the range: because a response came back full, or the last range was as dense. */
  splits: number;
  /** Events requests that succeeded (pieces fetched, full ones included). */
  requests: number;
}

export interface StatsResult {
  stats: StatsRecord[];
  rejected: Rejected[];
}


/** The floored second of a raw Timestamp, or undefined when it is not a number. */
function secondOf(raw: unknown): number | undefined {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isFinite(n)) return undefined;
  return n > 1e11 ? Math.floor(n / 1000) : Math.floor(n);
}

/** The limit named by a window given up at its deadline. */
const WINDOW_LIMIT = 'UPSTREAM_WINDOW_TIMEOUT_S';

/** Whether `err` is a window given up at its deadline (UPSTREAM_WINDOW_TIMEOUT_S). */
export function windowGivenUp(err: unknown): boolean {
  return err instanceof UpstreamError && err.limit === WINDOW_LIMIT;
}

export class Upstream {
  private readonly http: Http;
  private readonly auth: Auth;
  private readonly base: string;
  /** Events per second seen in the latest events fetch: a dense range is split before asking. */
  private density = 0;

  constructor(private readonly opts: UpstreamOptions) {
    this.http = new Http(opts.http);
    this.base = opts.baseUrl.replace(/\/+$/, '');
    this.auth = new Auth(
      this.http,
      { baseUrl: this.base, tenant: opts.tenant, username: opts.username, password: opts.password },
      { ...opts.retry, onRetry: retryReporter(opts.log, 'login', null, null, (m) => this.scrub(m)) },
      Date.now,
      opts.log,
    );
  }

  get pageSize(): number {
    return this.opts.pageSize;
  }

  /**
   * Runs one window's `work` with a signal that aborts on `signal` (a stop) or when the
   * window's deadline passes, with a reason that says which and what happens next.
   */
  async withWindowDeadline<T>(fromTs: number, toTs: number, signal: AbortSignal | undefined, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const ms = this.opts.windowTimeoutMs ?? 180_000;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      const reason = new UpstreamError(
        `window [${isoUtc(fromTs)}, ${isoUtc(toTs)}) given up: not fetched within ${ms / 1000} s (UPSTREAM_WINDOW_TIMEOUT_S); it is retried later`,
        false,
      );
      reason.limit = WINDOW_LIMIT;
      this.opts.log?.warn('upstream window given up', { from: isoUtc(fromTs), to: isoUtc(toTs), limit_s: ms / 1000 });
      controller.abort(reason);
    }, ms);
    const windowSignal = signal === undefined ? controller.signal : AbortSignal.any([signal, controller.signal]);
    // every call of the window (split pieces, one per slot, retries) listens to it
    setMaxListeners(0, windowSignal);
    try {
      return await work(windowSignal);
    } finally {
      clearTimeout(timer);
    }
  }

  /** A message with the password and tokens replaced, safe for logs. */
  scrub(message: string): string {
    return this.auth.scrub(message);
  }

  /**
   * GET with retries; a 401 logs in again once and repeats the request. Each attempt
   * writes a fetch_log row.
   */
  private async getJson(endpoint: 'events' | 'stats', path: string, fromTs: number, toTs: number, call: CallContext, rowsOf: (json: unknown) => number): Promise<unknown> {
    const url = this.base + path;
    const ctx = { ...call, fetchLog: observedFetchLog(call.fetchLog) };
    let attempt = 0;
    let reloggedIn = false;
    return withRetry(
      async () => {
        for (;;) {
          attempt++;
          const token = await this.auth.get(call.fetchLog, ctx.signal);
          const started = Date.now();
          let status: number | null = null;
          try {
            const res = await this.http.send(
              url,
              { method: 'GET', headers: { authorization: `Bearer ${token}`, accept: 'application/json', 'x-account-id': this.opts.accountId }, signal: ctx.signal },
              `${endpoint} [${isoUtc(fromTs)}, ${isoUtc(toTs)})`,
            );
            status = res.status;
            if (res.status === 401) {
              if (reloggedIn) throw new UpstreamError(`${endpoint}: the upstream refused a fresh token (401)`, false, 401);
              ctx.fetchLog.add({ endpoint, fromTs, toTs, status, attempt, rows: null, durationMs: Date.now() - started, error: 'token refused (401): logging in again' });
              reloggedIn = true;
              this.auth.invalidate(token);
              continue;
            }
            if (res.status === 429 || res.status === 408 || res.status >= 500) {
              throw new UpstreamError(`${endpoint}: HTTP ${res.status}`, true, res.status, res.status === 429 ? retryAfterMs(res.headers['retry-after']) : null);
            }
            if (res.status !== 200) {
              throw new UpstreamError(`${endpoint}: HTTP ${res.status} ${this.scrub(res.text).slice(0, 200)}`, false, res.status);
            }
            const json = parseJsonBody(res.text, endpoint, res.status);
            ctx.fetchLog.add({ endpoint, fromTs, toTs, status, attempt, rows: rowsOf(json), durationMs: Date.now() - started, error: null });
            return json;
          } catch (err) {
            const message = this.scrub((err as Error).message);
            ctx.fetchLog.add({ endpoint, fromTs, toTs, status, attempt, rows: null, durationMs: Date.now() - started, error: message });
            if (err instanceof UpstreamError && err.limit !== null) this.opts.log?.warn('upstream call given up', { endpoint, attempt, limit: err.limit, error: message });
            throw err;
          }
        }
      },
      { ...this.opts.retry, onRetry: retryReporter(this.opts.log, endpoint, fromTs, toTs, (m) => this.scrub(m)) },
      ctx.signal,
    );
  }

  /** One events request: the raw records, in feed order. */
  private async eventsPage(fromTs: number, toTs: number, ctx: CallContext): Promise<unknown[]> {
    const path = `${EVENTS_PATH}?startDate=${fromTs}&endDate=${toTs}&pageSize=${this.opts.pageSize}`;
    const json = await this.getJson('events', path, fromTs, toTs, ctx, (j) => {
      const list = (j as { events?: unknown })?.events;
      return Array.isArray(list) ? list.length : 0;
    });
    const list = (json as { events?: unknown })?.events;
    if (!Array.isArray(list)) throw new UpstreamError('events: the response has no "events" array', false, 200);
    return list;
  }

  /**
   * Events of [fromTs, toTs). A full page means "maybe more": the range is halved
   * (several levels at once when the page shows how dense the range is) and each half
   * fetched the same way. Splits fall on whole seconds, so every second is fetched whole
   * and keeps its identities (rules §3).
   */
  async fetchEvents(fromTs: number, toTs: number, ctx: CallContext): Promise<EventsResult> {
    const result: EventsResult = { events: [], rejected: [], splits: 0, requests: 0 };
    if (toTs <= fromTs) return result;
    const pieces: { from: number; to: number; list: unknown[] }[] = [];
    const fetchRange = async (from: number, to: number): Promise<{ from: number; to: number; list: unknown[] }[]> => {
      if (to - from > MAX_RANGE_S) return this.splitAndFetch(from, to, 1, result, fetchRange);
      const list = await this.eventsPage(from, to, ctx);
      result.requests++;
      if (list.length < this.opts.pageSize) return [{ from, to, list }];
      if (to - from <= 1) {
        throw new UpstreamError(
          `events: the one second [${isoUtc(from)}, ${isoUtc(to)}) holds ${list.length} events, API_PAGE_SIZE=${this.opts.pageSize} or more; ` +
            'the rest cannot be fetched without losing events: raise API_PAGE_SIZE (and the upstream page size)',
          false,
        );
      }
      // The full page covers [from, last second it reached]: its density says how many
      // halvings bring each piece below the page size.
      let last: number | undefined;
      for (let i = list.length - 1; i >= 0 && last === undefined; i--) last = secondOf((list[i] as { Timestamp?: unknown })?.Timestamp);
      const covered = Math.max(1, (last ?? to - 1) - from + 1);
      const estimate = (list.length * (to - from)) / covered;
      let levels = 1;
      while (levels < MAX_LEVELS_AT_ONCE && estimate / 2 ** levels > TARGET_FILL * this.opts.pageSize && (to - from) / 2 ** (levels + 1) >= 1) levels++;
      return this.splitAndFetch(from, to, levels, result, fetchRange);
    };
    // A range as dense as the last one would come back full: cut it before the first
    // request instead of after it (each piece is still checked and halved if full).
    const expected = this.density * (toTs - fromTs);
    let levels = 0;
    while (levels < MAX_LEVELS_AT_ONCE && expected / 2 ** levels > TARGET_FILL * this.opts.pageSize && (toTs - fromTs) / 2 ** (levels + 1) >= 1) levels++;
    pieces.push(...(levels > 0 ? await this.splitAndFetch(fromTs, toTs, levels, result, fetchRange) : await fetchRange(fromTs, toTs)));
    for (const p of pieces) {
      const { events, rejected } = normalizeEvents({ events: p.list });
      result.rejected.push(...rejected);
      for (const e of events) {
        if (e.ts >= p.from && e.ts < p.to) result.events.push(e);
        // outside the asked range: loading it would double it when its own range comes
        else result.rejected.push({ endpoint: 'events', reason: `Timestamp outside the requested window [${p.from}, ${p.to})`, raw: e });
      }
    }
    this.density = result.events.length / (toTs - fromTs);
    // values the database would refuse are rejected here, not fatal to the window
    const valid = validateEvents(result.events);
    result.events = valid.events;
    result.rejected.push(...valid.rejected);
    return result;
  }

  /** Cuts [from, to) into 2^levels pieces at whole seconds and fetches them, in order. */
  private async splitAndFetch<T>(from: number, to: number, levels: number, result: EventsResult, fetchRange: (f: number, t: number) => Promise<T[]>): Promise<T[]> {
    const n = 2 ** levels;
    const bounds = new Set<number>();
    for (let i = 0; i <= n; i++) bounds.add(from + Math.floor(((to - from) * i) / n));
    const b = [...bounds].sort((x, y) => x - y);
    result.splits += b.length - 2;
    const parts = await Promise.all(b.slice(0, -1).map((start, i) => fetchRange(start, b[i + 1]!)));
    return parts.flat();
  }

  /** Stats of [fromTs, toTs): one report hour, or the part of it the window reaches (rules §4). */
  async fetchStats(fromTs: number, toTs: number, ctx: CallContext): Promise<StatsResult> {
    const json = await this.getJson('stats', `${STATS_PATH}?startDate=${fromTs}&endDate=${toTs}`, fromTs, toTs, ctx, (j) =>
      Array.isArray(j) ? j.length : j !== null && typeof j === 'object' ? Object.keys(j).length : 0,
    );
    const normal = normalizeStats(json);
    // values the database would refuse are rejected here, not fatal to the window
    const valid = validateStats(normal.stats, fromTs, toTs);
    return { stats: valid.stats, rejected: [...normal.rejected, ...valid.rejected] };
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}

/** The client for the configured upstream (API_BASE etc.); `overrides` for tests and the simulator. */
export function upstreamFromConfig(cfg: Config, overrides: Partial<UpstreamOptions> = {}): Upstream {
  if (cfg.apiBase === undefined && overrides.baseUrl === undefined) throw new Error('API_BASE is not set and no simulator URL was given');
  return new Upstream({
    baseUrl: cfg.apiBase ?? '',
    tenant: cfg.tenant,
    username: cfg.apiUsername,
    password: cfg.apiPassword,
    accountId: cfg.accountId,
    pageSize: cfg.apiPageSize,
    http: { callTimeoutMs: cfg.upstreamCallTimeoutS * 1000, maxBodyBytes: cfg.upstreamMaxBodyMb * 1024 * 1024 },
    windowTimeoutMs: cfg.upstreamWindowTimeoutS * 1000,
    ...overrides,
  });
}
