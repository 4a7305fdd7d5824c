// Formatting and the totals row. Rounding is exact integer arithmetic, halves up, as rules §5
// computes a `total` row: from sums, never an average of averages.

const pad2 = (n) => String(n).padStart(2, '0');

/** Seconds as HH:MM:SS, hours at least two digits. */
export function hms(seconds) {
  const s = Math.max(0, Math.trunc(seconds));
  return `${pad2(Math.floor(s / 3600))}:${pad2(Math.floor((s % 3600) / 60))}:${pad2(s % 60)}`;
}

export function duration(seconds, mode) {
  return mode === 'seconds' ? String(seconds) : hms(seconds);
}

/** A percentage as the CSV prints it: `33.33`, empty for null. */
export function pct(value) {
  return value === null || value === undefined ? '' : Number(value).toFixed(2);
}

/** Hundredths of n / d × 100, halves up: (20000·n + d) DIV (2·d); null when d is 0. */
export function hundredths(n, d) {
  if (d === 0) return null;
  return Number((20000n * BigInt(n) + BigInt(d)) / (2n * BigInt(d)));
}

/** n / d to the nearest whole number, halves up; 0 when d is 0. */
export function roundedRatio(n, d) {
  if (d === 0) return 0;
  return Number((2n * BigInt(n) + BigInt(d)) / (2n * BigInt(d)));
}

/** Answer rate from counts: at most 100.00 (the upstream may say answered > total). */
export function answerRate(answered, total) {
  if (total === 0) return null;
  return Math.min(hundredths(answered, total), 10000) / 100;
}

export function occupancy(talk, hold, wrap, available) {
  const h = hundredths(talk + hold + wrap, available);
  return h === null ? null : h / 100;
}

/** The totals row of `rows` for the given columns: sums, and Failed Calls and the ratios from the sums. */
export function totals(rows, columns) {
  const sum = {};
  for (const c of columns) if (c.kind === 'dur' || c.kind === 'count') sum[c.key] = rows.reduce((n, r) => n + (r[c.key] ?? 0), 0);
  sum.failed_calls = Math.max(0, sum.total_calls - sum.answered_calls);
  const handled = sum.talk_time + sum.hold_time + sum.wrap_up_time;
  sum.aht = roundedRatio(handled, sum.answered_calls);
  sum.answer_rate = answerRate(sum.answered_calls, sum.total_calls);
  sum.occupancy = occupancy(sum.talk_time, sum.hold_time, sum.wrap_up_time, sum.available_time);
  return sum;
}

/** `07/09/2025, 09:00:00` from `2025-09-07T09:00:00+04:00` (the CSV's form, local time as given). */
export function csvDateTime(iso) {
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}, ${iso.slice(11, 19)}`;
}

/** A cell's text, as the CSV of the same request prints it. */
export function cellText(row, column, mode) {
  const v = row[column.key];
  switch (column.kind) {
    case 'dur':
      return v === undefined ? '' : duration(v, mode);
    case 'pct':
      return pct(v);
    case 'count':
      return v === undefined ? '' : String(v);
    default:
      if (column.key === 'start_time' || column.key === 'end_time') return v ? csvDateTime(v) : '';
      return v ?? '';
  }
}

/** Wall-clock parts of an instant in a zone: { date: 'YYYY-MM-DD', time: 'HH:MM:SS' }. */
export function wallClock(epochMs, timeZone) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    }).formatToParts(new Date(epochMs)).map((p) => [p.type, p.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}:${parts.second}` };
}

/** The instant (ms) of a wall-clock time in a zone (the first, when it happens twice). */
export function zonedInstant(date, time, timeZone) {
  const wall = Date.parse(`${date}T${time}Z`);
  let guess = wall;
  for (let i = 0; i < 3; i++) {
    const w = wallClock(guess, timeZone);
    const seen = Date.parse(`${w.date}T${w.time}Z`);
    guess += wall - seen;
  }
  return guess;
}
