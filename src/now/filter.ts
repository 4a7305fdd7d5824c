// Which agents a Now query looks at (rules §9, §10): one object, handed to the SQL of the
// breaks and the live state: the extensions resolveAgents allowed (ext, team, the token's
// scope), or every agent.
import type { PoolConnection } from 'mysql2/promise';

export interface AgentFilter {
  /** Only these extensions; undefined = every agent. */
  exts: string[] | undefined;
}

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
