// The replication state of the server that answers reports (README: Running on several servers): whether it is
// replicating and how far behind its primary it is, from SHOW REPLICA STATUS (MariaDB
// 10.5+, MySQL 8.0.22+) or SHOW SLAVE STATUS (older servers). The statement needs a
// privilege a report user may lack (REPLICATION CLIENT on MySQL, SLAVE MONITOR on MariaDB):
// then the state is unknown, with the reason, and nothing else fails.
import type { Db } from './query.ts';
import { select } from './query.ts';

export interface ReplicationState {
  /** Reports read a replica of their own (REPORT_DATABASE_URL is set). */
  configured: boolean;
  /** Both replication threads run; null when the server does not say. */
  replicating: boolean | null;
  /** Receiving the primary's binary log (the IO thread); null when unknown. */
  receiving: boolean | null;
  /** Applying it (the SQL thread); null when unknown. */
  applying: boolean | null;
  /** Seconds_Behind_Master: null when the server does not say (a thread stopped, not a replica). */
  lagSeconds: number | null;
  /** Why a figure is null, or the replica's last error; null when all is well. */
  reason: string | null;
}

const ER_PARSE_ERROR = 'ER_PARSE_ERROR';
const ER_SPECIFIC_ACCESS_DENIED_ERROR = 'ER_SPECIFIC_ACCESS_DENIED_ERROR';
const ER_ACCESS_DENIED_ERROR = 'ER_ACCESS_DENIED_ERROR';

type StatusRow = Record<string, string | number | null>;

/** The first of `names` the row has (MySQL renamed Slave_* to Replica_*, Master to Source). */
function field(row: StatusRow, ...names: string[]): string | number | null {
  for (const n of names) if (n in row) return row[n] ?? null;
  return null;
}

async function statusRows(db: Db): Promise<StatusRow[]> {
  try {
    return await select<StatusRow>(db, 'SHOW REPLICA STATUS');
  } catch (err) {
    // a server older than the REPLICA words knows only the SLAVE ones
    if ((err as { code?: string }).code !== ER_PARSE_ERROR) throw err;
    return select<StatusRow>(db, 'SHOW SLAVE STATUS');
  }
}

function unknown(configured: boolean, reason: string): ReplicationState {
  return { configured, replicating: null, receiving: null, applying: null, lagSeconds: null, reason };
}

/** The state of the server behind `db`; `configured` says whether reports read a replica. */
export async function readReplication(db: Db, configured: boolean): Promise<ReplicationState> {
  if (!configured) return unknown(false, 'REPORT_DATABASE_URL is not set: reports read DATABASE_URL');
  let rows: StatusRow[];
  try {
    rows = await statusRows(db);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === ER_SPECIFIC_ACCESS_DENIED_ERROR || code === ER_ACCESS_DENIED_ERROR) {
      return unknown(
        true,
        'the user of REPORT_DATABASE_URL may not read the replication state: GRANT REPLICATION CLIENT (MySQL) or SLAVE MONITOR (MariaDB 10.5+) to it',
      );
    }
    throw err;
  }
  const row = rows[0];
  if (row === undefined) return unknown(true, 'the server of REPORT_DATABASE_URL is not a replica (SHOW REPLICA STATUS is empty)');
  const receiving = field(row, 'Replica_IO_Running', 'Slave_IO_Running') === 'Yes';
  const applying = field(row, 'Replica_SQL_Running', 'Slave_SQL_Running') === 'Yes';
  const lag = field(row, 'Seconds_Behind_Source', 'Seconds_Behind_Master');
  const lastError = [field(row, 'Last_IO_Error'), field(row, 'Last_SQL_Error')].filter((e) => typeof e === 'string' && e !== '').join('; ');
  const stopped = [receiving ? '' : 'receiving (IO thread)', applying ? '' : 'applying (SQL thread)'].filter((s) => s !== '');
  const reason = [stopped.length > 0 ? `replication stopped: not ${stopped.join(', not ')}` : '', lastError].filter((s) => s !== '').join('; ');
  return {
    configured: true,
    replicating: receiving && applying,
    receiving,
    applying,
    lagSeconds: lag === null || lag === '' ? null : Number(lag),
    reason: reason === '' ? null : reason,
  };
}
