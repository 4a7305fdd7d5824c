// npm run teams -- import FILE|- | list
import { readFile } from 'node:fs/promises';
import { text } from 'node:stream/consumers';
import { UsageError } from '../usage-error.ts';
import { runCommand } from './command.ts';
import { EXIT } from './exit.ts';

const HELP = `Usage: npm run teams -- import FILE | import - | list

Teams (rules §9): a team is a named set of extensions; an extension may be in several
teams or in none. Membership is current: a report of a past range uses today's teams.

  import FILE   replaces every team and membership at once with the CSV file (- reads
                standard input). The first line is the header team,ext; then one
                membership a line, e.g. North,4101. A repeated line is ignored; a line
                with a team and no extension (North,) is a team with no members.
                Team names: 1-64 characters, no comma, no control character, trimmed,
                compared exactly. A bad line refuses the whole file, naming the line and
                the fix, and nothing changes. So does leaving out a team that a token
                (npm run tokens) is scoped to.
  list          prints the teams in the same CSV form, by team name, then extension as
                in the report: list, then import, changes nothing.
  --help        this text

Teams live in the tables teams and team_members (editable from a SQL client).
Exit codes: 0 done; 2 a bad file, line or argument (nothing changed); 3 REPORT_TZ changed;
5 the database (DATABASE_URL) cannot be used; 78 configuration error.`;

async function readTeamFile(path: string): Promise<string> {
  if (path === '-') return text(process.stdin);
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new UsageError(`${path} cannot be read (${code ?? (err as Error).message}): give the path of a CSV file, or - for standard input`);
  }
}

await runCommand({ name: 'teams', help: HELP, flags: { values: [], positionals: true } }, async (ctx) => {
  const [action, ...rest] = ctx.flags.positionals;
  if (action === 'import') {
    if (rest.length !== 1) throw new UsageError('import takes one file: npm run teams -- import FILE (or - for standard input)');
    const { parseTeamFile, TeamFileError } = await import('../access/team-csv.ts');
    const content = await readTeamFile(rest[0]!);
    let memberships;
    try {
      memberships = parseTeamFile(content);
    } catch (err) {
      if (err instanceof TeamFileError) throw new UsageError(`${rest[0] === '-' ? 'standard input' : rest[0]}, ${err.message}`);
      throw err;
    }
    await ctx.migrate();
    const { importTeams, TeamImportRefused } = await import('../access/teams.ts');
    try {
      const r = await importTeams(await ctx.pool({ connectionLimit: 1 }), memberships);
      console.log(`teams: ${r.teams} team(s), ${r.memberships} membership(s) imported`);
    } catch (err) {
      if (err instanceof TeamImportRefused) throw new UsageError(err.message);
      throw err;
    }
    return EXIT.OK;
  }
  if (action === 'list') {
    if (rest.length > 0) throw new UsageError('list takes no argument: npm run teams -- list');
    await ctx.migrate({ log: () => {} });
    const { listTeams } = await import('../access/teams.ts');
    const { HEADER, teamLine } = await import('../access/team-csv.ts');
    const lines = (await listTeams(await ctx.pool({ connectionLimit: 1 }))).map(teamLine);
    process.stdout.write([HEADER, ...lines].join('\n') + '\n');
    return EXIT.OK;
  }
  throw new UsageError(action === undefined ? 'say what to do: import FILE, import - or list' : `unknown action ${JSON.stringify(action)}: use import FILE, import - or list`);
});
