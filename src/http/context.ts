// What every route is handed: the configuration, the pools, the logger and the server's
// shared state. Its own module, so the route files and the server that lists them do not
// import each other.
import type { Pool } from 'mysql2/promise';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import type { Readers } from '../db/readers.ts';
import type { Auth } from './auth.ts';
import type { HealthChecks } from './health.ts';
import type { ReportStreams } from './report-stream.ts';

/** What the rest of the process tells the server (for /api/status). */
export interface ServerHooks {
  /** When the collector runs next (null: not scheduled). */
  nextCollectorRun?: () => Date | null;
  /** DATABASE_URL's pool for what a request writes (a database token's last use); default: `pool`. */
  writePool?: Pool;
  /** When each scheduled report runs next in this process ([]: none run here). */
  nextScheduledReports?: () => { name: string; next: Date | null }[];
}

export interface Context {
  cfg: Config;
  /**
   * The pool for every read that answers a user (report, timeline, status, metrics, the
   * page's data, token look-ups): REPORT_DATABASE_URL's when set, else DATABASE_URL's
   * (src/db/readers.ts decides). A route never opens a connection of its own; one that
   * reads several times for one answer does it in one snapshot (inSnapshot).
   */
  readPool: Pool;
  /** DATABASE_URL (the primary): only for what a request must write; never for a user's read. */
  writePool: Pool;
  /** Where readPool points, for status and messages. */
  readers: Readers;
  log: Logger;
  hooks: ServerHooks;
  /** Open report streams: their cap, idle cut and shutdown. */
  streams: ReportStreams;
  health: HealthChecks;
  /** Who a request is (REPORT_API_TOKENS, the database's tokens). */
  auth: Auth;
}
