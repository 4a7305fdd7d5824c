// GET /metrics (Prometheus text format) and the report-request metrics. The gauges that
// live in the database (horizon, lag) and the pool's state are read at scrape time.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Pool } from 'mysql2/promise';
import {
  agentsInStateGauge,
  agentsOverBreakLimitGauge,
  collectProcessMetrics,
  dataAgeGauge,
  failingWindowGauge,
  horizonGauge,
  lagGauge,
  poolGauge,
  registry,
  replicaLagGauge,
  replicatingGauge,
  reportDuration,
  reportRequests,
} from '../metrics.ts';
import { readLive } from '../now/live.ts';
import { FULL_SCOPE } from '../access/scope.ts';
import { readHorizon } from '../db/horizon.ts';
import { listFailing } from '../db/failing-windows.ts';
import { isoUtc } from '../time.ts';
import { readReplication } from '../db/replication.ts';
import { inSnapshot } from '../db/readers.ts';
import type { Db } from '../db/query.ts';
import { refreshScheduleGauges } from '../schedules/status.ts';

// the process's CPU, memory, event loop and GC, from the moment the server's modules load
collectProcessMetrics();

interface PoolInternals {
  _allConnections?: { length: number };
  _freeConnections?: { length: number };
  config?: { connectionLimit?: number };
}

/**
 * The replica's lag and whether it replicates; NaN where unknown (no replica, a thread
 * stopped, no privilege): a gauge without labels cannot be absent, and 0 would read as
 * "caught up".
 */
async function refreshReplicaGauges(db: Db, replica: boolean): Promise<void> {
  const state = await readReplication(db, replica);
  replicaLagGauge.set(state.lagSeconds ?? NaN);
  replicatingGauge.set(state.replicating === null ? NaN : state.replicating ? 1 : 0);
}

async function refreshGauges(pool: Pool, replica: boolean, nowMs = Date.now()): Promise<void> {
  // (a hung server fails the scrape within seconds: the snapshot's first statements time out)
  const horizon = await inSnapshot(pool, async (conn) => {
    await refreshReplicaGauges(conn, replica);
    return readHorizon(conn);
  });
  if (horizon === null) {
    horizonGauge.reset();
    lagGauge.reset();
  } else {
    horizonGauge.set(horizon);
    lagGauge.set(Math.floor(nowMs / 1000) - horizon);
  }
  failingWindowGauge.reset();
  for (const w of await listFailing(pool)) {
    failingWindowGauge.set({ from: isoUtc(w.fromTs), to: isoUtc(w.toTs) }, Math.floor(nowMs / 1000) - w.firstFailedAt);
  }
  // mysql2 keeps its counts on the inner pool; read defensively, they are not public API
  const inner = (pool as unknown as { pool?: PoolInternals }).pool;
  const all = inner?._allConnections?.length;
  const free = inner?._freeConnections?.length;
  if (all !== undefined && free !== undefined) {
    poolGauge.set({ state: 'in_use' }, all - free);
    poolGauge.set({ state: 'idle' }, free);
  }
  if (inner?.config?.connectionLimit !== undefined) poolGauge.set({ state: 'limit' }, inner.config.connectionLimit);
  await refreshScheduleGauges(pool);
}

/** The live gauges: every agent's state at the horizon, the overruns, the data's age. */
async function refreshLiveGauges(pool: Pool, reportTz: string): Promise<void> {
  const live = await readLive(pool, reportTz, {}, FULL_SCOPE);
  agentsInStateGauge.reset();
  for (const [state, n] of Object.entries(live.counts)) agentsInStateGauge.set({ state }, n);
  agentsOverBreakLimitGauge.set(live.agents.filter((a) => a.over_limit).length);
  if (live.age_seconds === null) dataAgeGauge.reset();
  else dataAgeGauge.set(live.age_seconds);
}

/** `pool`: the readers' (the horizon reports see); `replica`: whether it is REPORT_DATABASE_URL's. */
export async function handleMetrics(pool: Pool, reportTz: string, res: ServerResponse, replica: boolean): Promise<void> {
  await refreshGauges(pool, replica);
  await refreshLiveGauges(pool, reportTz);
  const body = await registry.metrics();
  res.writeHead(200, { 'Content-Type': registry.contentType, 'Cache-Control': 'no-store' });
  res.end(body);
}

/** Counts a report request by status and format, and times it, when its response is done. */
export function observeReport(_req: IncomingMessage, res: ServerResponse, url: URL): void {
  const started = process.hrtime.bigint();
  const format = url.searchParams.get('format') === 'json' ? 'json' : 'csv';
  res.once('close', () => {
    reportRequests.inc({ status: String(res.statusCode), format });
    reportDuration.observe({ format }, Number(process.hrtime.bigint() - started) / 1e9);
  });
}
