// Before a collector run or a backfill loads, the days it loads (and, for the collector,
// the days ahead) get their partitions (src/db/partitions.ts). A split that cannot run is
// only a warning: the rows then land in a wider partition, and every figure is the same.
import type { Pool } from 'mysql2/promise';
import type { Logger } from '../log.ts';
import { ensureDayPartitions } from '../db/partitions.ts';

export async function prepareDayPartitions(pool: Pool, reportTz: string, fromTs: number, toTs: number, log: Logger, signal?: AbortSignal): Promise<void> {
  try {
    const created = await ensureDayPartitions(pool, reportTz, fromTs, toTs, signal);
    if (created > 0) log.info('partitions split off', { count: created });
  } catch (err) {
    if (signal?.aborted) return;
    log.warn('partitions not split now; the rows go to a wider partition and the next run tries again', { error: (err as Error).message });
  }
}
