// /api/status: the gaps between loaded windows (vw_status_gaps), newest first.
import { one, select, type Db } from '../query.ts';

export interface Gaps {
  count: number;
  seconds: number;
  /** The newest `limit`, newest first (epoch seconds). */
  latest: { from: number; to: number }[];
}

export async function readGaps(db: Db, limit = 100): Promise<Gaps> {
  const rows = await select<{ gap_from: number; gap_to: number }>(db, 'SELECT gap_from, gap_to FROM vw_status_gaps ORDER BY gap_from DESC LIMIT ?', [limit]);
  const total = await one<{ n: number; s: number | null }>(db, 'SELECT COUNT(*) AS n, SUM(gap_to - gap_from) AS s FROM vw_status_gaps');
  return {
    count: Number(total?.n ?? 0),
    seconds: Number(total?.s ?? 0),
    latest: rows.map((g) => ({ from: Number(g.gap_from), to: Number(g.gap_to) })),
  };
}
