// npm run report -- --startDate 2025-09-07 [...]: the same bytes as GET /api/report for
// the same request, written to a file.
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { loadConfigOrExit } from '../config.ts';
import { createPool } from '../db/pool.ts';
import { parseFlags, UsageError } from './args.ts';
import { ParamError, parseReportParams, reportFilename } from '../report/params.ts';
import { writeReport } from '../report/write.ts';
import { ZoneMismatchError } from '../db/zone.ts';

const HELP = `Usage: npm run report -- --startDate YYYY-MM-DD [options]

Writes the agent performance report (CSV or JSON) for the intervals starting in
[start, end), in REPORT_TZ: the same bytes GET /api/report returns for the same request.

  --startDate YYYY-MM-DD   first day (required)
  --startTime HH:MM:SS     start time on that day (default 00:00:00)
  --endDate YYYY-MM-DD     end day, exclusive unless --endTime is given
                           (default: 24 hours of local clock after the start)
  --endTime HH:MM:SS       end time on the end day (needs --endDate; default 00:00:00)
  --ext 4101,4102          only these extensions
  --interval 1h            15m, 30m, 1h (default), day, week or total
  --format csv             csv (default) or json
  --durations seconds      durations as whole seconds instead of HH:MM:SS
  --no-bom                 no UTF-8 byte-order mark
  --out FILE               where to write (default: report_<start>_to_<end>[_<interval>].<format> here)
  --help                   this text

Flags take "--name value" or "--name=value". Bad input exits with code 2 and
{"error": "..."} on stderr.`;

const VALUES = ['startDate', 'endDate', 'startTime', 'endTime', 'ext', 'durations', 'interval', 'format', 'out'];

function fail(code: number, message: string): never {
  process.stderr.write(JSON.stringify({ error: message }) + '\n');
  process.exit(code);
}

async function main(argv: string[]): Promise<void> {
  if (argv.includes('--help')) {
    console.log(HELP);
    return;
  }
  const cfg = loadConfigOrExit();
  let params;
  let out: string | undefined;
  try {
    const flags = parseFlags(argv, { values: VALUES, switches: ['no-bom', 'help'] });
    out = flags.values.get('out');
    if (out === '') throw new UsageError('--out needs a file name');
    const pairs: [string, string][] = [...flags.values].filter(([name]) => name !== 'out');
    if (flags.switches.has('no-bom')) pairs.push(['bom', '0']);
    params = parseReportParams(pairs, cfg.reportTz, cfg.reportMaxDays);
  } catch (err) {
    if (err instanceof UsageError || err instanceof ParamError) fail(2, err.message);
    throw err;
  }
  const path = resolve(out ?? reportFilename(params));
  // Written beside the target and renamed at the end: a failed run leaves no half file.
  const partial = `${path}.${process.pid}.partial`;
  const pool = createPool(cfg.databaseUrl, { connectionLimit: 1 });
  try {
    const { rows } = await writeReport(pool, params, cfg.reportTz, createWriteStream(partial));
    await rename(partial, path);
    console.log(`wrote ${path} (${rows} row${rows === 1 ? '' : 's'})`);
  } catch (err) {
    await rm(partial, { force: true });
    if (err instanceof ZoneMismatchError) fail(3, err.message);
    fail(1, `the report could not be written: ${(err as Error).message}`);
  } finally {
    await pool.end();
  }
}

await main(process.argv.slice(2));
