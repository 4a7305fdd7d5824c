// A scheduled report's bytes: the schedule's range and report parameters as the API's
// query, through the API's own parser and writer (report-source.ts), into a spool file
// that every destination then reads. A file, not memory: a month of a large centre is
// hundreds of MB.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pool } from 'mysql2/promise';
import type { ScheduleReport } from './file.ts';
import type { LocalRange } from './range.ts';
import { reportSource, UnavailableReportError } from './report-source.ts';

export interface Produced {
  /** The spool file holding the bytes. */
  path: string;
  /** As GET /api/report's Content-Disposition names it. */
  filename: string;
  contentType: string;
  bytes: number;
  rows: number;
  /** The data horizon the report was read at (epoch seconds), null when nothing is loaded. */
  horizon: number | null;
  sha256: string;
  /** The API request with the same bytes, e.g. /api/report?startDate=...&endDate=... */
  apiPath: string;
  /** Removes the spool file. */
  discard(): Promise<void>;
}

/** The query a schedule's report is: the range, then the report parameters given. */
export function reportPairs(range: LocalRange, report: ScheduleReport = {}): [string, string][] {
  const pairs: [string, string][] = [
    ['startDate', range.startDate],
    ['endDate', range.endDate],
  ];
  if (range.endTime !== undefined) pairs.push(['endTime', range.endTime]);
  const list = (v: string | string[]) => (Array.isArray(v) ? v.join(',') : v);
  if (report.ext !== undefined) pairs.push(['ext', report.ext.join(',')]);
  if (report.team !== undefined) pairs.push(['team', list(report.team)]);
  if (report.by !== undefined) pairs.push(['by', report.by]);
  if (report.interval !== undefined) pairs.push(['interval', report.interval]);
  if (report.format !== undefined) pairs.push(['format', report.format]);
  if (report.durations !== undefined) pairs.push(['durations', report.durations]);
  if (report.bom !== undefined) pairs.push(['bom', report.bom ? '1' : '0']);
  if (report.over !== undefined) pairs.push(['over', report.over ? '1' : '0']);
  return pairs;
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function produceReport(pool: Pool, report: ScheduleReport | undefined, range: LocalRange, tz: string, maxDays: number): Promise<Produced> {
  const source = reportSource(report?.breaks === true);
  const pairs = reportPairs(range, report);
  // A parameter this build's API does not take (team, by before teams are built) is
  // never dropped silently: the run fails and says which.
  for (const [name] of pairs) {
    if (!source.names.includes(name)) {
      throw new UnavailableReportError(`report.${name} needs the ${source.path} parameter ${name}, which this build does not have: remove it from the schedule, or upgrade`);
    }
  }
  const prepared = source.prepare(pairs, tz, maxDays);
  const dir = await mkdtemp(join(tmpdir(), 'apr-schedule-'));
  const path = join(dir, prepared.filename);
  const discard = () => rm(dir, { recursive: true, force: true });
  try {
    const file = createWriteStream(path);
    file.on('error', () => {}); // the pipeline in write() reports it
    const { rows, horizon, contentType } = await prepared.write(pool, file);
    return {
      path,
      filename: prepared.filename,
      contentType,
      bytes: (await stat(path)).size,
      rows,
      horizon,
      sha256: await sha256Of(path),
      apiPath: `${source.path}?${new URLSearchParams(pairs).toString()}`,
      discard,
    };
  } catch (err) {
    await discard();
    throw err;
  }
}
