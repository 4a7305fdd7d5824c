// apr_settings, the facts the SQL layer keeps about itself (the zone it was built for, the
// retention cut, the day of the last prune). TypeScript reads, writes and deletes them
// only through these functions; in SQL, fn_raw_cut reads the cut.
import { one, type Db } from './query.ts';

/** The setting's value, or undefined when it was never written. */
export async function readSetting(db: Db, name: string): Promise<string | undefined> {
  return (await one<{ value: string }>(db, 'SELECT value FROM apr_settings WHERE name = ?', [name]))?.value;
}

export async function writeSetting(db: Db, name: string, value: string): Promise<void> {
  await db.query('INSERT INTO apr_settings (name, value) VALUES (?, ?) ON DUPLICATE KEY UPDATE value = VALUES(value)', [name, value]);
}

export async function deleteSettings(db: Db, names: readonly string[]): Promise<void> {
  await db.query('DELETE FROM apr_settings WHERE name IN (?)', [names]);
}
