// Each refusal of the stored procedures has its own SQLSTATE, listed once in
// src/db/refusals.ts with its meaning and exit code: the SQL and the table agree, and a
// caller tells the refusals apart by code alone.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from './helpers/database.ts';
import { REFUSALS, isRefusal, refusalOf, type RefusalName } from '../src/db/refusals.ts';
import { EXIT } from '../src/cli/exit.ts';

const DB = new URL('../db/', import.meta.url);
const sqlFiles = ['procedures', 'views'].flatMap((d) =>
  readdirSync(new URL(`${d}/`, DB))
    .filter((f) => f.endsWith('.sql'))
    .map((f) => ({ file: `db/${d}/${f}`, text: readFileSync(new URL(`${d}/${f}`, DB), 'utf8') })),
);
/** Every SIGNAL in db/procedures and db/views: its SQLSTATE and the name its comment gives. */
const signals = sqlFiles.flatMap(({ file, text }) =>
  [...text.matchAll(/SIGNAL SQLSTATE '(\w{5})'[^\n]*?(?:--\s*(\w+)[^\n]*)?$/gm)].map((m) => ({ file, state: m[1]!, name: m[2] })),
);

describe('the refusals table', () => {
  it('gives every refusal its own SQLSTATE of class 45 and an exit code the commands use', () => {
    const states = Object.values(REFUSALS).map((r) => r.sqlState);
    expect(new Set(states).size).toBe(states.length);
    for (const s of states) expect(s).toMatch(/^45\d{3}$/);
    expect(states).not.toContain('45000');
    for (const r of Object.values(REFUSALS)) expect(Object.values(EXIT)).toContain(r.exit);
  });

  it('matches the SQL: every SIGNAL uses a listed code and names it, every listed code is raised', () => {
    expect(signals.length).toBeGreaterThan(0);
    for (const s of signals) {
      const r = Object.entries(REFUSALS).find(([, v]) => v.sqlState === s.state);
      expect(r, `${s.file}: SQLSTATE '${s.state}' is not in src/db/refusals.ts`).toBeDefined();
      expect(s.name, `${s.file}: the comment after SIGNAL SQLSTATE '${s.state}' names the refusal`).toBe(r![0]);
    }
    for (const [name, r] of Object.entries(REFUSALS)) {
      expect(signals.some((s) => s.state === r.sqlState), `${name} (${r.sqlState}) is raised by no procedure`).toBe(true);
    }
  });
});

describe('the procedures refuse with those codes', () => {
  const db = useTestDatabase('refusals');
  const refusal = async (sql: string, values: unknown[] = []): Promise<RefusalName | undefined> => {
    try {
      await db().pool.query(sql, values);
    } catch (err) {
      return refusalOf(err)?.name;
    }
    throw new Error(`${sql} was not refused`);
  };

  it('tells a bad range, the calendar, the retention cut and a too-long span apart by SQLSTATE', async () => {
    expect(await refusal("CALL sp_aggregate_range('2025-09-08 00:00:00', '2025-09-07 00:00:00')")).toBe('badRange');
    expect(await refusal('CALL sp_aggregate_epoch_range(?, ?)', [100, 0])).toBe('badRange');
    expect(await refusal("CALL sp_aggregate_hour('2025-09-07 09:30:00')")).toBe('badRange');
    expect(await refusal("CALL sp_aggregate_hour('2051-01-01 00:00:00')")).toBe('outsideCalendar');
    expect(await refusal("CALL sp_aggregate_range('2025-09-07 00:00:00', '2051-01-01 00:00:00')")).toBe('outsideCalendar');
    const jan = Date.UTC(2025, 0, 1) / 1000;
    expect(await refusal('CALL sp_aggregate_span(?, ?, NULL, NULL)', [jan, jan + 50 * 86400])).toBe('spanTooLong');
    // a retention cut (as npm run prune records it) in force
    await db().pool.query("INSERT INTO apr_settings (name, value) VALUES ('raw_cut', ?)", [Date.UTC(2025, 8, 8, 20) / 1000]);
    try {
      expect(await refusal("CALL sp_aggregate_hour('2025-09-07 09:00:00')")).toBe('beforeRetentionCut');
      let err: unknown;
      await db().pool.query("CALL sp_aggregate_range('2025-09-01 00:00:00', '2025-09-02 00:00:00')").catch((e: unknown) => (err = e));
      expect(isRefusal(err, 'beforeRetentionCut')).toBe(true);
      expect(isRefusal(err, 'badRange')).toBe(false);
      expect(refusalOf(err)).toMatchObject({ exit: EXIT.USAGE });
    } finally {
      await db().pool.query("DELETE FROM apr_settings WHERE name = 'raw_cut'");
    }
    // the same hour, once the cut is gone, is computed
    await db().pool.query("CALL sp_aggregate_hour('2025-09-07 09:00:00')");
  });

  it('leaves any other error alone', () => {
    expect(refusalOf(new Error('x'))).toBeUndefined();
    expect(refusalOf({ sqlState: '45000' })).toBeUndefined();
    expect(refusalOf(null)).toBeUndefined();
  });
});
