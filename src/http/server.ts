// The HTTP(S) server: GET /api/report, GET /api/status, GET /metrics, GET /healthz.
// node:http / node:https only. Order per request: path (404), token (401, before any
// parameter is read), method (405), then the handler.
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { readFileSync } from 'node:fs';
import type { AddressInfo, Socket } from 'node:net';
import type { Pool } from 'mysql2/promise';
import type { Config } from '../config.ts';
import type { Context, ServerHooks } from './context.ts';
import type { Logger } from '../log.ts';
import { Auth, isLoopbackHost, refusalReason } from './auth.ts';
import type { Access } from './auth.ts';
import { TokenStore, usableTokenCount } from '../access/token-store.ts';
import { handleWhoami } from './whoami-route.ts';
import { logWhenDone } from './access-log.ts';
import type { RequestInfo } from './access-log.ts';
import { sendError, sendJson } from './respond.ts';
import { handleReport } from './report-route.ts';
import { readStatus } from './status.ts';
import { scheduledReportsStatus } from '../schedules/status.ts';
import { handleMetrics, observeReport } from './metrics-route.ts';
import { pageRoutes } from './page-route.ts';
import { handleTimeline } from './timeline-route.ts';
import { handleIntervals } from './intervals-route.ts';
import { handleBreaks, handleLive } from './now-routes.ts';
import { ReportStreams } from './report-stream.ts';
import { HealthChecks, HealthProbe } from './health.ts';
import { COLLECT_CRON_OFF } from '../config.ts';
import { inSnapshot, openReaders, readPoolSize, type Readers } from '../db/readers.ts';
import { readReplication } from '../db/replication.ts';
import { unreachableCode } from '../db/unreachable.ts';
import { answerClientError } from './client-error.ts';

interface Route {
  /** Whether the token is required (when tokens are configured). */
  protected: boolean;
  /** `access`: the caller and its scope (full access on unprotected routes and without tokens). */
  handle(ctx: Context, req: IncomingMessage, res: ServerResponse, url: URL, info: RequestInfo, access: Access): Promise<void>;
}

/** Paths that also answer HEAD (monitors use it); Node sends their headers without the body. */
const HEAD_PATHS = new Set(['/', '/healthz']);

/**
 * Connections at once: each is a file descriptor, and ~20,000 silent ones exhausted the
 * process's, so that /healthz, reports and the collector's own sockets (database,
 * upstream) failed. Under a default limit of 1,024 descriptors this leaves room for those.
 */
export const MAX_CONNECTIONS = 512;
/**
 * A connection that sends nothing, or not whole headers, for this long is closed (Node
 * kept a silent one about 300 s). Once a request has arrived, the report's own limits apply.
 */
const HEADERS_TIMEOUT_MS = 10_000;

const INTERNAL = 'internal error: the request could not be completed; the server log has the details';

const routes: Record<string, Route> = {
  // Liveness and database reachability: no agent data, so no token. Degraded (still 200)
  // when reports are at their limit; 503 only when the database does not answer.
  '/healthz': {
    protected: false,
    async handle(ctx, _req, res) {
      const health = await ctx.health.check(
        () => ctx.streams.pressure(),
        (variable, err) => ctx.log.warn('health check: database unreachable', { database: variable, error: err.message }),
      );
      sendJson(res, health.status === 'unavailable' ? 503 : 200, health);
    },
  },
  // Operational detail (runs, their messages, gaps): behind the token like the report.
  '/api/status': {
    protected: true,
    async handle(ctx, _req, res) {
      // every figure from one moment of the server that answers reports, and its replication state
      const status = await inSnapshot(ctx.readPool, async (conn) => ({
        ...(await readStatus(conn, Date.now(), ctx.hooks.nextCollectorRun?.() ?? null)),
        replica: await readReplication(conn, ctx.readers.replica),
        scheduledReports: await scheduledReportsStatus(conn, ctx.hooks.nextScheduledReports?.() ?? []),
      }));
      sendJson(res, 200, status);
    },
  },
  // Prometheus scrape: operational detail, so behind the token like /api/status; counts
  // over every agent, so for full-access tokens only.
  '/metrics': {
    protected: true,
    async handle(ctx, _req, res, _url, _info, access) {
      if (!access.scope.full) {
        sendError(res, 403, '/metrics counts every team: it needs a full-access token (REPORT_API_TOKENS, or npm run tokens -- add NAME without --team)');
        return;
      }
      await handleMetrics(ctx.readPool, ctx.cfg.reportTz, res, ctx.readers.replica);
    },
  },
  '/api/report': {
    protected: true,
    handle: (ctx, req, res, url, info, access) => handleReport(ctx, req, res, url, info, access),
  },
  '/api/breaks': {
    protected: true,
    handle: (ctx, req, res, url, info, access) => handleBreaks(ctx, req, res, url, info, access),
  },
  '/api/live': {
    protected: true,
    handle: (ctx, req, res, url, _info, access) => handleLive(ctx, req, res, url, access),
  },
  '/api/timeline': {
    protected: true,
    handle: (ctx, req, res, url, _info, access) => handleTimeline(ctx, req, res, url, access),
  },
  // The caller's token name and scope, for the page once signed in.
  '/api/whoami': {
    protected: true,
    handle: (ctx, _req, res, _url, _info, access) => handleWhoami(ctx, res, access),
  },
  '/api/intervals': {
    protected: true,
    handle: (ctx, req, res, url, _info, access) => handleIntervals(ctx, req, res, url, access),
  },
  // the page and its assets: no agent data, no token
  ...pageRoutes(),
};

