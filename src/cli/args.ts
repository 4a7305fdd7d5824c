// Flags as `--name value` or `--name=value` (the replaced service's scripts took both).
import { UsageError } from '../usage-error.ts';

export interface FlagSpec {
  /** Flags that take a value. */
  values: string[];
  /** Flags that take none (e.g. --yes, --no-bom). */
  switches?: string[];
  /** Flags of `values` that may be given more than once (--team A --team B), in `lists`. */
  repeatable?: string[];
  /** Whether words that are not flags are taken (a subcommand, a file): in `positionals`. */
  positionals?: boolean;
}

export interface ParsedFlags {
  values: Map<string, string>;
  switches: Set<string>;
  /** Every value of a repeatable flag, in order (the last also in `values`). */
  lists: Map<string, string[]>;
  positionals: string[];
}

/** Parses argv; unknown, repeated or value-less flags are a UsageError naming the flag. */
export function parseFlags(argv: string[], spec: FlagSpec): ParsedFlags {
  const values = new Map<string, string>();
  const switches = new Set<string>();
  const lists = new Map<string, string[]>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const m = /^--([A-Za-z][\w-]*)(?:=(.*))?$/s.exec(arg);
    if (!m && spec.positionals && !arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    if (!m) throw new UsageError(`unexpected argument ${JSON.stringify(arg)}: flags look like --name value or --name=value`);
    const name = m[1]!;
    if (spec.switches?.includes(name)) {
      if (m[2] !== undefined) throw new UsageError(`--${name} takes no value`);
      if (switches.has(name)) throw new UsageError(`--${name} is given twice`);
      switches.add(name);
      continue;
    }
    if (!spec.values.includes(name)) throw new UsageError(`unknown argument --${name}`);
    const repeatable = spec.repeatable?.includes(name) ?? false;
    if (values.has(name) && !repeatable) throw new UsageError(`--${name} is given twice`);
    let value = m[2];
    if (value === undefined) {
      value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value`);
      i++;
    }
    values.set(name, value);
    if (repeatable) lists.set(name, [...(lists.get(name) ?? []), value]);
  }
  return { values, switches, lists, positionals };
}
