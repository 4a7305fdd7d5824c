// The database server killed at many points of a fresh migrate (a scratch mariadbd of this
// test's own), restarted, and migrate run again: every time it completes, and a third run
// has nothing to do. DDL commits on its own and postgrator records a version afterwards, so
// a kill in between once left "Table 'agents' already exists" on every later run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withDatabase } from '../src/config.ts';
import { migrate } from '../src/db/migrate.ts';
import { connect } from '../src/db/pool.ts';
import { databaseProblem } from '../src/cli/problems.ts';
import { TEST_CALENDAR } from './helpers/database.ts';
import { startScratchMariaDb, type ScratchMariaDb } from './helpers/scratch-mariadb.ts';

let mariadb: ScratchMariaDb;
beforeAll(async () => {
  mariadb = await startScratchMariaDb();
}, 120_000);
afterAll(async () => {
  await mariadb?.destroy();
});

describe('migrate after the database died mid-way', () => {
  it('applies again every migration whose work was done but whose version was not recorded', async () => {
    // the state a kill between a migration's DDL and postgrator's record of it leaves,
    // for every migration at once
    const url = withDatabase(mariadb.url, 'apr_crash_unrecorded');
    await migrate({ databaseUrl: url, reportTz: 'Asia/Dubai', calendar: TEST_CALENDAR });
    const conn = await connect(url);
    await conn.query('DELETE FROM schemaversion WHERE version >= 2');
    await conn.end();
    const again = await migrate({ databaseUrl: url, reportTz: 'Asia/Dubai', calendar: TEST_CALENDAR });
    expect(again.migrations.length).toBeGreaterThan(30);
    expect((await migrate({ databaseUrl: url, reportTz: 'Asia/Dubai', calendar: TEST_CALENDAR })).migrations).toEqual([]);
  }, 300_000);

  it('completes on the next run, wherever the kill fell', async () => {
    // every 15 ms over a fresh migrate's first 0.6 s, where the DDL is
    const killAfterMs = Array.from({ length: 16 }, (_, i) => 20 + i * 37);
    const outcomes: string[] = [];
    const lostByServer: string[] = [];
    for (const [i, ms] of killAfterMs.entries()) {
      const url = withDatabase(mariadb.url, `apr_crash_${i}`);
      const run = migrate({ databaseUrl: url, reportTz: 'Asia/Dubai', calendar: TEST_CALENDAR }).then(
        () => 'finished before the kill',
        () => 'killed',
      );
      await new Promise((r) => setTimeout(r, ms));
      await mariadb.kill();
      outcomes.push(await run);
      await mariadb.start();
      const again = await migrate({ databaseUrl: url, reportTz: 'Asia/Dubai', calendar: TEST_CALENDAR }).then(
        () => undefined,
        (err: unknown) => err as { code?: string },
      );
      // MariaDB 10.11 itself does not always recover a partitioned table whose ALTER a kill
      // cut short at its very start (about 1 kill in 30 landing there, on a scratch server):
      // the table's .par file is gone and no statement can open it. Nothing migrate does
      // can bring it back; it must then say so in one line that names the fix.
      if (again?.code === 'ER_FAILED_READ_FROM_PAR_FILE') {
        expect(databaseProblem(again, url)).toMatch(/cannot be opened.*drop it and run npm run migrate/);
        lostByServer.push(`killed after ${ms} ms`);
        continue;
      }
      expect(again, `killed after ${ms} ms`).toBeUndefined();
      const third = await migrate({ databaseUrl: url, reportTz: 'Asia/Dubai', calendar: TEST_CALENDAR });
      expect(third.migrations).toEqual([]);
    }
    // most kills fell mid-migrate, not after it; the server's own loss stays the exception
    expect(outcomes.filter((o) => o === 'killed').length).toBeGreaterThanOrEqual(8);
    expect(lostByServer.length, lostByServer.join(', ')).toBeLessThanOrEqual(2);
  }, 900_000);
});