// Every path served, for the 404's words: the page's own files as one /page/<file>.
const PATHS = [...new Set(Object.keys(routes).map((p) => (p.startsWith('/page/') ? '/page/<file>' : p)))].sort().join(', ');

const UNCHECKED = 'tokens cannot be checked now: the database does not answer; retry in a few seconds';

async function dispatch(ctx: Context, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const info: RequestInfo = {};
  logWhenDone(ctx.log, req, res, info);
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://localhost');
  } catch {
    sendError(res, 400, 'the request target is not a valid URL path');
    return;
  }
  const route = Object.hasOwn(routes, url.pathname) ? routes[url.pathname] : undefined;
  if (route === undefined) {
    sendError(res, 404, `no such path ${JSON.stringify(url.pathname.slice(0, 100))}: the paths are ${PATHS}`);
    return;
  }
  // counted whatever the answer, a refused token included
  if (url.pathname === '/api/report') observeReport(req, res, url);
  let access: Access | null = { name: null, scope: { full: true } };
  if (route.protected) {
    try {
      access = await ctx.auth.identify(req.headers.authorization);
    } catch (err) {
      ctx.log.error('token check failed', { error: (err as Error).message });
      sendError(res, 503, UNCHECKED, { 'Retry-After': '5' });
      return;
    }
  }
  if (access === null) {
    sendError(res, 401, 'a valid token is required: send Authorization: Bearer <token> with one of the tokens in REPORT_API_TOKENS or one made by npm run tokens', {
      'WWW-Authenticate': 'Bearer realm="apr"',
    });
    return;
  }
  if (access.name !== null) info.caller = access.name;
  const head = HEAD_PATHS.has(url.pathname);
  if (req.method !== 'GET' && !(head && req.method === 'HEAD')) {
    sendError(res, 405, `${url.pathname} answers GET only`, { Allow: head ? 'GET, HEAD' : 'GET' });
    return;
  }
  try {
    await route.handle(ctx, req, res, url, info, access);
  } catch (err) {
    // A client that hung up mid-report, or a stream cut (and logged) by the limits, is no
    // server error: the access log marks it aborted.
    const code = (err as { code?: string }).code;
    if (code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ABORT_ERR') return;
    ctx.log.error('request failed', { path: url.pathname, error: (err as Error).message });
    // the database that answers reads is gone: nothing the client got wrong, retry later
    if (!res.headersSent && unreachableCode(err) !== undefined) sendError(res, 503, `the database of ${ctx.readers.variable} does not answer: retry later`, { 'Retry-After': '5' });
    else if (!res.headersSent) sendError(res, 500, INTERNAL);
    else res.destroy(); // mid-stream: cut the body so the client sees it is incomplete
  }
}

function tlsOptions(cfg: Config): { cert: Buffer; key: Buffer } | undefined {
  if (cfg.tlsCertFile === undefined || cfg.tlsKeyFile === undefined) return undefined;
  const read = (name: string, file: string) => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new Error(`${name}=${file} cannot be read (${(err as Error).message}): point it at a PEM file`, { cause: err });
    }
  };
  return { cert: read('TLS_CERT_FILE', cfg.tlsCertFile), key: read('TLS_KEY_FILE', cfg.tlsKeyFile) };
}

/**
 * The databases /healthz checks: the one reports read, and DATABASE_URL too when it is
 * another and this process writes to it (it collects); a report server with
 * COLLECT_CRON=off on a replica does not need the primary to answer.
 */
function neededDatabases(cfg: Config, readers: Readers): { variable: string; probe: HealthProbe }[] {
  const needed = [{ variable: readers.variable, probe: new HealthProbe(readers.url) }];
  if (readers.replica && cfg.collectCron !== COLLECT_CRON_OFF) needed.push({ variable: 'DATABASE_URL', probe: new HealthProbe(cfg.databaseUrl) });
  return needed;
}

