// Names of the database's GET_LOCK locks, the same as db/procedures/fn_lock_name.sql
// gives: a short prefix, a hash of the database name, the purpose. Always within MySQL's
// 64 characters, whatever the database is called.
import { createHash } from 'node:crypto';

/** What a lock is for; the longest fits the SQL function's 43 characters. */
export type LockPurpose = 'load' | 'aggregate' | 'migrate';

export function lockName(database: string, purpose: LockPurpose): string {
  return `apr:${createHash('sha256').update(database, 'utf8').digest('hex').slice(0, 16)}:${purpose}`;
}
