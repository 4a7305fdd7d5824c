// Raw-data retention (RAW_RETENTION_DAYS; npm run prune, and the collector once a day):
// raw events and stats older than the cut are deleted, a day at a time; the report's rows
// (agent_activity, agent_slot_activity, agent_reason_activity) and the loaded windows stay,
// so reports over pruned days read as before. The cut is a local midnight of REPORT_TZ,
// never past the data horizon. Before anything is deleted: every pending hour is
// aggregated (the rows before the cut are final), the state at the cut is written as a
// complete checkpoint (the hours after it carry on from there: fn_raw_cut), and the cut is
// recorded, so the transform refuses to recompute hours before it. The not-available
// events that the checkpoint's reasons point at are kept. Interrupted, a second run
// finishes the deletes.
import { DateTime } from 'luxon';
import type { Pool } from 'mysql2/promise';
import type { Logger } from '../log.ts';
import { one } from '../db/query.ts';
import { readSetting, writeSetting } from '../db/settings.ts';
import { readCut } from '../db/raw-cut.ts';
import { aggregatePending, aggregateRange } from '../ingest/aggregate.ts';
import { readHorizon } from '../db/horizon.ts';
import { isoUtc } from '../time.ts';
import { dropPartitions, partitionsBefore, type PartitionedTable } from '../db/partitions.ts';

const DAY = 86400;

export interface PruneResult {
  /** The cut in force after the run (0: nothing pruned ever). */
  cut: number;
  /** True when this run moved the cut. */
  moved: boolean;
  events: number;
  stats: number;
  rejected: number;
  seconds: number;
}

/**
 * Where raw data `days` days old ends: the first report hour of the local day `days` days
 * before today, or the start of the hour holding the horizon if that is earlier (nothing
 * not yet loaded and aggregated is cut). Null when nothing is loaded.
 */
export async function retentionCut(pool: Pool, reportTz: string, days: number, nowSeconds: number): Promise<number | null> {
  const horizon = await readHorizon(pool);
  if (horizon === null) return null;
  const day = DateTime.fromSeconds(nowSeconds, { zone: reportTz }).startOf('day').minus({ days }).toFormat('yyyy-MM-dd HH:mm:ss');
  const r = await one<{ by_age: number | null; by_horizon: number | null }>(
    pool,
    `SELECT (SELECT MIN(hour_start) FROM report_hours WHERE local_start >= ?) AS by_age,
            (SELECT MAX(hour_start) FROM report_hours WHERE hour_start <= ?) AS by_horizon`,
    [day, horizon],
  );
  if (r?.by_age == null || r.by_horizon == null) return null;
  return Math.min(Number(r.by_age), Number(r.by_horizon));
}

/** The local date of the last prune (apr_settings), to run it once a day. */
export async function prunedOn(pool: Pool): Promise<string | null> {
  return (await readSetting(pool, 'raw_pruned_on')) ?? null;
}

/** Whether a collector run should prune: RAW_RETENTION_DAYS is set and today has no prune yet. */
export async function pruneDue(pool: Pool, reportTz: string, days: number | undefined, nowSeconds: number): Promise<boolean> {
  if (days === undefined) return false;
  return (await prunedOn(pool)) !== DateTime.fromSeconds(nowSeconds, { zone: reportTz }).toISODate();
}

/** Makes the cut `cut` the one in force: final rows before it, a complete checkpoint at it. */
async function moveCut(pool: Pool, cut: number, log: Logger): Promise<void> {
  await aggregatePending(pool, log);
  // the hour starting at the cut, all agents: writes and marks the checkpoint at the cut
  await aggregateRange(pool, cut, cut + 1);
  const r = await one<{ inside: number; marked: number }>(
    pool,
    `SELECT EXISTS (SELECT 1 FROM vw_loaded_stretches WHERE s_from < ? AND s_to > ?) AS inside,
            EXISTS (SELECT 1 FROM agent_state_marks WHERE at_ts = ?) AS marked`,
    [cut, cut, cut],
  );
  // Outside loaded time nothing is carried across the cut, so no checkpoint is needed.
  if (Number(r?.inside) === 1 && Number(r?.marked) !== 1) {
    throw new Error(`prune: the state at ${isoUtc(cut)} could not be checkpointed; nothing was deleted. Run npm run backfill over the last days, then prune again`);
  }
  await writeSetting(pool, 'raw_cut', String(cut));
}

/**
 * Drops the partitions of `table` wholly before the cut (but those of agent_events that
 * hold a not-available event the checkpoint at the cut names); returns the rows they held.
 * A drop that cannot run now leaves the rows to the deletes that follow.
 */
