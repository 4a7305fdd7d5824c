// Every command of package.json starts through the one runner (src/cli/command.ts), so
// each answers the same way: --help prints its usage and runs nothing; an unknown flag
// and a malformed variable are one line {"error": ...} with exit 2 and 78, before the
// database is touched; a failure the command did not foresee is one line too.
import { describe, it, expect, afterEach } from 'vitest';
import { readFileSync } from 'node:fs';
import { serverUrl } from './helpers/database.ts';
import { runCommand, killLeftovers } from './helpers/child.ts';
import { errorLine, noStackTrace } from './helpers/ops.ts';
import { connect } from '../src/db/pool.ts';
import { withDatabase } from '../src/config.ts';
import { EXIT } from '../src/cli/exit.ts';

afterEach(killLeftovers);

const scripts = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> }).scripts;
/** [npm script, its file in src/cli] for every script that runs a command. */
const COMMANDS = Object.entries(scripts).flatMap(([name, cmd]) => {
  const m = /^exec node scripts\/run\.mjs ([\w-]+)$/.exec(cmd);
  return m ? [[name, `${m[1]}.ts`] as const] : [];
});
const npmCommand = (name: string) => (name === 'start' ? 'npm start' : `npm run ${name}`);

/** A database name no command may create: each case below must stop before migrating. */
const NEVER = `apr_never_cli_${process.pid}`;

async function neverCreated(): Promise<void> {
  const server = await connect(serverUrl());
  try {
    const [found] = await server.query('SELECT schema_name FROM information_schema.schemata WHERE schema_name = ?', [NEVER]);
    expect(found).toEqual([]);
  } finally {
    await server.end();
  }
}

describe('every command', () => {
  it('is found in package.json', () => {
    expect(COMMANDS.map(([name]) => name).sort()).toEqual(expect.arrayContaining(['backfill', 'bench', 'healthcheck', 'migrate', 'prune', 'report', 'simulator', 'start']));
  });

  it('--help and -h print its usage and run nothing', async () => {
    const env = { DATABASE_URL: withDatabase(serverUrl(), NEVER) };
    await Promise.all(
      COMMANDS.flatMap(([name, file]) =>
        ['--help', '-h'].map(async (flag) => {
          const child = runCommand(file, [flag], env);
          expect(await child.exited, `${name} ${flag}`).toBe(EXIT.OK);
          expect(child.lines[0], `${name} ${flag}`).toMatch(new RegExp(`^Usage: ${npmCommand(name)}\\b`));
        }),
      ),
    );
    await neverCreated();
  });

  it('an unknown flag: one line naming it and where the help is, exit 2, nothing else', async () => {
    const env = { DATABASE_URL: withDatabase(serverUrl(), NEVER) };
    await Promise.all(
      COMMANDS.map(async ([name, file]) => {
        const child = runCommand(file, ['--no-such-flag', '1'], env);
        expect(await child.exited, name).toBe(EXIT.USAGE);
        expect(errorLine(child), name).toMatch(new RegExp(`^unknown argument --no-such-flag\\b.* \\(see ${npmCommand(name)} -- --help\\)$`));
        expect(child.lines, name).toHaveLength(1);
        noStackTrace(child);
      }),
    );
    await neverCreated();
  });

  it('a malformed variable: one line naming it, exit 78 (the simulator reads none)', async () => {
    const env = { DATABASE_URL: withDatabase(serverUrl(), NEVER), REPORT_MAX_DAYS: 'ninety' };
    await Promise.all(
      COMMANDS.filter(([name]) => name !== 'simulator').map(async ([name, file]) => {
        const child = runCommand(file, [], env);
        expect(await child.exited, name).toBe(EXIT.CONFIG);
        expect(errorLine(child), name).toMatch(/^configuration error: REPORT_MAX_DAYS="ninety" is not valid: set REPORT_MAX_DAYS to a whole number from 1 to 3660/);
        expect(child.lines, name).toHaveLength(1);
      }),
    );
    await neverCreated();
  });

  it('a failure it did not foresee is one line with its exit code, never a stack trace', async () => {
    // the benchmark has no handling of its own for a database that cannot be reached
    const child = runCommand('bench.ts', ['--agents', '2', '--days', '1', '--no-scale'], { DATABASE_URL: 'mysql://root@127.0.0.1:1/apr' });
    expect(await child.exited).toBe(EXIT.DATABASE);
    expect(errorLine(child)).toMatch(/the database at 127\.0\.0\.1:1 cannot be reached \(ECONNREFUSED\)/);
    noStackTrace(child);
  });
});
