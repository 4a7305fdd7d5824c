// npm run report -- --startDate 2025-09-07 [...]: the same bytes as GET /api/report for
// the same request, written to a file.
import { constants, createWriteStream } from 'node:fs';
import { access, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../usage-error.ts';
import { PARAM_NAMES, ParamError, parseReportParams, reportFilename } from '../report/params.ts';
import { parseBreaksParams } from '../now/breaks-params.ts';
import type { BreaksParams } from '../now/breaks.ts';
import type { ReportParams } from '../report/params.ts';
import { breaksFilename } from '../now/breaks-filename.ts';
import { runCommand } from './command.ts';
import { EXIT, fail } from './exit.ts';
import { databaseProblem } from './problems.ts';

const HELP = `Usage: npm run report -- --startDate YYYY-MM-DD [options]

Writes the agent performance report (CSV or JSON) for the intervals starting in
[start, end), in REPORT_TZ: the same bytes GET /api/report returns for the same request.

  --startDate YYYY-MM-DD   first day (required)
  --startTime HH:MM:SS     start time on that day (default 00:00:00)
  --endDate YYYY-MM-DD     end day, exclusive unless --endTime is given
                           (default: 24 hours of local clock after the start)
  --endTime HH:MM:SS       end time on the end day (needs --endDate; default 00:00:00)
  --ext 4101,4102          only these extensions
  --team North,South       only these teams' agents (npm run teams); with --ext, both
  --by agent|team          one row per agent (default) or per team (their agents' sums)
  --interval 1h            15m, 30m, 1h (default), day, week or total
  --format csv             csv (default) or json
  --durations seconds      durations as whole seconds instead of HH:MM:SS
  --bom 0|1                UTF-8 byte-order mark (default 1); --no-bom is --bom 0
  --out FILE               where to write (default: report_<start>_to_<end>[_<interval>].<format> here)
  --breaks                 the breaks report instead (GET /api/breaks): one row per break that
                           begins in the range; takes the same flags but --interval, and
                           --over 1 for the breaks over their limit only (default 0);
                           default file breaks_<start>_to_<end>.<format>
  --help                   this text

Flags take "--name value" or "--name=value", with the names and values of the API's
parameters. Errors are one line {"error": "..."} on stderr; exit codes: 2 bad input (the
file is not written), 3 REPORT_TZ differs from the database's, 5 the database (DATABASE_URL) cannot be used or is not migrated,
1 the report failed while writing (no partial file is left), 78 configuration error.`;

// The API's parameter names, plus where to write: the same names and value forms on both.
const VALUES = [...PARAM_NAMES.filter((n) => n !== 'bom'), 'bom', 'out', 'over'];

/** --out names a file (not a folder) in a folder that exists and is writable; said before anything runs. */
async function checkOutFolder(path: string, defaultName: string): Promise<void> {
  const dir = dirname(path);
  const target = await stat(path).catch(() => undefined);
  if (target?.isDirectory()) throw new UsageError(`--out ${path} is a folder: name a file, e.g. --out ${join(path, defaultName)}`);
  try {
    if (!(await stat(dir)).isDirectory()) throw new UsageError(`--out ${path}: ${dir} is not a folder`);
    await access(dir, constants.W_OK);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT') throw new UsageError(`--out ${path}: the folder ${dir} does not exist: create it first, or write elsewhere`);
    if (code === 'EACCES' || code === 'EPERM') throw new UsageError(`--out ${path}: the folder ${dir} is not writable by this user: choose another folder`);
    throw new UsageError(`--out ${path}: the folder ${dir} cannot be used (${code ?? (err as Error).message})`);
  }
}

await runCommand({ name: 'report', help: HELP, flags: { values: VALUES, switches: ['no-bom', 'breaks'] } }, async (ctx) => {
  const { flags, cfg } = ctx;
  const out = flags.values.get('out');
  if (out === '') throw new UsageError('--out needs a file name');
  const pairs: [string, string][] = [...flags.values].filter(([name]) => name !== 'out');
  if (flags.switches.has('no-bom')) {
    if (flags.values.has('bom')) throw new UsageError('give --bom 0 or --no-bom, not both');
    pairs.push(['bom', '0']);
  }
  const breaks = flags.switches.has('breaks');
  let params: ReportParams | BreaksParams;
  try {
    params = breaks ? parseBreaksParams(pairs, cfg.reportTz, cfg.reportMaxDays) : parseReportParams(pairs, cfg.reportTz, cfg.reportMaxDays);
  } catch (err) {
    // the API's very words for the same request: nothing added
    if (err instanceof ParamError) fail(EXIT.USAGE, err.message);
    throw err;
  }
  const name = 'over' in params ? breaksFilename(params) : reportFilename(params);
  const path = resolve(out ?? name);
  await checkOutFolder(path, name);
  // Written beside the target and renamed at the end: a failed run leaves no half file.
  const partial = `${path}.${process.pid}.partial`;
  // (loaded here, not at the top: --help and a wrong flag need no database code)
  const { openReaders } = await import('../db/readers.ts');
  // a report reads the replica when REPORT_DATABASE_URL is set, as the API's do
  const readers = openReaders(cfg, await ctx.pool({ connectionLimit: 1 }), { connectionLimit: 1 });
  const pool = readers.pool;
  const { writeReport } = await import('../report/write.ts');
  const { writeBreaks } = await import('../now/breaks.ts');
  const { ZoneMismatchError } = await import('../db/zone.ts');
  const { ScopeError } = await import('../access/scope.ts');
  try {
    const file = createWriteStream(partial);
    // an error before the pipeline takes the stream (disk full, folder gone) reaches it there
    file.on('error', () => {});
    const { rows } =
      'over' in params
        ? await writeBreaks(pool, params as BreaksParams, cfg.reportTz, file)
        : await writeReport(pool, params, cfg.reportTz, file);
    await readers.close();
    await rename(partial, path);
    console.log(`wrote ${path} (${rows} row${rows === 1 ? '' : 's'})`);
    return EXIT.OK;
  } catch (err) {
    await rm(partial, { force: true });
    await Promise.all([readers.close(), ctx.close()]).catch(() => {});
    if (err instanceof ScopeError) fail(EXIT.USAGE, err.message);
    if (err instanceof ZoneMismatchError) fail(EXIT.REFUSED, err.message);
    const db = databaseProblem(err, readers.url, readers.variable);
    // a database an operator must fix is said as every command says it
    fail(db ? EXIT.DATABASE : EXIT.FAILED, db ?? `the report could not be written: ${(err as Error).message}`);
  }
});