async function dropWholeDays(pool: Pool, table: PartitionedTable, cut: number, reportTz: string, log: Logger): Promise<number> {
  const column = table === 'agent_events' ? 'ts' : 'slot_start';
  const doomed: { name: string; rows: number }[] = [];
  for (const p of await partitionsBefore(pool, table, cut)) {
    const lo = p.lo ?? Number.MIN_SAFE_INTEGER;
    if (table === 'agent_events') {
      const named = await one(pool, 'SELECT 1 AS k FROM agent_state_checkpoints WHERE at_ts = ? AND na_ts >= ? AND na_ts < ? LIMIT 1', [cut, lo, p.hi]);
      if (named !== undefined) continue;
    }
    const r = await one<{ n: number }>(pool, `SELECT COUNT(*) AS n FROM ${table} WHERE ${column} >= ? AND ${column} < ?`, [lo, p.hi]);
    doomed.push({ name: p.name, rows: Number(r?.n ?? 0) });
  }
  if (doomed.length === 0) return 0;
  try {
    await dropPartitions(pool, table, doomed.map((d) => d.name));
  } catch (err) {
    log.warn('prune: partitions not dropped now; their rows are deleted instead', { table, error: (err as Error).message });
    return 0;
  }
  const rows = doomed.reduce((n, d) => n + d.rows, 0);
  log.info('pruned whole days', { table, partitions: doomed.length, rows, before: DateTime.fromSeconds(cut, { zone: reportTz }).toFormat('yyyy-MM-dd HH:mm') });
  return rows;
}

/** Deletes what lies before the cut: whole days' partitions, then the rest a day at a time; returns the rows deleted per table. */
async function deleteBefore(pool: Pool, cut: number, reportTz: string, log: Logger, signal?: AbortSignal): Promise<Omit<PruneResult, 'cut' | 'moved' | 'seconds'>> {
  const done = { events: await dropWholeDays(pool, 'agent_events', cut, reportTz, log), stats: await dropWholeDays(pool, 'users_calls', cut, reportTz, log), rejected: 0 };
  const first = async (sql: string, from: number): Promise<number | null> => {
    const r = await one<{ lo: number | null }>(pool, sql, [from, cut]);
    return r?.lo == null ? null : Number(r.lo);
  };
  const firstDay = async (from: number) => {
    const e = await first('SELECT MIN(ts) AS lo FROM agent_events WHERE ts >= ? AND ts < ?', from);
    const s = await first('SELECT MIN(slot_start) AS lo FROM users_calls WHERE slot_start >= ? AND slot_start < ?', from);
    return e === null ? s : s === null ? e : Math.min(e, s);
  };
  for (let at = await firstDay(0); at !== null; at = await firstDay(Math.min(at + DAY, cut))) {
    signal?.throwIfAborted();
    const to = Math.min(at + DAY, cut);
    // (the not-available events the checkpoint at the cut names keep its reasons)
    const [ev] = await pool.query(
      `DELETE e FROM agent_events e
       LEFT JOIN agent_state_checkpoints k ON k.at_ts = ? AND k.ext = e.ext AND k.na_ts = e.ts AND k.na_seq = e.seq
       WHERE e.ts >= ? AND e.ts < ? AND k.ext IS NULL`,
      [cut, at, to],
    );
    const [st] = await pool.query('DELETE FROM users_calls WHERE slot_start >= ? AND slot_start < ?', [at, to]);
    const events = (ev as { affectedRows: number }).affectedRows;
    const stats = (st as { affectedRows: number }).affectedRows;
    done.events += events;
    done.stats += stats;
    if (events + stats > 0) {
      log.info('pruned', { from: DateTime.fromSeconds(at, { zone: reportTz }).toFormat('yyyy-MM-dd HH:mm'), to: DateTime.fromSeconds(to, { zone: reportTz }).toFormat('yyyy-MM-dd HH:mm'), events, stats });
    }
  }
  const [rej] = await pool.query('DELETE FROM rejected_records WHERE to_ts <= ?', [cut]);
  done.rejected = (rej as { affectedRows: number }).affectedRows;
  // checkpoints before the cut are never read again (nothing before it is recomputed)
  await pool.query('DELETE FROM agent_state_checkpoints WHERE at_ts < ?', [cut]);
  await pool.query('DELETE FROM agent_state_marks WHERE at_ts < ?', [cut]);
  return done;
}

/**
 * Prunes raw data older than `days` days (see the top of this file). The caller holds the
 * load lock (no window loads meanwhile). `nowSeconds` defaults to the clock.
 */
export async function pruneRaw(
  pool: Pool,
  opts: { reportTz: string; days: number; log: Logger; nowSeconds?: number; signal?: AbortSignal },
): Promise<PruneResult> {
  const started = Date.now();
  const now = opts.nowSeconds ?? Math.floor(Date.now() / 1000);
  const previous = await readCut(pool);
  const wanted = await retentionCut(pool, opts.reportTz, opts.days, now);
  const moved = wanted !== null && wanted > previous;
  if (moved) await moveCut(pool, wanted, opts.log);
  const cut = moved ? wanted : previous;
  const deleted = cut > 0 ? await deleteBefore(pool, cut, opts.reportTz, opts.log, opts.signal) : { events: 0, stats: 0, rejected: 0 };
  await writeSetting(pool, 'raw_pruned_on', DateTime.fromSeconds(now, { zone: opts.reportTz }).toISODate()!);
  const result = { cut, moved, ...deleted, seconds: Number(((Date.now() - started) / 1000).toFixed(1)) };
  opts.log.info('prune done', {
    cut: cut > 0 ? DateTime.fromSeconds(cut, { zone: opts.reportTz }).toFormat('yyyy-MM-dd HH:mm') : 'none',
    moved,
    events: result.events,
    stats: result.stats,
    rejected: result.rejected,
    seconds: result.seconds,
  });
  return result;
}
