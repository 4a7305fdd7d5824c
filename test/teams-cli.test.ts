// npm run teams and npm run tokens as an operator runs them (the compiled commands):
// import then list round trip, list then import changes nothing, a bad file changes
// nothing and names its line, tokens add/list/revoke (the token printed once, alone on
// the last line, never stored or listed).
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { rows, useTestDatabase } from './helpers/database.ts';
import { killLeftovers, runCommand, type Child } from './helpers/child.ts';
import { errorLine } from './helpers/ops.ts';
import { tokenHash } from '../src/access/tokens.ts';

const db = useTestDatabase('teams-cli', 'Asia/Dubai');
const dir = mkdtempSync(join(tmpdir(), 'apr-teams-cli-'));
afterEach(killLeftovers);

const env = () => ({ DATABASE_URL: db().url, REPORT_TZ: 'Asia/Dubai', LOG_LEVEL: 'warn' });

async function run(script: 'teams.ts' | 'tokens.ts', args: string[], stdin?: string): Promise<Child & { code: number | string }> {
  const child = runCommand(script, args, env());
  if (stdin !== undefined) child.proc.stdin!.end(stdin);
  else child.proc.stdin!.end();
  const code = await child.exited;
  return Object.assign(child, { code });
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const snapshot = async () => ({
  teams: await rows(db().pool, 'SELECT name FROM teams ORDER BY name'),
  members: await rows(db().pool, 'SELECT team, ext FROM team_members ORDER BY team, ext'),
});

describe('npm run teams', () => {
  it('imports a file and lists it back in order: team, then ext as in the report', async () => {
    const imported = await run('teams.ts', ['import', file('t.csv', '\uFEFFteam,ext\r\nSouth,5202\r\nNorth,10001\r\nNorth,2000\r\n North ,2000\r\nNorth,abc\r\n"Night ""Owls""",7\r\nBench,\r\n\r\n')]);
    expect(imported.code, imported.lines.join('\n')).toBe(0);
    expect(imported.lines.at(-1)).toBe('teams: 4 team(s), 5 membership(s) imported');
    const listed = await run('teams.ts', ['list']);
    expect(listed.code).toBe(0);
    expect(listed.lines).toEqual(['team,ext', 'Bench,', '"Night ""Owls""",7', 'North,2000', 'North,10001', 'North,abc', 'South,5202']);
  });

  it('list then import changes nothing (from standard input)', async () => {
    const before = await snapshot();
    const listed = (await run('teams.ts', ['list'])).lines.join('\n') + '\n';
    const again = await run('teams.ts', ['import', '-'], listed);
    expect(again.code, again.lines.join('\n')).toBe(0);
    expect(await snapshot()).toEqual(before);
    expect((await run('teams.ts', ['list'])).lines.join('\n') + '\n').toBe(listed);
  });

  it('a bad line refuses the whole file, names the line and the fix, and changes nothing', async () => {
    const before = await snapshot();
    const cases = [
      ['team,ext\nA,1\nB,2\nC,x y\n', /^.*bad\.csv, line 4: the extension "x y" is not one: use 1-32 letters/],
      ['team,ext\nA,1\n,2\n', /line 3: the team name is empty/],
      ['team,ext\nA,1\nB,C,3\n', /line 3: 3 fields where 2 are expected/],
      ['team,ext\nA\tB,1\n', /line 2: the team name "A\\tB" has a control character/],
      [`team,ext\n${'x'.repeat(65)},1\n`, /line 2: the team name "x+" is longer than 64 characters/],
      ['ext,team\n1,A\n', /line 1: the first line must be the header team,ext/],
      ['', /line 1: the first line must be the header team,ext/],
    ] as const;
    for (const [text, re] of cases) {
      const r = await run('teams.ts', ['import', file('bad.csv', text)]);
      expect(r.code, text).toBe(2);
      expect(errorLine(r), text).toMatch(re);
      expect(errorLine(r), text).toMatch(/nothing was changed/);
      expect(r.lines, text).toHaveLength(1);
    }
    const missing = await run('teams.ts', ['import', join(dir, 'nope.csv')]);
    expect(missing.code).toBe(2);
    expect(errorLine(missing)).toMatch(/nope\.csv cannot be read \(ENOENT\)/);
    expect(await snapshot()).toEqual(before);
  });

  it('says what to do without an action, or with an unknown one', async () => {
    for (const args of [[], ['frob'], ['import'], ['list', 'x']]) {
      const r = await run('teams.ts', args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(errorLine(r)).toMatch(/\(see npm run teams -- --help\)$/);
    }
  });
});

describe('npm run tokens', () => {
  it('add prints the token once, alone on the last line; only its SHA-256 is stored', async () => {
    const r = await run('tokens.ts', ['add', 'sup-north', '--team', 'North', '--team', 'South']);
    expect(r.code, r.lines.join('\n')).toBe(0);
    const token = r.lines.at(-1)!;
    expect(token).toMatch(/^apr_[A-Za-z0-9]{40,}$/);
    const [stored] = await rows<{ token_sha256: Buffer; full_access: number }>(db().pool, "SELECT token_sha256, full_access FROM api_tokens WHERE name = 'sup-north'");
    expect(Buffer.from(stored!.token_sha256).equals(tokenHash(token))).toBe(true);
    expect(Number(stored!.full_access)).toBe(0);
    expect(await rows(db().pool, "SELECT team FROM api_token_teams WHERE token_name = 'sup-north' ORDER BY team")).toEqual([{ team: 'North' }, { team: 'South' }]);
    const other = await run('tokens.ts', ['add', 'admin']);
    expect(other.lines.at(-1)).not.toBe(token);
  });

  it('refuses an unknown team, a name in use and a bad name, making nothing', async () => {
    const count = async () => (await rows<{ n: number }>(db().pool, 'SELECT COUNT(*) AS n FROM api_tokens'))[0]!.n;
    const before = await count();
    for (const [args, re] of [
      [['add', 'x', '--team', 'North', '--team', 'Nord'], /no team is named "Nord"/],
      [['add', 'admin'], /a token named "admin" exists/],
      [['add', 'a,b'], /has a comma/],
      [['list', '--team', 'North'], /--team goes with add only/],
    ] as const) {
      const r = await run('tokens.ts', [...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(errorLine(r)).toMatch(re);
    }
    expect(await count()).toBe(before);
  });

  it('lists names, scopes, creation and last use, never a token; revoke marks it', async () => {
    const revoked = await run('tokens.ts', ['revoke', 'admin']);
    expect(revoked.code).toBe(0);
    expect(revoked.lines.at(-1)).toMatch(/token "admin" revoked/);
    const r = await run('tokens.ts', ['list']);
    expect(r.code).toBe(0);
    expect(r.lines[0]).toBe('name,access,teams,created,last_used,revoked');
    expect(r.lines[1]).toMatch(/^admin,full,,\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ,,\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(r.lines[2]).toMatch(/^sup-north,teams,"North,South",\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ,,$/);
    expect(r.lines.join('\n')).not.toMatch(/apr_/);
    const unknown = await run('tokens.ts', ['revoke', 'nobody']);
    expect(unknown.code).toBe(2);
    expect(errorLine(unknown)).toMatch(/no token is named "nobody"/);
  });

  it('teams import refuses to drop a team a live token is scoped to, and changes nothing', async () => {
    const before = await snapshot();
    const r = await run('teams.ts', ['import', '-'], 'team,ext\nNorth,1\n');
    expect(r.code).toBe(2);
    expect(errorLine(r)).toMatch(/leaves out team "South" \(token "sup-north"\).*revoke the token first.*nothing was changed/);
    expect(await snapshot()).toEqual(before);
  });

  it('npm start on a public HOST with no REPORT_API_TOKENS starts once the database holds a usable token', async () => {
    const child = runCommand('start.ts', [], { ...env(), HOST: '0.0.0.0', PORT: '0', COLLECT_CRON: '0 0 1 1 *', LOG_FORMAT: 'json', LOG_LEVEL: 'info' });
    const listening = JSON.parse(await child.waitFor(/"msg":"report server listening"/, 120_000)) as { auth: string };
    expect(listening.auth).toMatch(/0 token\(s\) of REPORT_API_TOKENS, 1 of the database/);
    child.proc.kill('SIGTERM');
    expect(await child.exited).toBe(0);
    expect(child.lines.join('\n')).not.toMatch(/apr_[A-Za-z0-9]{40}/);
  }, 150_000);
});
