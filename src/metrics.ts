// The service's Prometheus metrics (prom-client), defined once here and moved by the
// layers that do the work: upstream calls, windows, runs, aggregation, report requests.
// GET /metrics (src/http/metrics-route.ts) serves them with the gauges read at scrape
// time. One registry per process; names follow Prometheus conventions (_total, _seconds).
import { createRequire } from 'node:module';
import type * as PromClient from 'prom-client';

// prom-client's index loads everything it has (the default process metrics with their
// perf hooks, the cluster aggregator, the push gateway): about a tenth of a second of
// every command's start-up, a backfill's or a report's too, which serve no /metrics. The
// four classes used here are loaded from their own files (the same modules the index
// re-exports), and the process metrics only where /metrics is served.
const require = createRequire(import.meta.url);
const Registry = require('prom-client/lib/registry') as typeof PromClient.Registry;
const Counter = require('prom-client/lib/counter') as typeof PromClient.Counter;
const Gauge = require('prom-client/lib/gauge') as typeof PromClient.Gauge;
const Histogram = require('prom-client/lib/histogram') as typeof PromClient.Histogram;

export const registry = new Registry();

let processMetrics = false;

/** Adds the process's own metrics (CPU, memory, event loop, GC) to the registry, once: call it where /metrics is served. */
export function collectProcessMetrics(): void {
  if (processMetrics) return;
  processMetrics = true;
  const collectDefaultMetrics = require('prom-client/lib/defaultMetrics') as typeof PromClient.collectDefaultMetrics;
  collectDefaultMetrics({ register: registry });
}

export const collectorRuns = new Counter({
  name: 'apr_collector_runs_total',
  help: 'Collector and backfill runs, by kind (collector, backfill) and outcome (ok, failed, skipped, stopped)',
  labelNames: ['kind', 'outcome'] as const,
  registers: [registry],
});

export const windowsLoaded = new Counter({
  name: 'apr_windows_loaded_total',
  help: 'Windows loaded (fetched and committed in one transaction), by source',
  labelNames: ['source'] as const,
  registers: [registry],
});

export const windowsFailed = new Counter({
  name: 'apr_windows_failed_total',
  help: 'Windows that failed (rolled back; the horizon waits), by source',
  labelNames: ['source'] as const,
  registers: [registry],
});

export const eventsLoaded = new Counter({
  name: 'apr_events_loaded_total',
  help: 'Agent events in loaded windows (re-read events included)',
  registers: [registry],
});

export const recordsRejected = new Counter({
  name: 'apr_records_rejected_total',
  help: 'Upstream records rejected as malformed (see rejected_records), in loaded windows',
  registers: [registry],
});

export const upstreamRequests = new Counter({
  name: 'apr_upstream_requests_total',
  help: 'Upstream call attempts, by endpoint (login, events, stats) and status (HTTP status, or the network error code)',
  labelNames: ['endpoint', 'status'] as const,
  registers: [registry],
});

export const upstreamDuration = new Histogram({
  name: 'apr_upstream_request_duration_seconds',
  help: 'Upstream call attempts: time to the full response or the failure, by endpoint',
  labelNames: ['endpoint'] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
  registers: [registry],
});

export const upstreamRetries = new Counter({
  name: 'apr_upstream_retries_total',
  help: 'Upstream calls retried after a transient failure, by endpoint',
  labelNames: ['endpoint'] as const,
  registers: [registry],
});

export const aggregationSeconds = new Histogram({
  name: 'apr_aggregation_duration_seconds',
  help: 'Time in the SQL transform (sp_aggregate_epoch_range), per call of up to a day of report hours',
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
  registers: [registry],
});

export const reportRequests = new Counter({
  name: 'apr_report_requests_total',
  help: 'GET /api/report requests, by HTTP status and format',
  labelNames: ['status', 'format'] as const,
  registers: [registry],
});

export const reportDuration = new Histogram({
  name: 'apr_report_request_duration_seconds',
  help: 'GET /api/report: time until the last byte was sent, by format',
  labelNames: ['format'] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  registers: [registry],
});

