// GET /healthz on a connection of its own: reports and status share a pool, and a check
// that waited behind them for a connection would call a busy but healthy database
// unreachable (and a load balancer would restart a healthy service). Concurrent checks
// share one ping; a connection that failed is dropped and opened again on the next check.
import type { Connection } from 'mysql2/promise';
import { connect } from '../db/pool.ts';

type Reach = 'ok' | 'unreachable';

/** The database did not answer within the probe's timeout. */
class NoAnswer extends Error {}

/** `databases`, when this process needs more than one: each by the variable that names it. */
export type Health = (
  | { status: 'ok'; database: 'ok' }
  | { status: 'degraded'; database: 'ok'; reason: string }
  | { status: 'unavailable'; database: 'unreachable'; reason: string }
) & { databases?: Record<string, Reach> };

export class HealthProbe {
  private conn: Connection | null = null;
  private inFlight: Promise<void> | null = null;

  constructor(
    private readonly databaseUrl: string,
    private readonly timeoutMs = 3000,
  ) {}

  /** Resolves when the database answers within the timeout; rejects otherwise. */
  ping(): Promise<void> {
    this.inFlight ??= this.pingOnce().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async pingOnce(): Promise<void> {
    await this.answered(async () => {
      if (this.conn === null) {
        const conn = await connect(this.databaseUrl, { connectTimeout: this.timeoutMs });
        // An idle connection the server closed reports it here; the next check reconnects.
        conn.on('error', () => {
          if (this.conn === conn) this.drop();
        });
        this.conn = conn;
      }
      await this.conn.query('SELECT 1');
    });
  }

  /**
   * `work`'s result when the database answers within the timeout; otherwise the connection
   * is dropped and it rejects with NoAnswer. Every read of a check goes through here: a
   * server that stops right after answering the ping (hung, or its network silent) would
   * otherwise hold the check, and /healthz, forever.
   */
  private async answered<T>(work: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new NoAnswer(`the database did not answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    const attempt = work();
    try {
      return await Promise.race([attempt, timeout]);
    } catch (err) {
      attempt.catch(() => {});
      this.drop();
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  private drop(): void {
    this.conn?.destroy();
    this.conn = null;
  }

  /**
   * Why loading is degraded: a window that has failed on every run for over an hour (the
   * collector loads later ones, and retries it on every run). Undefined when none has.
   */
  async failingTooLong(): Promise<string | undefined> {
    const conn = this.conn;
    if (conn === null) return undefined;
    const [rows] = await this.answered(() =>
      conn.query('SELECT from_ts, to_ts, failures, COUNT(*) OVER () AS n FROM failing_windows WHERE first_failed_at < NOW(3) - INTERVAL 1 HOUR ORDER BY from_ts LIMIT 1'),
    );
    const w = (rows as { from_ts: number; to_ts: number; failures: number; n: number }[])[0];
    if (w === undefined) return undefined;
    const iso = (ts: number) => new Date(Number(ts) * 1000).toISOString().replace('.000Z', 'Z');
    return `${w.n} window(s) failing for over an hour of collector runs, the first [${iso(w.from_ts)}, ${iso(w.to_ts)}) (${w.failures} failures): see /api/status failingWindows`;
  }

  close(): void {
    this.drop();
  }
}

/**
 * /healthz over every database this process needs, each on its probe, pinged together:
 * the answer comes within one probe's timeout however many there are.
 */
export class HealthChecks {
  constructor(private readonly probes: { variable: string; probe: HealthProbe }[]) {}

  /**
   * Unavailable when any needed database does not answer (the error itself, which may
   * name hosts, goes to `onError` for the log); degraded with the reason under load.
   */
  async check(pressure: () => string | undefined, onError: (variable: string, err: Error) => void): Promise<Health> {
    const reach: Record<string, Reach> = Object.fromEntries(
      await Promise.all(
        this.probes.map(({ variable, probe }) =>
          probe.ping().then(
            () => [variable, 'ok'] as const,
            (err: Error) => {
              onError(variable, err);
              return [variable, 'unreachable'] as const;
            },
          ),
        ),
      ),
    );
    const databases = this.probes.length > 1 ? { databases: reach } : {};
    const unavailable = (): Health => {
      const down = Object.keys(reach).filter((v) => reach[v] === 'unreachable');
      const reason = `the database of ${down.join(' and ')} does not answer; the server log has the details`;
      return { status: 'unavailable', database: 'unreachable', reason, ...databases };
    };
    if (Object.values(reach).includes('unreachable')) return unavailable();
    let reason = pressure();
    const first = this.probes[0];
    if (reason === undefined && first !== undefined) {
      try {
        reason = await first.probe.failingTooLong();
      } catch (err) {
        // (a database migrated before failing_windows existed has none: not a failure)
        if (!(err instanceof NoAnswer)) return { status: 'ok', database: 'ok', ...databases };
        onError(first.variable, err);
        reach[first.variable] = 'unreachable';
        return unavailable();
      }
    }
    return reason === undefined ? { status: 'ok', database: 'ok', ...databases } : { status: 'degraded', database: 'ok', reason, ...databases };
  }

  /** Rejects when any needed database does not answer (a report's watch while it streams). */
  async ping(): Promise<void> {
    await Promise.all(this.probes.map(({ probe }) => probe.ping()));
  }

  close(): void {
    for (const { probe } of this.probes) probe.close();
  }
}
