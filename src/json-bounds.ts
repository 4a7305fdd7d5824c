// JSON of unknown depth, handled without recursion that depends on the input. An upstream
// value a few thousand levels deep (a few KB, under every size cap) parses fine but makes
// JSON.stringify overflow the stack, and MariaDB's JSON columns take at most 31 levels:
// either would fail a whole window on every run. Depth is measured with an explicit
// stack; a value is only stringified once its depth is known to be bounded.

/** Deepest JSON document MariaDB's JSON type accepts (MySQL takes 100). */
export const MAX_STORED_JSON_DEPTH = 31;

/**
 * Nesting depth of `v` (a scalar 0, `[]` and `{}` 1, `[[]]` 2), counting no further than
 * `limit + 1`: enough to tell whether it is over `limit`, whatever the input.
 */
export function jsonDepth(v: unknown, limit = Number.MAX_SAFE_INTEGER): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[v, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    const here = depth + 1;
    if (here > deepest) deepest = here;
    if (deepest > limit) return deepest;
    for (const child of Array.isArray(value) ? value : Object.values(value)) {
      if (typeof child === 'object' && child !== null) stack.push([child, here]);
    }
  }
  return deepest;
}

/** A copy of `v` whose containers below `maxDepth` levels are replaced by a note. */
function pruned(v: unknown, maxDepth: number): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (maxDepth <= 0) return `… (nested deeper than this: cut)`;
  // recursion bounded by maxDepth, not by the input
  if (Array.isArray(v)) return v.map((x) => pruned(x, maxDepth - 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = pruned(x, maxDepth - 1);
  return out;
}

/**
 * JSON text of `v` (as JSON.stringify gives it when it is at most `maxDepth` deep; deeper
 * parts are replaced by a note), never throwing on depth. `maxChars` cuts the text (then
 * it is no longer JSON): for messages, not for storage.
 */
export function boundedJson(v: unknown, maxDepth = MAX_STORED_JSON_DEPTH, maxChars = Number.MAX_SAFE_INTEGER): string {
  const safe = jsonDepth(v, maxDepth) > maxDepth ? pruned(v, maxDepth) : v;
  const text = JSON.stringify(safe) ?? String(safe);
  return text.length > maxChars ? `${text.slice(0, maxChars)}…` : text;
}