function hostForUrl(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

/**
 * `pool` is DATABASE_URL's, sized for reports: without REPORT_DATABASE_URL it serves the
 * reads too; with it, the reads get a pool of the same size on the replica.
 * Starts serving on cfg.host:cfg.port (port 0: any free port; the returned url has the
 * real one). HTTPS when TLS_CERT_FILE and TLS_KEY_FILE are set. Refuses (rejects) a host
 * reachable from other machines when no token is configured.
 */
export async function startHttpServer(cfg: Config, pool: Pool, log: Logger, hooks: ServerHooks = {}): Promise<{ url: string; close(): Promise<void> }> {
  // reads on the replica when REPORT_DATABASE_URL is set, with as many connections as `pool`
  const readers = openReaders(cfg, pool, { connectionLimit: readPoolSize(cfg) });
  const writePool = hooks.writePool ?? pool;
  // A public host without REPORT_API_TOKENS may start when the database holds a token.
  const loopback = isLoopbackHost(cfg.host);
  const dbTokens = cfg.reportApiTokens.length === 0 && !loopback ? await usableTokenCount(readers.pool) : 0;
  const refusal = refusalReason(cfg.host, cfg.reportApiTokens, dbTokens);
  if (refusal !== undefined) {
    await readers.close();
    throw new Error(`the report server will not start: ${refusal}`);
  }
  // token look-ups read where reports do; a token's last use is written to DATABASE_URL
  const store = new TokenStore({
    reader: readers.pool,
    writer: writePool,
    onWriteError: (err) => log.warn("a token's last use could not be recorded", { error: err.message }),
  });
  const auth = new Auth(cfg.reportApiTokens, loopback, store);
  const streams = new ReportStreams(
    {
      maxStreams: cfg.reportMaxStreams,
      maxPerClient: cfg.reportMaxStreamsPerClient,
      idleTimeoutMs: cfg.reportIdleTimeoutS * 1000,
      minBytesPerS: cfg.reportMinBytesPerS,
    },
    log,
  );
  const health = new HealthChecks(neededDatabases(cfg, readers));
  const ctx: Context = { cfg, readPool: readers.pool, writePool, readers, log, hooks, streams, health, auth };
  const tls = tlsOptions(cfg);
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    req.socket.setTimeout(0); // it spoke; a slow report query is not a silent client
    dispatch(ctx, req, res).catch((err: unknown) => {
      log.error('request handler failed', { error: (err as Error).message });
      if (!res.headersSent) sendError(res, 500, INTERNAL);
      else res.destroy();
    });
  };
  const limits = { headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: 5 * HEADERS_TIMEOUT_MS, connectionsCheckingInterval: 1000 };
  const server: Server = tls ? createHttpsServer({ ...tls, ...limits }, onRequest) : createHttpServer(limits, onRequest);
  server.maxConnections = MAX_CONNECTIONS;
  server.on('connection', (socket: Socket) => socket.setTimeout(HEADERS_TIMEOUT_MS, () => socket.destroy()));
  // Requests Node refuses before any handler runs (an over-long URL, a malformed request
  // line) get the same JSON error body and access-log line as the others.
  server.on('clientError', (err: Error, socket) => answerClientError(err, socket, log));
  await new Promise<void>((resolve, reject) => {
    const fail = (err: Error) =>
      reject(new Error(`the report server cannot listen on ${cfg.host}:${cfg.port} (${err.message}): set HOST and PORT to a free local address`, { cause: err }));
    server.once('error', fail);
    server.listen(cfg.port, cfg.host, () => {
      server.off('error', fail);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const url = `${tls ? 'https' : 'http'}://${hostForUrl(addr.address)}:${addr.port}`;
  log.info('report server listening', {
    url,
    tls: tls !== undefined,
    auth: await auth
      .required()
      .then(async (required) => (required ? `${cfg.reportApiTokens.length} token(s) of REPORT_API_TOKENS, ${await store.usable()} of the database` : 'none (loopback only)'))
      .catch(() => 'tokens not read yet (the database did not answer)'),
  });
  let closing: Promise<void> | undefined;
  return {
    url,
    close() {
      closing ??= new Promise<void>((resolve) => {
        // A report can stream for minutes: cut those at once (their clients see an
        // incomplete body); let other requests finish for a few seconds, then cut what is left.
        streams.closeAll('the server is stopping');
        const force = setTimeout(() => server.closeAllConnections(), 5000);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          health.close();
          readers.close().finally(resolve);
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
