// Words that name things drift when the things change: a help text, a comment or the docs
// that name a table, view, routine, environment variable or npm command that no longer
// exists fail here. What exists is read from the repository itself: tables and their
// columns from db/migrations, views and routines from the files of db/views and
// db/procedures, the upstream's event types from its client, variables from .env.example,
// docker-compose.yml and the code that reads them, commands from package.json. The migrations' own comments are history (a shipped file is never edited),
// so they are read for names but not checked.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

function files(dir: string, ext: RegExp): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    return statSync(join(ROOT, path)).isDirectory() ? files(path, ext) : ext.test(name) ? [path] : [];
  });
}

const sqlName = (path: string) => path.split('/').pop()!.replace(/\.sql$/, '');
const migrations = files('db/migrations', /\.sql$/).map(read).join('\n');
const routines = files('db/procedures', /\.sql$/);
const views = files('db/views', /\.sql$/);
const routineText = routines.map(read).join('\n');

/** Tables (also temporary ones the procedures make), their columns, views, routines, and the other SQL-ish names of ours. */
const SQL_NAMES = new Set<string>([
  ...[...migrations.matchAll(/CREATE TABLE (?:IF NOT EXISTS )?`?(\w+)/gi)].map((m) => m[1]!),
  ...[...migrations.matchAll(/^\s+`?([a-z_][a-z0-9_]*)`?\s+(?:BIGINT|INT|TINYINT|SMALLINT|VARCHAR|CHAR|TEXT|MEDIUMTEXT|LONGTEXT|DATETIME|TIMESTAMP|DATE|BOOLEAN|DECIMAL|JSON|ENUM|DOUBLE)/gim)].map((m) => m[1]!),
  ...[...migrations.matchAll(/ADD COLUMN (?:IF NOT EXISTS )?`?(\w+)/gi)].map((m) => m[1]!),
  ...[...migrations.matchAll(/(?:KEY|INDEX|CONSTRAINT) `?(\w+)/gi)].map((m) => m[1]!),
  ...[...routineText.matchAll(/CREATE TEMPORARY TABLE (?:IF NOT EXISTS )?(\w+)/gi)].map((m) => m[1]!),
  // temporary tables a caller makes for a routine to read (the Now filter's extensions)
  ...[...files('src', /\.ts$/).map(read).join('\n').matchAll(/CREATE TEMPORARY TABLE (?:IF NOT EXISTS )?(\w+)/gi)].map((m) => m[1]!),
  ...routines.map(sqlName),
  ...views.map(sqlName),
  'schemaversion', // postgrator's own
  // the procedures' session variables (@apr_...) and the metrics (apr_..._total)
  ...[...routineText.matchAll(/@(\w+)/g)].map((m) => m[1]!),
  ...[...read('src/metrics.ts').matchAll(/name: '(apr_\w+)'/g)].map((m) => m[1]!),
  // the upstream's event types and field names, as its client and the simulator spell them
  ...[...[...files('src/upstream', /\.ts$/), ...files('src/simulator', /\.ts$/)].map(read).join('\n').matchAll(/['.](agent_[a-z_]+)\b/g)].map((m) => m[1]!),
]);
const ROUTINES_AND_VIEWS = new Set([...routines.map(sqlName), ...views.map(sqlName)]);

const code = [...files('src', /\.(ts|js)$/), ...files('test', /\.ts$/), ...files('scripts', /\.mjs$/), 'vitest.config.ts'].map(read).join('\n');
/** Variables: .env.example and every one the code reads. */
const VARIABLES = new Set<string>([
  ...[...read('.env.example').matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!),
  ...[...code.matchAll(/\benv\.([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]!),
  ...[...code.matchAll(/\b(?:optional|required|env)\(\s*\w*,?\s*'([A-Z][A-Z0-9_]*)'/g)].map((m) => m[1]!),
  ...[...code.matchAll(/\benv\[\s*'([A-Z][A-Z0-9_]*)'\s*\]/g)].map((m) => m[1]!),
  ...[...code.matchAll(/\b([A-Z][A-Z0-9_]*): '/g)].map((m) => m[1]!), // in env objects tests pass
  ...[...read('docker-compose.yml').matchAll(/^\s+([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]!),
]);
/** Constants of the code: a comment may name one (HOURS_PER_CALL, REPORT_SQL_TAG). */
const CONSTANTS = new Set<string>([...code.matchAll(/\b(?:const|let)\s+([A-Z][A-Z0-9_]*)\b/g)].map((m) => m[1]!));
const SCRIPTS = new Set(Object.keys((JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts));

/** The words to check: comments and help texts of the code, the SQL's comments, the docs. */
function words(): { where: string; text: string }[] {
  const out: { where: string; text: string }[] = [];
  for (const f of [...files('src', /\.(ts|js)$/), ...files('scripts', /\.mjs$/)]) {
    const text = read(f);
    for (const m of text.matchAll(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g)) out.push({ where: f, text: m[0] });
    for (const m of text.matchAll(/const HELP = `([\s\S]*?)`;/g)) out.push({ where: `${f} (help)`, text: m[1]! });
  }
  for (const f of [...routines, ...views]) {
    for (const m of read(f).matchAll(/--[^\n]*/g)) out.push({ where: f, text: m[0] });
  }
  for (const f of ['README.md', 'docs/rules.md', '.env.example', 'Dockerfile', 'docker-compose.yml', 'test/fixtures/README.md']) {
    out.push({ where: f, text: read(f) });
  }
  return out;
}

/** Names in `text` that look like one of ours (prefix and shape) but are not known. */
function unknownNames(text: string): string[] {
  const found: string[] = [];
  // a routine or view, or a temporary table of the transform; `sp_aggregate_*` names a family
  for (const m of text.matchAll(/(?<![\w/.-])((?:vw|sp|fn|_private_span|apr_tmp)_[a-z0-9_]*[a-z0-9])(?![\w*<-])/g)) {
    if (!ROUTINES_AND_VIEWS.has(m[1]!) && !SQL_NAMES.has(m[1]!)) found.push(m[1]!);
  }
  // a table or column of ours: its families' prefixes
  for (const m of text.matchAll(/(?<![\w/.$-])((?:agent|agents|users|collector|loaded|pending|break|rejected|fetch|repeatable|report|apr)_[a-z_]*[a-z])(?![\w*<(-]|\.ts|\.sql)/g)) {
    if (!SQL_NAMES.has(m[1]!)) found.push(m[1]!);
  }
  // an environment variable of the service's families
  for (const m of text.matchAll(/(?<![\w.-])((?:API|REPORT|COLLECT|UPSTREAM|RAW|DATABASE|TLS|LOG|TEST_DATABASE|MYSQL|CHROMIUM)_[A-Z0-9_]*[A-Z0-9])(?![\w*<])/g)) {
    if (!VARIABLES.has(m[1]!) && !CONSTANTS.has(m[1]!)) found.push(m[1]!);
  }
  // an npm command
  for (const m of text.matchAll(/\bnpm run ([a-z][a-z0-9-]*)/g)) {
    if (!SCRIPTS.has(m[1]!)) found.push(`npm run ${m[1]}`);
  }
  return found;
}

describe('names in help texts, comments and docs', () => {
  it('knows the names (a reader that found none would prove nothing)', () => {
    for (const t of ['agent_events', 'agent_activity', 'users_calls', 'loaded_windows', 'apr_tmp_in', 'ext', 'vw_loaded_stretches', 'sp_aggregate_range']) expect(SQL_NAMES).toContain(t);
    for (const v of ['DATABASE_URL', 'REPORT_TZ', 'RAW_RETENTION_DAYS', 'LOG_LEVEL', 'TEST_DATABASE_URL']) expect(VARIABLES).toContain(v);
    expect(SCRIPTS).toContain('backfill');
    expect(words().length).toBeGreaterThan(500);
  });

  it('catches a name that does not exist', () => {
    expect(unknownNames('the figures come from vw_report; agent_hourly keeps them; set REPORT_ZONE; npm run rebuild')).toEqual([
      'vw_report',
      'agent_hourly',
      'REPORT_ZONE',
      'npm run rebuild',
    ]);
    expect(unknownNames('vw_loaded_stretches, sp_aggregate_* and agent_events by REPORT_TZ; npm run backfill')).toEqual([]);
  });

  it('names only tables, views, routines, variables and commands that exist', () => {
    const wrong = words().flatMap(({ where, text }) => unknownNames(text).map((n) => `${relative('.', where)}: ${n}`));
    expect([...new Set(wrong)]).toEqual([]);
  });
});

describe('citations of docs/rules.md', () => {
  const sections = new Set([...read('docs/rules.md').matchAll(/^#{2,3} (\d+(?:\.\d+)?)\.? /gm)].map((m) => m[1]!));
  // the migrations are history: a shipped file is never edited, so they keep "SPEC §n"
  const cited = [...files('src', /\.(ts|js)$/), ...files('db/procedures', /\.sql$/), ...files('db/views', /\.sql$/), ...files('test', /\.ts$/), ...files('scripts', /\.mjs$/), 'README.md', 'docs/rules.md']
    .filter((f) => f !== 'test/names-in-words.test.ts')
    .map((f) => ({ f, text: read(f) }));

  it('reads the sections', () => {
    for (const s of ['1', '3', '3.6', '5.4', '7']) expect(sections).toContain(s);
  });

  it('cite the repository\'s own document, "rules §n", never the SPEC it was written from', () => {
    // (docs/rules.md itself says what the migrations write)
    expect(cited.filter(({ f, text }) => f !== 'docs/rules.md' && /SPEC §/.test(text)).map(({ f }) => f)).toEqual([]);
  });

  it('name sections that exist', () => {
    const missing = cited.flatMap(({ f, text }) =>
      [...text.matchAll(/rules §(\d+(?:\.\d+)?)(?:-§(\d+(?:\.\d+)?))?/g)].flatMap((m) => [m[1]!, m[2]].filter((n): n is string => n !== undefined && !sections.has(n.replace(/\.$/, ''))).map((n) => `${f}: rules §${n}`)),
    );
    expect(missing).toEqual([]);
  });
});
