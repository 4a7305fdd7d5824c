// GET /metrics (Prometheus text format) and the report-request metrics. The gauges that
// live in the database (horizon, lag) and the pool's state are read at scrape time.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Pool } from 'mysql2/promise';
import { failingWindowGauge, horizonGauge, lagGauge, poolGauge, registry, reportDuration, reportRequests } from '../metrics.ts';
import { readHorizon } from '../load/horizon.ts';
import { listFailing } from '../load/failing-windows.ts';
import { isoUtc } from '../report/format.ts';

interface PoolInternals {
  _allConnections?: { length: number };
  _freeConnections?: { length: number };
  config?: { connectionLimit?: number };
}

async function refreshGauges(pool: Pool, nowMs = Date.now()): Promise<void> {
  const horizon = await readHorizon(pool);
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
}

export async function handleMetrics(pool: Pool, res: ServerResponse): Promise<void> {
  await refreshGauges(pool);
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
