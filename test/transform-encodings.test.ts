// The transform's codes have one legend (sp_aggregate_span.sql) and each stage declares the
// ones it uses by name; these checks fail when a file gives a code another value, spells
// one as a bare number where the stages use the name, or a limit tied across files drifts.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, it, expect } from 'vitest';

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');
const sqlFiles = (folder: string) =>
  readdirSync(new URL(`../${folder}`, import.meta.url))
    .filter((f) => f.endsWith('.sql'))
    .map((f) => ({ path: `${folder}/${f}`, text: read(`${folder}/${f}`) }));
/** SQL without its comments, so that prose may name a number. */
const code = (sql: string) => sql.replace(/--[^\n]*/g, '');

function legendOf(driver: string): Map<string, number> {
  const legend = new Map<string, number>();
  for (const m of driver.matchAll(/^--\s+(c_[a-z_]+)\s+(\d+)\s/gm)) {
    if (legend.has(m[1]!)) throw new Error(`the legend names ${m[1]} twice`);
    legend.set(m[1]!, Number(m[2]));
  }
  return legend;
}

/** Every `DECLARE c_x <type> DEFAULT n` of the files, as [file, name, value]. */
function declarations(files: { path: string; text: string }[]): [string, string, number][] {
  const out: [string, string, number][] = [];
  for (const f of files) {
    for (const m of code(f.text).matchAll(/DECLARE\s+(c_[a-z_]+)\s+\w+(?:\([^)]*\))?(?:\s+UNSIGNED)?\s+DEFAULT\s+(-?\d+)/gi)) {
      out.push([f.path, m[1]!, Number(m[2])]);
    }
  }
  return out;
}

const LEGEND = legendOf(read('db/procedures/sp_aggregate_span.sql'));
const PROCEDURES = sqlFiles('db/procedures');
const TRANSFORM = PROCEDURES.filter((f) => /\/_private_span_\w+\.sql$/.test(f.path));
const ALL_SQL = [...PROCEDURES, ...sqlFiles('db/views')];
const FLAG_OF_EVENT: Record<string, string> = {
  agent_idle: 'c_flag_idle',
  agent_on_call: 'c_flag_on_call',
  agent_hold: 'c_flag_hold',
  agent_wrap_up: 'c_flag_wrap_up',
  agent_not_avail_state: 'c_flag_na',
};
const legend = (name: string) => {
  const v = LEGEND.get(name);
  if (v === undefined) throw new Error(`the legend has no ${name}`);
  return v;
};

