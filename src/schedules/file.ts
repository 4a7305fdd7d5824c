// The schedule file (REPORT_SCHEDULES): JSON, checked against one zod schema, from which
// the TypeScript type is inferred, so the check and the type cannot drift apart. A bad
// file is refused with one line naming the schedule and the field.
import { readFile } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import cronParser from 'cron-parser';
import { z } from 'zod';
import { FORMATS, INTERVALS } from '../report/params.ts';
import { RANGES } from './range.ts';

/** The file cannot be used; the message is the one line to print. */
export class ScheduleFileError extends Error {}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const EXT = /^[A-Za-z0-9._-]{1,32}$/;
// rules §9: 1-64 characters, no comma, no control character, not only spaces
const TEAM = /^(?=.*\S)[^,\u0000-\u001f\u007f-\u009f]{1,64}$/;

/** A cron expression node-schedule accepts (5 fields, or 6 with seconds first). */
function validCron(tz: string) {
  return (expr: string) => {
    const fields = expr.trim().split(/\s+/).length;
    if (fields < 5 || fields > 6) return false;
    try {
      cronParser.parseExpression(expr, { tz });
      return true;
    } catch {
      return false;
    }
  };
}

const reportSchema = z
  .strictObject({
    interval: z.enum(INTERVALS).optional(),
    format: z.enum(FORMATS).optional(),
    durations: z.enum(['hms', 'seconds']).optional(),
    bom: z.boolean().optional(),
    ext: z.array(z.string().regex(EXT, { error: 'an extension is 1-32 letters, digits, "-", "_" or "."' })).min(1).optional(),
    // a name, a comma-separated list of names (as the API takes it), or an array of names
    team: z
      .union([z.string().refine((s) => s.split(',').every((t) => TEAM.test(t.trim())), { error: 'team names are 1-64 characters, no control character, comma-separated' }), z.array(z.string().regex(TEAM, { error: 'a team name is 1-64 characters, no comma, no control character' })).min(1)])
      .optional(),
    by: z.enum(['agent', 'team']).optional(),
    breaks: z.boolean().optional(),
    over: z.boolean().optional(),
  })
  .superRefine((r, ctx) => {
    if (r.breaks === true && r.by !== undefined) ctx.addIssue({ code: 'custom', path: ['by'], message: 'by applies to the report, not to the breaks report (breaks: true)' });
    if (r.breaks === true && r.interval !== undefined) ctx.addIssue({ code: 'custom', path: ['interval'], message: 'interval applies to the report, not to the breaks report (breaks: true)' });
    if (r.breaks !== true && r.over !== undefined) ctx.addIssue({ code: 'custom', path: ['over'], message: 'over applies to the breaks report only: set breaks: true, or remove over' });
  });

function scheduleSchema(tz: string) {
  return z
    .strictObject({
      name: z.string().regex(NAME, { error: 'a name is 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit' }),
      cron: z.string().refine(validCron(tz), { error: 'not a cron expression: use five fields (minute hour day month weekday), e.g. "0 7 * * *"' }),
      range: z.enum(RANGES),
      report: reportSchema.optional(),
      email: z.strictObject({ to: z.array(z.email()).min(1), cc: z.array(z.email()).optional(), subject: z.string().min(1).max(200).optional() }).optional(),
      folder: z.string().refine(isAbsolute, { error: 'give an absolute path to an existing folder, e.g. /var/lib/apr/reports' }).optional(),
      webhook: z
        .strictObject({
          url: z.url({ protocol: /^https$/, error: 'must be an https:// URL' }),
          secret: z.string().min(16, { error: 'the secret signs each body: at least 16 characters' }),
        })
        .optional(),
      /** Overrides SCHEDULE_WAIT_MINUTES for this schedule. */
      waitMinutes: z.int().min(0).max(1440).optional(),
    })
    .refine((s) => s.email !== undefined || s.folder !== undefined || s.webhook !== undefined, {
      error: 'no destination: give at least one of email, folder or webhook',
    });
}

