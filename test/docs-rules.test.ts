// docs/rules.md documents every report column, in the report's order, and stands alone
// (no path outside the repository).
import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');
const rules = read('../docs/rules.md');

describe('docs/rules.md', () => {
  it('lists the columns of the worked example’s expected report, in order, numbered', () => {
    const header = read('./fixtures/worked-example/v2/expected.csv').split('\r\n')[0]!.split(',');
    expect(header).toHaveLength(35);
    const csvSection = rules.split('### 5.4 The CSV')[1]!.split('### 5.5')[0]!;
    const documented = [...csvSection.matchAll(/^\| (\d+) \| ([^|]+?) \|/gm)].map((m) => [Number(m[1]), m[2]]);
    expect(documented).toEqual(header.map((h, i) => [i + 1, h]));
  });

  it('refers to nothing outside the repository', () => {
    expect(rules).not.toMatch(/\.\.\/shared|\/work\/|SPEC\.md/);
  });
});
