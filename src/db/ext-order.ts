// The report's order of extensions (rules §5), as SQL: all-digit extensions first, by
// number (compared as text without leading zeros, shorter first, so any length works;
// '007' and '7' then go by bytes), then the others in binary order. The rule is one sort
// key, binary so no pad-space comparison ('Z<tab>' after 'Z'): db/procedures/fn_ext_sort.sql,
// kept with each agent as agents.ext_sort (migration 102). A query over agents rows sorts
// by that column (`agents.ext_sort`, no computing per row); extOrder is for an extension
// column with no agents row at hand. The report's rows and `npm run teams -- list` use it.

/** An ORDER BY term that puts the extension column `col` in report order. */
export function extOrder(col: string): string {
  return `fn_ext_sort(${col})`;
}
