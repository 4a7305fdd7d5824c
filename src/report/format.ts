// Formatting only (rules §5): the figures arrive computed by the report query
// (src/report/query.ts). No locale is
// consulted anywhere: month names and separators are fixed here.
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// (a table: a month's report pads tens of millions of numbers)
const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const pad2 = (n: number) => TWO_DIGITS[n] ?? String(n).padStart(2, '0');

/** Seconds as HH:MM:SS, hours at least two digits (`25:00:00` stays 25). */
export function hms(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return `${pad2(h)}:${pad2(m)}:${pad2(seconds % 60)}`;
}

/** Hundredths of a percent as `33.33`; null (nothing to divide by) as empty. */
export function hundredths(h: number | null): string {
  if (h === null) return '';
  return `${Math.floor(h / 100)}.${pad2(h % 100)}`;
}

// Local DATETIMEs arrive as 'YYYY-MM-DD HH:MM:SS' (the pool reads dates as strings).
const year = (dt: string) => dt.slice(0, 4);
const month = (dt: string) => dt.slice(5, 7);
const day = (dt: string) => dt.slice(8, 10);
const hhmm = (dt: string) => dt.slice(11, 16);
const clock = (dt: string) => dt.slice(11, 19);

/** `09:00 - 10:00`; the last hour of a day ends `00:00`. */
export function interval(localStart: string, localEnd: string): string {
  return `${hhmm(localStart)} - ${hhmm(localEnd)}`;
}

/** `07-Sep`, English month abbreviations whatever the machine's locale. */
export function shortDate(local: string): string {
  return `${day(local)}-${MONTHS[Number(month(local)) - 1]}`;
}

/** `07/09/2025, 09:00:00`. */
export function dateTime(local: string): string {
  return `${day(local)}/${month(local)}/${year(local)}, ${clock(local)}`;
}

/** What a spreadsheet would run as a formula when a text field starts with it. */
export const FORMULA_START = /^[=+\-@\t\r]/;

/** A text field (Name, Ext) a spreadsheet would run as a formula gets a leading `'` (rules §5). */
export function safeName(name: string): string {
  return FORMULA_START.test(name) ? `'${name}` : name;
}

/**
 * ISO 8601 with the local offset, `2025-09-07T09:00:00+04:00`, from the wall clock and
 * the instant it names (their difference is the offset, whole minutes in every real zone).
 */
export function isoLocal(local: string, epoch: number): string {
  const wall = Date.parse(`${local.replace(' ', 'T')}Z`) / 1000;
  const minutes = Math.round((wall - epoch) / 60);
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${local.replace(' ', 'T')}${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
}
