// Reason categories of rules §3, written independently of the SQL so the tests compare two
// implementations. The SQL reads its rules from break_reason_map (seeded by migration 006).

export type MatchType = 'equals' | 'contains';

export interface BreakRule {
  id: number;
  priority: number;
  matchType: MatchType;
  pattern: string;
  category: string;
}

/** The seeded rules, in the order migration 006 inserts them (so ids 1..15). */
export const DEFAULT_RULES: readonly BreakRule[] = [
  [10, 'equals', 'login', 'Login'],
  [11, 'equals', 'logoff', 'Logoff'],
  [11, 'equals', 'logout', 'Logoff'],
  [12, 'equals', 'dnd', 'DND'],
  [12, 'contains', 'do not disturb', 'DND'],
  [20, 'contains', 'meeting', 'Meeting'],
  [21, 'contains', 'training', 'Training'],
  [22, 'contains', 'chat', 'Chat'],
  [23, 'contains', 'ticket', 'Tickets'],
  [24, 'contains', 'outbound', 'Outbound'],
  [30, 'contains', 'lunch', 'Lunch'],
  [31, 'contains', 'tea break', 'Tea/Coffee'],
  [31, 'contains', 'coffee', 'Tea/Coffee'],
  [32, 'contains', 'bio break', 'Bio'],
  [33, 'contains', 'short break', 'Short Break'],
].map(([priority, matchType, pattern, category], i) => ({
  id: i + 1,
  priority: priority as number,
  matchType: matchType as MatchType,
  pattern: pattern as string,
  category: category as string,
}));

export const OTHER_NPT = 'Other NPT';

/**
 * rules §3 normalisation: trim, lower-case, collapse inner whitespace. "Whitespace" is the
 * ASCII set (tab, LF, VT, FF, CR, space), the same class the SQL uses, so both agree on
 * every input; lower-casing is meant for the reasons real agents type.
 */
export function normalizeReason(reason: string | null): string {
  return (reason ?? '').replace(/[\t\n\v\f\r ]+/g, ' ').trim().toLowerCase();
}

export type Categorize = (reason: string | null) => string;

/** First matching rule by (priority, id); no match, empty or NULL reason: Other NPT. */
export function categorizeWith(rules: readonly BreakRule[]): Categorize {
  const ordered = [...rules]
    .map((r) => ({ ...r, pattern: normalizeReason(r.pattern) }))
    .sort((a, b) => a.priority - b.priority || a.id - b.id);
  return (reason) => {
    const r = normalizeReason(reason);
    if (r === '') return OTHER_NPT;
    for (const rule of ordered) {
      if (rule.matchType === 'equals' ? r === rule.pattern : r.includes(rule.pattern)) return rule.category;
    }
    return OTHER_NPT;
  };
}

export const defaultCategorize: Categorize = categorizeWith(DEFAULT_RULES);
