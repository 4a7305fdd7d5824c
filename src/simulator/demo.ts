// The simulator `npm start` and `npm run backfill` run in-process when API_BASE is unset:
// the same seed in both, so a backfill fills in the same contact centre the collector sees.
export const DEMO_SIMULATOR = { agents: 100, seed: 42 } as const;
/** Credentials for the in-process simulator, which accepts any. Not secrets. */
export const DEMO_CREDENTIALS = { tenant: 'demo', username: 'demo', password: 'demo', accountId: 'demo' } as const;
