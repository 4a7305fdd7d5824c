// One rule for the whole numbers a person types, as a flag's value or a variable's
// (src/numbers.ts): the same values pass and fail for both, and each error names the flag
// or variable, the value and the range, in the error type of its caller.
import { describe, it, expect } from 'vitest';
import { wholeFlag, wholeNumber } from '../src/numbers.ts';
import { UsageError } from '../src/usage-error.ts';
import { ConfigError, loadConfig } from '../src/config.ts';
import { backfillRange } from '../src/backfill/range.ts';

const NOT_WHOLE = ['', ' 5', '5 ', '+5', '-5', '5.0', '1e1', '0x10', '٥', '5s', 'five'];
const refuse = (allowed: string) => new Error(allowed);

describe('whole numbers', () => {
  it('are decimal digits inside the range, both ends included', () => {
    expect(wholeNumber('1', { min: 1, max: 16 }, refuse)).toBe(1);
    expect(wholeNumber('16', { min: 1, max: 16 }, refuse)).toBe(16);
    expect(wholeNumber('0', { min: 0, max: 65535 }, refuse)).toBe(0);
    expect(wholeNumber('007', { min: 0, max: 10 }, refuse)).toBe(7);
    expect(() => wholeNumber('17', { min: 1, max: 16 }, refuse)).toThrow('a whole number from 1 to 16');
    expect(() => wholeNumber('0', { min: 1, max: 16 }, refuse)).toThrow('a whole number from 1 to 16');
    expect(() => wholeNumber('99999999999999999999', { min: 1, max: 16 }, refuse)).toThrow('a whole number from 1 to 16');
    for (const raw of NOT_WHOLE) expect(() => wholeNumber(raw, { min: 0, max: 100 }, refuse), JSON.stringify(raw)).toThrow();
  });

  it('as a flag: a UsageError naming the flag, the value and the range; absent is undefined', () => {
    const flags = new Map([['concurrency', '0']]);
    expect(() => wholeFlag(flags, 'concurrency', { min: 1, max: 16 })).toThrow(UsageError);
    expect(() => wholeFlag(flags, 'concurrency', { min: 1, max: 16 })).toThrow('--concurrency "0": give a whole number from 1 to 16');
    expect(wholeFlag(flags, 'agents', { min: 1, max: 16 })).toBeUndefined();
    expect(wholeFlag(new Map([['port', '7070']]), 'port', { min: 0, max: 65535 })).toBe(7070);
  });

  it('the same values fail as a variable (ConfigError) and as a flag (UsageError)', () => {
    // (a variable is trimmed first, and a blank one means the default: those are left out)
    for (const raw of NOT_WHOLE.filter((r) => r !== '' && r.trim() === r)) {
      expect(() => loadConfig({ PORT: raw }), raw).toThrow(ConfigError);
      expect(() => loadConfig({ PORT: raw }), raw).toThrow(`PORT=${JSON.stringify(raw)} is not valid: set PORT to a whole number from 0 to 65535, or remove it to use the default 6699.`);
      expect(() => backfillRange(new Map([['hours', raw]]), 'UTC', 1_757_500_000), raw).toThrow(UsageError);
      expect(() => backfillRange(new Map([['hours', raw]]), 'UTC', 1_757_500_000), raw).toThrow(`--hours ${JSON.stringify(raw)}: give a whole number of hours from 1 to 87840`);
    }
  });
});
