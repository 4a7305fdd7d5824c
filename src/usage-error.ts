// A mistake in what a user asked for (a flag, a value): one line naming the fix, exit 2.
// Below the CLIs, the backfill's range parser and src/numbers.ts, which all raise it.
export class UsageError extends Error {}
