// npm run tokens -- add NAME [--team T]... | list | revoke NAME
import { UsageError } from '../usage-error.ts';
import { runCommand } from './command.ts';
import { EXIT } from './exit.ts';

const HELP = `Usage: npm run tokens -- add NAME [--team TEAM]... | list | revoke NAME

Bearer tokens kept in the database (rules §9), beside REPORT_API_TOKENS (which keep full
access). Clients send Authorization: Bearer <token>.

  add NAME [--team TEAM]...  makes a token and prints it once, alone on the last line
                             (apr_ and 43 random letters and digits); only its SHA-256 is
                             stored, so it cannot be shown again. With --team (repeat it
                             for several teams) the token sees only those teams' agents;
                             without, everything. An unknown team or a name in use
                             (revoked ones included) is refused.
  list                       every token: name, access (full or teams), teams, created,
                             last used, revoked (UTC); never the token itself. Last use is
                             recorded at most once a minute per server.
  revoke NAME                the token is refused from then on, by every server within
                             a few seconds.
  --help                     this text

Tokens live in the tables api_tokens and api_token_teams.
Exit codes: 0 done; 2 a bad argument, an unknown team or name (nothing changed);
3 REPORT_TZ changed; 5 the database (DATABASE_URL) cannot be used; 78 configuration error.`;

const iso = (epoch: number | null) => (epoch === null ? '' : new Date(epoch * 1000).toISOString().replace('.000Z', 'Z'));
const csvField = (s: string) => (/[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replaceAll('"', '""')}"` : s);

await runCommand({ name: 'tokens', help: HELP, flags: { values: ['team'], repeatable: ['team'], positionals: true } }, async (ctx) => {
  const [action, ...rest] = ctx.flags.positionals;
  const teamFlags = ctx.flags.lists.get('team') ?? [];
  if (action !== 'add' && teamFlags.length > 0) throw new UsageError('--team goes with add only');
  const quiet = { log: () => {} };
  if (action === 'add') {
    if (rest.length !== 1) throw new UsageError('add takes one name: npm run tokens -- add NAME [--team TEAM]...');
    const { checkName } = await import('../access/names.ts');
    const name = checkName(rest[0]!, 'token');
    if ('problem' in name) throw new UsageError(name.problem);
    const teams: string[] = [];
    for (const raw of teamFlags) {
      const t = checkName(raw, 'team');
      if ('problem' in t) throw new UsageError(`--team: ${t.problem}`);
      if (!teams.includes(t.name)) teams.push(t.name);
    }
    await ctx.migrate(quiet);
    const { addToken, TokenRefused } = await import('../access/tokens.ts');
    let token: string;
    try {
      token = await addToken(await ctx.pool({ connectionLimit: 1 }), name.name, teams.length === 0 ? null : teams);
    } catch (err) {
      if (err instanceof TokenRefused) throw new UsageError(err.message);
      throw err;
    }
    const scope = teams.length === 0 ? 'full access' : `teams ${teams.join(', ')}`;
    console.log(`token ${JSON.stringify(name.name)} made (${scope}); it is shown once, below: keep it now`);
    console.log(token);
    return EXIT.OK;
  }
  if (action === 'list') {
    if (rest.length > 0) throw new UsageError('list takes no argument: npm run tokens -- list');
    await ctx.migrate(quiet);
    const { listTokens } = await import('../access/tokens.ts');
    const lines = (await listTokens(await ctx.pool({ connectionLimit: 1 }))).map((t) =>
      [t.name, t.teams === null ? 'full' : 'teams', (t.teams ?? []).join(','), iso(t.createdAt), iso(t.lastUsedAt), iso(t.revokedAt)].map(csvField).join(','),
    );
    process.stdout.write(['name,access,teams,created,last_used,revoked', ...lines].join('\n') + '\n');
    return EXIT.OK;
  }
  if (action === 'revoke') {
    if (rest.length !== 1) throw new UsageError('revoke takes one name: npm run tokens -- revoke NAME');
    await ctx.migrate(quiet);
    const { revokeToken, TokenRefused } = await import('../access/tokens.ts');
    try {
      const done = await revokeToken(await ctx.pool({ connectionLimit: 1 }), rest[0]!.trim());
      console.log(done ? `token ${JSON.stringify(rest[0]!.trim())} revoked: every server refuses it within a few seconds` : `token ${JSON.stringify(rest[0]!.trim())} was revoked already`);
    } catch (err) {
      if (err instanceof TokenRefused) throw new UsageError(err.message);
      throw err;
    }
    return EXIT.OK;
  }
  throw new UsageError(action === undefined ? 'say what to do: add NAME, list or revoke NAME' : `unknown action ${JSON.stringify(action)}: use add NAME, list or revoke NAME`);
});
