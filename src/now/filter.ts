// Which agents a Now request looks at (SPEC §8, §9): one object, handed to every Now query
// (breaks, live state, the metrics). Today it carries the `ext` list; a team or a token's
// scope narrows it to the allowed extensions before it gets here.
import type { PoolConnection } from 'mysql2/promise';

export interface AgentFilter {
  /** Only these extensions; undefined = every agent. */
  exts: string[] | undefined;
}

export const ALL_AGENTS: AgentFilter = { exts: undefined };

/**
 * Puts the filter's extensions in the session's temporary table apr_tmp_now_exts, which
 * sp_agent_breaks and sp_agent_live read when scoped. Returns whether they are scoped.
 */
export async function applyAgentFilter(conn: PoolConnection, filter: AgentFilter): Promise<boolean> {
  await conn.query('DROP TEMPORARY TABLE IF EXISTS apr_tmp_now_exts');
  await conn.query(
    'CREATE TEMPORARY TABLE apr_tmp_now_exts (ext VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL PRIMARY KEY) ENGINE=MEMORY',
  );
  if (filter.exts === undefined) return false;
  if (filter.exts.length > 0) await conn.query('INSERT IGNORE INTO apr_tmp_now_exts (ext) VALUES ?', [filter.exts.map((e) => [e])]);
  return true;
}
