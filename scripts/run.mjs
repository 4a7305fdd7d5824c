// The npm scripts' launcher: `node scripts/run.mjs <command> [flags]` makes sure dist/ is
// built (scripts/ensure-built.mjs), then runs dist/cli/<command>.js in this same process,
// with the flags as its own. One node process per command, not a pre-script's and the
// command's: start-up stays short, and a signal reaches the command itself.
import { ensureBuilt } from './ensure-built.mjs';

const command = process.argv[2];
if (!command || !/^[a-z-]+$/.test(command)) {
  console.error('usage: node scripts/run.mjs <command> [flags], e.g. node scripts/run.mjs backfill --help');
  process.exit(2);
}
if (!ensureBuilt()) process.exit(1);
process.argv.splice(2, 1);
await import(`../dist/cli/${command}.js`);