export const scheduleDeliveries = new Counter({
  name: 'apr_schedule_deliveries_total',
  help: 'Scheduled report deliveries, by destination (email, folder, webhook) and outcome (sent, failed after its retries)',
  labelNames: ['destination', 'outcome'] as const,
  registers: [registry],
});

/** Gauges whose values are read when scraped (the horizon lives in the database). */
export const horizonGauge = new Gauge({
  name: 'apr_data_horizon_timestamp_seconds',
  help: 'The data horizon: data is loaded up to this instant (Unix seconds); absent before the first load',
  registers: [registry],
});

export const lagGauge = new Gauge({
  name: 'apr_data_lag_seconds',
  help: 'Now minus the data horizon, seconds: alert when this grows (the collector runs every 10 minutes)',
  registers: [registry],
});

export const failingWindowGauge = new Gauge({
  name: 'apr_window_failing_seconds',
  help: 'A window that failed while later ones loaded (a gap the collector retries on every run), by its UTC bounds: seconds since it first failed',
  labelNames: ['from', 'to'] as const,
  registers: [registry],
});

export const reportStreamsRefused = new Counter({
  name: 'apr_report_streams_refused_total',
  help: 'Report requests refused with 503, by reason (limit: every REPORT_MAX_STREAMS slot was taken; client: the caller held REPORT_MAX_STREAMS_PER_CLIENT already)',
  labelNames: ['reason'] as const,
  registers: [registry],
});

export const reportStreamsCut = new Counter({
  name: 'apr_report_streams_cut_total',
  help: 'Report streams cut before their end, by reason (idle: the client took no bytes for REPORT_IDLE_TIMEOUT_S; slow: it took fewer than REPORT_MIN_BYTES_PER_S over that time; gone: its connection closed; shutdown)',
  labelNames: ['reason'] as const,
  registers: [registry],
});

export const poolGauge = new Gauge({
  name: 'apr_db_pool_connections',
  help: 'Database pool connections, by state (in_use, idle) and the limit',
  labelNames: ['state'] as const,
  registers: [registry],
});

/** The live state (rules §10), read when scraped: for alerts on overrunning breaks and stale data. */
export const agentsInStateGauge = new Gauge({
  name: 'apr_agents_in_state',
  help: 'Agents listed by the live state (GET /api/live), by state at the data horizon',
  labelNames: ['state'] as const,
  registers: [registry],
});

export const agentsOverBreakLimitGauge = new Gauge({
  name: 'apr_agents_over_break_limit',
  help: 'Agents whose current break has lasted longer than its category\'s limit (break_limits), at the data horizon',
  registers: [registry],
});

export const dataAgeGauge = new Gauge({
  name: 'apr_data_age_seconds',
  help: 'Now minus the data horizon, seconds, as GET /api/live reports it (age_seconds); absent before the first load',
  registers: [registry],
});

export const scheduleLastOutcome = new Gauge({
  name: 'apr_schedule_last_run_outcome',
  help: 'The last run of each scheduled report: 1 for its outcome (running, ok, failed), read from schedule_runs when scraped',
  labelNames: ['schedule', 'outcome'] as const,
  registers: [registry],
});

export const scheduleLastRunTime = new Gauge({
  name: 'apr_schedule_last_run_timestamp_seconds',
  help: 'When the last run of each scheduled report started (Unix seconds)',
  labelNames: ['schedule'] as const,
  registers: [registry],
});

/** "503", or the error code in a failed attempt's message ("ECONNREFUSED"), or "error". */
export function statusLabel(status: number | null, error: string | null): string {
  if (status !== null) return String(status);
  const code = error === null ? undefined : /\b(E[A-Z]{3,}|UND_ERR_[A-Z_]+)\b/.exec(error)?.[1];
  return code ?? 'error';
}

export const replicaLagGauge = new Gauge({
  name: 'apr_replica_lag_seconds',
  help: 'Seconds the replica of REPORT_DATABASE_URL is behind its primary (Seconds_Behind_Master); NaN when the server does not say',
  registers: [registry],
});

export const replicatingGauge = new Gauge({
  name: 'apr_replica_replicating',
  help: '1 when the replica of REPORT_DATABASE_URL receives and applies its primary\'s changes, 0 when a thread stopped; NaN when unknown (no replica, no privilege)',
  registers: [registry],
});
