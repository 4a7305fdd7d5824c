// Whole numbers a person types: a flag's value (--concurrency 4) or a variable's
// (PORT=6699). One rule for both: decimal digits only (no sign, point, exponent, hex or
// spaces), within the range the caller allows. Below config.ts and the commands, which
// both use it; each says the error in its own words and type (a flag: UsageError, exit 2;
// a variable: ConfigError, exit 78), naming the flag or variable, the value and the range.
import { UsageError } from './usage-error.ts';

export interface WholeRange {
  min: number;
  max: number;
  /** What is counted, when the message should say it: "hours". */
  of?: string;
}

/**
 * `raw` as a whole number in [min, max]. Otherwise throws `refuse(allowed)`, where
 * `allowed` says the range: "a whole number from 1 to 16".
 */
export function wholeNumber(raw: string, range: WholeRange, refuse: (allowed: string) => Error): number {
  const n = Number(raw);
  if (/^\d+$/.test(raw) && n >= range.min && n <= range.max) return n;
  throw refuse(`a whole number${range.of ? ` of ${range.of}` : ''} from ${range.min} to ${range.max}`);
}

/** Flag --`name` as a whole number in range; undefined when it is not given. */
export function wholeFlag(values: Map<string, string>, name: string, range: WholeRange): number | undefined {
  const raw = values.get(name);
  if (raw === undefined) return undefined;
  return wholeNumber(raw, range, (allowed) => new UsageError(`--${name} ${JSON.stringify(raw)}: give ${allowed}`));
}
