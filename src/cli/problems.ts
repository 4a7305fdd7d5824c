// Failures an operator fixes outside the code: the database or the upstream cannot be
// used. Each becomes one line naming the variable or the command that fixes it.
import { databaseName } from '../config.ts';
import { unreachableCode } from '../db/unreachable.ts';

function where(databaseUrl: string): string {
  const u = new URL(databaseUrl);
  return `${u.hostname}:${u.port || 3306}`;
}

/** One line for a database error an operator must fix, or undefined for any other error. */
export function databaseProblem(err: unknown, databaseUrl: string, variable = 'DATABASE_URL'): string | undefined {
  const e = err as { code?: string; errno?: number; message?: string; cause?: { code?: string } };
  const code = e?.code ?? e?.cause?.code;
  if (code === undefined) return undefined;
  if (unreachableCode(err) !== undefined) {
    return `the database at ${where(databaseUrl)} cannot be reached (${code}): start MySQL/MariaDB there, or point ${variable} at it`;
  }
  if (code === 'ER_ACCESS_DENIED_ERROR' || code === 'ER_DBACCESS_DENIED_ERROR' || code === 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR') {
    return `the database at ${where(databaseUrl)} refused the login of user ${JSON.stringify(decodeURIComponent(new URL(databaseUrl).username))} (${code}): fix the user or password in ${variable}`;
  }
  if (code === 'ER_BAD_DB_ERROR') {
    return `the database ${databaseName(databaseUrl)} does not exist on ${where(databaseUrl)}: run npm run migrate (it creates it), or fix ${variable}`;
  }
  if (code === 'ER_NO_SUCH_TABLE' || code === 'ER_SP_DOES_NOT_EXIST') {
    return `the database ${databaseName(databaseUrl)} is not migrated (${code}): run npm run migrate`;
  }
  if (code === 'ER_FAILED_READ_FROM_PAR_FILE') {
    // MariaDB 10.11 does not always recover a partitioned table whose change (ALTER TABLE)
    // was cut short by a crash: its .par file is gone and the table cannot be opened
    return (
      `a partitioned table (agent_events or users_calls) of ${databaseName(databaseUrl)} cannot be opened (${code}): the server stopped in the middle of changing it and did not recover it; ` +
      'restore the database from a backup, or, if nothing was loaded into it yet, drop it and run npm run migrate'
    );
  }
  return undefined;
}
