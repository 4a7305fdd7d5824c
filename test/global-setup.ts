// Finds the database server the tests use, and fails with the fix when there is none.
// Order: TEST_DATABASE_URL; the local server; a MySQL 8 container where Docker runs
// (MYSQL_IMAGE, default mysql:8.4, so 8.0 can be tried too: MYSQL_IMAGE=mysql:8.0).
import type { TestProject } from 'vitest/node';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { connect } from '../src/db/pool.ts';

const LOCAL = 'mysql://root@127.0.0.1:3306/';

async function reachable(url: string): Promise<string | undefined> {
  try {
    const conn = await connect(url, { connectTimeout: 3000 });
    const [rows] = await conn.query('SELECT VERSION() AS v');
    await conn.end();
    return (rows as { v: string }[])[0]?.v;
  } catch {
    return undefined;
  }
}

let stopContainer: (() => Promise<unknown>) | undefined;

/** The process tests run the compiled commands (dist/), as npm scripts do: build them if stale. */
function build(): void {
  const script = fileURLToPath(new URL('../scripts/ensure-built.mjs', import.meta.url));
  const r = spawnSync(process.execPath, [script], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('building dist/ failed (see above): the process tests run the compiled commands');
}

export async function setup(project: TestProject): Promise<void> {
  build();
  let url = process.env.TEST_DATABASE_URL;
  if (url) {
    const version = await reachable(url);
    if (!version) throw new Error(`TEST_DATABASE_URL=${url.replace(/:[^:@/]*@/, ':***@')} is not reachable: start that server or unset TEST_DATABASE_URL.`);
    console.log(`tests use TEST_DATABASE_URL (server ${version})`);
  } else if (await reachable(LOCAL)) {
    url = LOCAL;
    console.log(`tests use the local server at 127.0.0.1:3306 (${await reachable(LOCAL)})`);
  } else {
    try {
      const { MySqlContainer } = await import('@testcontainers/mysql');
      const image = process.env.MYSQL_IMAGE || 'mysql:8.4';
      // local_infile is off by default on MySQL 8; the benchmark's smoke test measures
      // LOAD DATA LOCAL INFILE, so the container allows it
      const container = await new MySqlContainer(image).withRootPassword('root').withCommand(['--local-infile=1']).start();
      stopContainer = () => container.stop();
      url = `mysql://root:root@${container.getHost()}:${container.getPort()}/`;
      console.log(`tests use a ${image} container (testcontainers)`);
    } catch (err) {
      throw new Error(
        'No database for the tests. Start MariaDB here: start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd ' +
          '(or apt-get install mariadb-server), or set TEST_DATABASE_URL=mysql://user:pass@host:port/, or run Docker for a MySQL 8 container. ' +
          `(testcontainers said: ${(err as Error).message.split('\n')[0]})`,
      );
    }
  }
  project.provide('serverUrl', url);
}

export async function teardown(): Promise<void> {
  await stopContainer?.();
}

declare module 'vitest' {
  export interface ProvidedContext {
    serverUrl: string;
  }
}
