// How a collector run gets past a window that cannot load: the window is retried hour by
// hour, the hours that fail are recorded as failing windows (a gap), the others load, and
// the run goes on to later windows. Every run first retries the failing windows.
import type { Pool } from 'mysql2/promise';
import type { Logger } from '../log.ts';
import type { Hour, WindowResult } from './window.ts';
import { splitWindows } from './windows.ts';
import { forgetCovered, forgetFailing, listFailing, recordFailing } from '../db/failing-windows.ts';
import { UpstreamError } from '../upstream/errors.ts';
import { windowGivenUp } from '../upstream/client.ts';
import { isoUtc as iso } from '../time.ts';

/**
 * Whether the failure belongs to what the window holds (a body that is not JSON, a value
 * the database refuses, a bug a record triggers), so later windows may still load. An
 * upstream that is down, slow or refusing the login, or a database that is unreachable,
 * would fail every window alike: the run stops there and the horizon waits, as before.
 */
export function failureOfTheWindow(err: unknown): boolean {
  if (err instanceof UpstreamError) return !err.transient && !windowGivenUp(err) && err.status !== 401 && err.status !== 403 && !err.message.startsWith('login');
  const sqlState = (err as { sqlState?: unknown }).sqlState;
  if (typeof sqlState === 'string') return sqlState.startsWith('22') || sqlState.startsWith('23');
  // network and driver errors carry a code; what is left was thrown by what the window held
  return (err as { code?: unknown }).code === undefined;
}

/** Loads [from, to) with the window's deadline (the collector's own loader). */
export type LoadOne = (fromTs: number, toTs: number) => Promise<WindowResult>;

export interface Isolated {
  loaded: WindowResult[];
  /** Pieces that failed and are now recorded as failing windows, with their errors. */
  failed: { fromTs: number; toTs: number; error: string }[];
}

/**
 * After `first` failed [fromTs, toTs) for what it held: its report hours one by one.
 * Rethrows `first` (or a later failure) when the failure is not the window's own.
 */
export async function loadHourByHour(
  pool: Pool,
  log: Logger,
  load: LoadOne,
  hours: Hour[],
  fromTs: number,
  toTs: number,
  first: unknown,
  scrub: (m: string) => string,
  signal?: AbortSignal,
): Promise<Isolated> {
  if (signal?.aborted || !failureOfTheWindow(first)) throw first;
  const out: Isolated = { loaded: [], failed: [] };
  const pieces = splitWindows(hours, fromTs, toTs, 1);
  for (const [f, t] of pieces) {
    let error: unknown = first;
    if (pieces.length > 1) {
      try {
        out.loaded.push(await load(f, t));
        continue;
      } catch (err) {
        if (signal?.aborted || !failureOfTheWindow(err)) throw err;
        error = err;
      }
    }
    const message = scrub((error as Error).message);
    await recordFailing(pool, f, t, message);
    out.failed.push({ fromTs: f, toTs: t, error: message });
    log.warn('window failed; later windows still load and every run retries it', { from: iso(f), to: iso(t), error: message });
  }
  return out;
}

/** Retries every failing window once; stops at a failure that is not the window's own. */
export async function retryFailing(pool: Pool, log: Logger, load: LoadOne, scrub: (m: string) => string, signal?: AbortSignal): Promise<Isolated> {
  const out: Isolated = { loaded: [], failed: [] };
  await forgetCovered(pool);
  for (const w of await listFailing(pool)) {
    try {
      out.loaded.push(await load(w.fromTs, w.toTs));
      await forgetFailing(pool, w.fromTs);
      log.info('failing window loaded', { from: iso(w.fromTs), to: iso(w.toTs), failures_before: w.failures });
    } catch (err) {
      if (signal?.aborted || !failureOfTheWindow(err)) throw err;
      const message = scrub((err as Error).message);
      await recordFailing(pool, w.fromTs, w.toTs, message);
      out.failed.push({ fromTs: w.fromTs, toTs: w.toTs, error: message });
      log.warn('failing window failed again; every run retries it', { from: iso(w.fromTs), to: iso(w.toTs), failures: w.failures + 1, error: message });
    }
  }
  return out;
}
