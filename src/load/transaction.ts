// One window = one transaction: the loader's name for src/db/transaction.ts.
export { withTransaction } from '../db/transaction.ts';
