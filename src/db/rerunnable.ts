// Migrations that can be applied again after a crash at any point. DDL commits on its own
// and postgrator records a version only after its file ran, so a server killed in between
// (or between two statements of one file) left a migration half-applied that failed on
// every later run ("Table 'agents' already exists"). The shipped files stay byte for byte
// as they were (postgrator checks the checksums of applied ones); instead a migration file
// runs statement by statement, and a statement whose effect is already there is skipped.

/** Errors that mean "this was done already": the table, column, key, row or check exists, or the key to drop is gone. */
const DONE_ALREADY = new Map<number, string>([
  [1050, 'table exists'],
  [1060, 'column exists'],
  [1061, 'key exists'],
  [1062, 'rows exist'],
  [1068, 'primary key exists'],
  [1091, 'already dropped'],
  [1826, 'constraint exists'],
  [3822, 'check constraint exists'],
  [4031, 'check constraint exists'],
]);

/**
 * A seed: rows given by value into a table a migration created empty just before. Where its
 * key is an AUTO_INCREMENT id, running it again adds every row a second time instead of
 * failing on a duplicate key, so a seed is done once its table holds any row.
 */
const SEED = /^INSERT\s+INTO\s+`?(\w+)`?\s*\([^)]*\)\s*VALUES\b/i;

async function holdsRows(exec: (statement: string) => Promise<unknown>, table: string): Promise<boolean> {
  const [rows] = (await exec(`SELECT 1 FROM \`${table}\` LIMIT 1`)) as [unknown[]];
  return rows.length > 0;
}

/** The statements of a migration file (no DELIMITER in these files: `;` ends a statement at a line's end). */
export function statements(sql: string): string[] {
  return sql
    .split(/;[ \t]*(?:\r?\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s.replace(/--[^\n]*/g, '').trim() !== '');
}

/**
 * Runs a migration file's statements one by one through `exec`, skipping one whose effect
 * is already there; `onSkip` hears of each skip.
 */
export async function runRerunnable(sql: string, exec: (statement: string) => Promise<unknown>, onSkip: (statement: string, why: string) => void): Promise<void> {
  for (const statement of statements(sql)) {
    const seeded = SEED.exec(statement.replace(/^(?:--[^\n]*\n|\s)*/, ''));
    if (seeded && (await holdsRows(exec, seeded[1]!))) {
      onSkip(statement, 'rows exist');
      continue;
    }
    try {
      await exec(statement);
    } catch (err) {
      const why = DONE_ALREADY.get(Number((err as { errno?: unknown }).errno));
      if (why === undefined) throw err;
      onSkip(statement, why);
    }
  }
}
