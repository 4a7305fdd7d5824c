// The report's order of extensions (SPEC §5), as SQL: all-digit extensions first, by
// number (compared as text without leading zeros, shorter first, so any length works;
// '007' and '7' then go by bytes), then the others in binary order. Keys are cast to
// BINARY because utf8mb4_bin pads with spaces when comparing ('Z<tab>' would sort before
// 'Z'). The report's rows and `npm run teams -- list` both use it.

/** ORDER BY terms that put the extension column `col` in report order. */
export function extOrder(col: string): string {
  return `CASE WHEN ${col} REGEXP '^[0-9]+$' THEN 0 ELSE 1 END,
  CASE WHEN ${col} REGEXP '^[0-9]+$' THEN LENGTH(TRIM(LEADING '0' FROM ${col})) ELSE 0 END,
  CAST(CASE WHEN ${col} REGEXP '^[0-9]+$' THEN TRIM(LEADING '0' FROM ${col}) ELSE ${col} END AS BINARY),
  CAST(${col} AS BINARY)`;
}
