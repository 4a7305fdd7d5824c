// A mistake in what a user asked for (a flag, a value): one line naming the fix, exit 2.
// Below the CLIs and the backfill's range parser, which both raise it.
export class UsageError extends Error {}