function fileSchema(tz: string) {
  return z.strictObject({ schedules: z.array(scheduleSchema(tz)) }).superRefine((f, ctx) => {
    const seen = new Set<string>();
    f.schedules.forEach((s, i) => {
      if (seen.has(s.name)) ctx.addIssue({ code: 'custom', path: ['schedules', i, 'name'], message: `the name ${JSON.stringify(s.name)} is used twice: names must be unique` });
      seen.add(s.name);
    });
  });
}

export type Schedule = z.infer<ReturnType<typeof scheduleSchema>>;
export type ScheduleReport = NonNullable<Schedule['report']>;
export type Destination = 'email' | 'folder' | 'webhook';

/** The destinations a schedule names, in a fixed order. */
export function destinationsOf(s: Schedule): Destination[] {
  return (['email', 'folder', 'webhook'] as const).filter((d) => s[d] !== undefined);
}

/** `email.to[0]` from a zod path below a schedule. */
function fieldName(path: PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}

/** One line for the first problem: the schedule (by name, else its position) and the field. */
function describe(file: string, data: unknown, issue: z.core.$ZodIssue): string {
  const path = [...issue.path];
  if (issue.code === 'unrecognized_keys') path.push(issue.keys[0]!);
  const where = `REPORT_SCHEDULES=${file}`;
  if (path[0] === 'schedules' && typeof path[1] === 'number') {
    const i = path[1];
    const raw = (data as { schedules: unknown[] }).schedules[i] as { name?: unknown } | undefined;
    const who = typeof raw?.name === 'string' && raw.name !== '' ? `schedule ${JSON.stringify(raw.name)}` : `schedule #${i + 1}`;
    const field = fieldName(path.slice(2));
    const what = issue.code === 'unrecognized_keys' ? `unknown field: remove it or check its spelling` : issue.message;
    return `${where}: ${who}${field === '' ? '' : `, ${field}`}: ${what}`;
  }
  if (issue.code === 'unrecognized_keys') return `${where}: unknown field ${fieldName(path)}: the file is {"schedules": [...]}`;
  return `${where}: ${fieldName(path) || 'the file'}: ${issue.message} (the file is {"schedules": [...]})`;
}

/** Checks parsed JSON; throws ScheduleFileError with one line. */
export function parseSchedules(file: string, data: unknown, tz: string): Schedule[] {
  const result = fileSchema(tz).safeParse(data);
  if (!result.success) throw new ScheduleFileError(describe(file, data, result.error.issues[0]!));
  return result.data.schedules;
}

/** Reads and checks the file named by REPORT_SCHEDULES. */
export async function loadSchedules(file: string, tz: string): Promise<Schedule[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new ScheduleFileError(`REPORT_SCHEDULES=${file} cannot be read (${code ?? (err as Error).message}): point it at the schedule file, or unset it`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ScheduleFileError(`REPORT_SCHEDULES=${file} is not valid JSON (${(err as Error).message})`);
  }
  return parseSchedules(file, data, tz);
}

/**
 * What the file cannot check by itself: e-mail needs SMTP_URL and SMTP_FROM, a folder
 * must exist and be writable. Said at start-up, not at 07:00 the next morning.
 */
export async function checkDestinations(file: string, schedules: Schedule[], cfg: { smtpUrl: string | undefined; smtpFrom: string | undefined }): Promise<void> {
  const { access, stat } = await import('node:fs/promises');
  const { constants } = await import('node:fs');
  for (const s of schedules) {
    const who = `REPORT_SCHEDULES=${file}: schedule ${JSON.stringify(s.name)}`;
    if (s.email !== undefined && (cfg.smtpUrl === undefined || cfg.smtpFrom === undefined)) {
      throw new ScheduleFileError(`${who}, email: set SMTP_URL (e.g. smtp://user:pass@host:587) and SMTP_FROM to send e-mail, or remove email`);
    }
    if (s.folder !== undefined) {
      try {
        if (!(await stat(s.folder)).isDirectory()) throw new Error('not a folder');
        await access(s.folder, constants.W_OK);
      } catch (err) {
        const why = (err as { code?: string }).code ?? (err as Error).message;
        throw new ScheduleFileError(`${who}, folder: ${s.folder} cannot be written (${why}): create it, writable by this user`);
      }
    }
  }
}