describe('the transform’s encodings', () => {
  it('reads the legend (a reader that found nothing would prove nothing)', () => {
    expect(LEGEND.size).toBeGreaterThan(30);
    expect(declarations(TRANSFORM).length).toBeGreaterThan(30);
    for (const n of ['c_flag_idle', 'c_bit_hold', 'c_code_na', 'c_cat_short_break', 'c_na_stride', 'c_row_stride']) expect(LEGEND.has(n)).toBe(true);
  });

  it('every stage declares a code under the legend’s name, with the legend’s value', () => {
    const wrong = declarations(PROCEDURES)
      .filter(([, name, value]) => LEGEND.get(name) !== value)
      .map(([path, name, value]) => `${path}: ${name} = ${value}, legend: ${LEGEND.get(name) ?? 'none'}`);
    expect(wrong).toEqual([]);
  });

  it('every code of the legend is declared by a stage that uses it', () => {
    const declared = new Set(declarations(PROCEDURES).map(([, name]) => name));
    expect([...LEGEND.keys()].filter((n) => !declared.has(n) && n !== 'c_cat_other')).toEqual([]);
  });

  it('the legend itself: flag n of 1-4 is bit n - 1, the masks are the bits’ sums, the parts of a packed state do not overlap', () => {
    for (const f of ['idle', 'on_call', 'hold', 'wrap_up']) expect(legend(`c_bit_${f}`)).toBe(1 << (legend(`c_flag_${f}`) - 1));
    expect(legend('c_bits_flags')).toBe(legend('c_bit_idle') + legend('c_bit_on_call') + legend('c_bit_hold') + legend('c_bit_wrap_up'));
    expect(legend('c_bit_unloaded')).toBe(legend('c_bits_flags') + 1);
    expect(legend('c_na_stride')).toBe(2 * legend('c_bit_unloaded'));
    // seq is a SMALLINT UNSIGNED: below 65536, so seq + 2 of a mark (decoded from mark - 2)
    // and seq + k of an event's row order stay inside their second
    expect(read('db/migrations/007.do.create-agent-events.sql')).toMatch(/\bseq\s+SMALLINT UNSIGNED\b/);
    expect(legend('c_na_ts_stride')).toBeGreaterThanOrEqual(65536);
    expect(legend('c_row_stride')).toBeGreaterThan(65535 + legend('c_row_k_event'));
    expect(new Set(['offline', 'idle', 'talk', 'hold', 'wrap_up', 'na'].map((c) => legend(`c_code_${c}`))).size).toBe(6);
  });

  it('the category list of FIELD() is in the order of the legend’s category numbers', () => {
    const categories = read('db/procedures/_private_span_categories.sql');
    const field = /FIELD\(fn_break_category\([^)]*\)\)[^,]*,((?:\s*'[^']+',?)+)\)/.exec(code(categories));
    expect(field, 'the FIELD() call of _private_span_categories.sql').not.toBeNull();
    const names = [...field![1]!.matchAll(/'([^']+)'/g)].map((m) => `c_cat_${m[1]!.toLowerCase().replace(/[^a-z]+/g, '_')}`);
    expect(names.map((n) => legend(n))).toEqual(names.map((_, i) => i + 1));
    expect([...LEGEND.keys()].filter((n) => n.startsWith('c_cat_') && n !== 'c_cat_other').length).toBe(names.length);
  });

  it('wherever an event type is given its flag number as a literal (views, the timeline, the live state), it is the legend’s', () => {
    const wrong: string[] = [];
    for (const f of ALL_SQL) {
      for (const m of code(f.text).matchAll(/'+(agent_[a-z_]+)'+\s+THEN\s+(\d+)\b/g)) {
        const name = FLAG_OF_EVENT[m[1]!];
        if (name && legend(name) !== Number(m[2])) wrong.push(`${f.path}: ${m[1]} THEN ${m[2]}, legend ${name} = ${legend(name)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('a state precedence spelled with literal bits elsewhere maps each bit to the legend’s code', () => {
    const codeOfBit = new Map(['idle', 'hold', 'wrap_up'].map((f) => [legend(`c_bit_${f}`), legend(`c_code_${f}`)]));
    codeOfBit.set(legend('c_bit_on_call'), legend('c_code_talk'));
    const wrong: string[] = [];
    for (const f of ALL_SQL) {
      for (const m of code(f.text).matchAll(/WHEN\s+[\w.]+\s*&\s*(\d+)\s+THEN\s+(\d+)\b/g)) {
        if (codeOfBit.get(Number(m[1])) !== Number(m[2])) wrong.push(`${f.path}: & ${m[1]} THEN ${m[2]}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('the transform’s stages spell no packing constant or mask as a bare number', () => {
    const packing = [...LEGEND.entries()].filter(([n, v]) => /^c_(na_|row_stride|bits_|bit_unloaded|slot_seconds)/.test(n) && v > 8).map(([, v]) => v);
    const bare: string[] = [];
    for (const f of TRANSFORM) {
      const lines = code(f.text).split('\n');
      lines.forEach((line, i) => {
        if (/^\s*DECLARE\b/i.test(line)) return;
        for (const m of line.matchAll(/(?:&|\*|\bDIV|\bMOD|[-+])\s*\(?\s*(\d+)\b|\b(\d+)\s*(?:\*|\bDIV\b)/g)) {
          const n = Number(m[1] ?? m[2]);
          if (packing.includes(n)) bare.push(`${f.path}:${i + 1}: ${line.trim()}`);
        }
        for (const m of line.matchAll(/&\s*(\d+)\b/g)) bare.push(`${f.path}:${i + 1}: & ${m[1]}`);
      });
    }
    expect(bare).toEqual([]);
  });
});

describe('limits tied across files', () => {
  it('the TypeScript runs the transform a day at a time, which the SQL counts as all agents at once', () => {
    const perCall = Number(/const HOURS_PER_CALL = (\d+);/.exec(read('src/ingest/aggregate.ts'))?.[1]);
    const allAgents = Number(/IF v_hours <= (\d+) THEN\s+CALL sp_aggregate_span\(v_from, v_to, NULL, NULL\)/.exec(read('db/procedures/sp_aggregate_between.sql'))?.[1]);
    expect(perCall).toBeGreaterThan(0);
    // a collector's or backfill's call must take the all-agents path, never the groups'
    expect(perCall).toBeLessThanOrEqual(allAgents);
  });

  it('the longest run sp_aggregate_between gives one span fits the span’s slot limit', () => {
    const between = read('db/procedures/sp_aggregate_between.sql');
    const slots = read('db/procedures/_private_span_slots.sql');
    expect(between).toContain('LIMIT 1 OFFSET v_run_hours');
    // the longer of the two runs: by groups of agents
    const runHours = Number(/DECLARE v_run_hours INT DEFAULT IF\(@apr_agent_hours_per_piece IS NULL, \d+, (\d+)\)/.exec(between)?.[1]) + 1;
    const limit = Number(/IF \(SELECT COUNT\(\*\) FROM apr_tmp_slots\) > (\d+) THEN/.exec(slots)?.[1]);
    expect(runHours).toBe(744);
    expect(slots).toContain(`at most ${limit} slots`);
    // four slots an hour, and a few more where a DST change makes an hour of 90 minutes
    expect(runHours * 4 + 8).toBeLessThanOrEqual(limit);
    // the legend's bound on an na mark rests on that limit
    expect(read('db/procedures/sp_aggregate_span.sql')).toContain(`at most ${limit} slots`);
  });
});
