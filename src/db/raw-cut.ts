// The retention cut (fn_raw_cut): raw data before it was pruned, so the hours before it
// keep their rows and are never recomputed. Read by the pruner that moves it, the
// backfill that refuses a range before it, and migrate that refuses to rebuild under it.
import { one, type Db } from './query.ts';

/** The cut in force, epoch seconds: raw data before it was pruned (0: never). */
export async function readCut(db: Db): Promise<number> {
  return Number((await one<{ cut: number }>(db, 'SELECT fn_raw_cut() AS cut'))?.cut ?? 0);
}
