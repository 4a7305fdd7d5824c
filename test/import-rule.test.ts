// README "How it works": no imports back up the pipeline. Read from the code's own import
// statements (static, `export ... from`, type-only and dynamic import()), every file of
// src/ imports only its own folder, the folders the pipeline lets it drive, and what lies
// below all of them.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

/** Below all of the pipeline: any file may import these (they import only each other). */
const BELOW_ALL = ['db', 'access', 'config', 'json-bounds', 'log', 'metrics', 'names', 'numbers', 'time', 'types', 'usage-error'];

/** What each stage may import besides its own folder and BELOW_ALL. */
const DRIVES: Record<string, string[]> = {
  upstream: [],
  load: [],
  ingest: ['upstream', 'load'],
  retention: ['ingest', 'load'],
  collector: ['ingest', 'load', 'retention', 'upstream'],
  backfill: ['ingest', 'load', 'retention', 'upstream'],
  report: [],
  now: ['report'],
  schedules: ['now', 'report'],
  http: ['now', 'report', 'schedules'],
  simulator: [],
  bench: ['backfill', 'collector', 'http', 'ingest', 'load', 'now', 'report', 'simulator', 'upstream'],
  cli: ['backfill', 'bench', 'collector', 'http', 'ingest', 'load', 'now', 'report', 'schedules', 'retention', 'simulator', 'upstream'],
};

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** The folder under src/ a path lies in, or the name of a file directly in src/ (no `.ts`). */
function unitOf(path: string): string {
  const [first, ...rest] = relative(SRC, path).split(/[\\/]/);
  return rest.length === 0 ? first!.replace(/\.ts$/, '') : first!;
}

/** The relative module paths a file imports, found in its text. */
function importsOf(text: string): string[] {
  const out: string[] = [];
  const patterns = [
    /^\s*(?:import|export)\s[^;]*?\sfrom\s+'([^']+)'/gm, // import x from '...', export { x } from '...'
    /^\s*import\s+'([^']+)'/gm, // import '...' (side effect)
    /\bimport\(\s*'([^']+)'\s*\)/g, // import('...')
  ];
  for (const p of patterns) for (const m of text.matchAll(p)) out.push(m[1]!);
  return out.filter((s) => s.startsWith('.'));
}

const edges = tsFiles(SRC).flatMap((file) =>
  importsOf(readFileSync(file, 'utf8')).map((spec) => ({
    file: relative(SRC, file),
    spec,
    from: unitOf(file),
    to: unitOf(normalize(join(dirname(file), spec))),
  })),
);

describe("README's import rule", () => {
  it('finds the imports (a parser that found none would prove nothing)', () => {
    expect(edges.length).toBeGreaterThan(100);
    expect(edges.some((e) => e.from === 'cli' && e.to === 'backfill')).toBe(true);
    // every folder and file of src/ has a place in the rule (src/page is plain JS, served as is)
    const units = new Set(tsFiles(SRC).map(unitOf));
    for (const u of units) expect([...BELOW_ALL, ...Object.keys(DRIVES)], `src/${u} has no place in the import rule`).toContain(u);
  });

  it('no file imports back up the pipeline, sideways, or out of what lies below all', () => {
    const wrong = edges
      .filter((e) => e.from !== e.to && !BELOW_ALL.includes(e.to))
      .filter((e) => BELOW_ALL.includes(e.from) || !(DRIVES[e.from] ?? []).includes(e.to))
      .map((e) => `src/${e.file} imports ${e.spec} (${e.from} -> ${e.to})`);
    expect(wrong).toEqual([]);
  });

  it('no module imports itself through others (type-only imports count: a route file takes Context from its own module, not from the server that lists the routes)', () => {
    const next = new Map<string, string[]>();
    for (const e of edges) {
      const to = normalize(join(dirname(e.file), e.spec));
      next.set(e.file, [...(next.get(e.file) ?? []), to]);
    }
    const cycles: string[] = [];
    const done = new Set<string>();
    const visit = (file: string, path: string[]) => {
      const at = path.indexOf(file);
      if (at >= 0) return void cycles.push([...path.slice(at), file].join(' -> '));
      if (done.has(file)) return;
      for (const to of next.get(file) ?? []) visit(to, [...path, file]);
      done.add(file);
    };
    for (const file of next.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it('README lists what lies below all of the pipeline, as this test does', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const sentence = readme.split('Folders import only')[1]!.split('\n\n')[0]!;
    const listed = [...sentence.matchAll(/`src\/([a-z-]+)(?:\.ts)?`/g)].map((m) => m[1]!);
    expect([...new Set(listed.filter((u) => BELOW_ALL.includes(u)))].sort()).toEqual([...BELOW_ALL].sort());
  });
});
