// The exit codes are distinct, and README.md documents exactly these.
import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { EXIT } from '../src/cli/exit.ts';

describe('exit codes', () => {
  it('are distinct and listed in the README, no more, no less', () => {
    const values = Object.values(EXIT) as number[];
    expect(new Set(values).size).toBe(values.length);
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const section = readme.split('### Exit codes')[1]!.split('\n#')[0]!;
    const documented = [...section.matchAll(/^\|\s*(\d+)\s*\|/gm)].map((m) => Number(m[1]));
    expect(documented.sort((a, b) => a - b)).toEqual([...values].sort((a, b) => a - b));
  });
});
