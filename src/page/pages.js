// The table's pages: a range whose rows would not fit the browser at once (a month of a
// large centre is hundreds of thousands of rows) is read a run of whole intervals at a
// time, each run at most PAGE_ROWS rows by the per-interval row counts of GET
// /api/intervals. The same report query over a run of whole intervals gives exactly those
// intervals' rows, so a page is the API's own answer for a shorter range.
export const PAGE_ROWS = 10000;

/** The local date and time of an ISO instant with offset, as the report's parameters take them. */
function wall(iso) {
  return { date: iso.slice(0, 10), time: iso.slice(11, 19) };
}

/**
 * Pages of the range: [{ startDate, startTime, endDate, endTime, rows, from, to }] where
 * from/to are the ISO bounds of the run of intervals; one page (the range itself) when all
 * rows fit. `range` is the chosen { startDate, startTime, endDate, endTime }.
 */
export function planPages(intervals, range, limit = PAGE_ROWS) {
  const total = intervals.reduce((n, x) => n + x.rows, 0);
  if (total <= limit || intervals.length <= 1) {
    return [{ ...range, rows: total, from: intervals[0]?.start_time ?? null, to: intervals.at(-1)?.end_time ?? null }];
  }
  const pages = [];
  let start = 0;
  let rows = 0;
  const close = (end) => {
    const first = wall(intervals[start].start_time);
    const next = end < intervals.length ? wall(intervals[end].start_time) : { date: range.endDate, time: range.endTime };
    const page = { startDate: first.date, startTime: first.time, endDate: next.date, endTime: next.time, rows, from: intervals[start].start_time, to: intervals[end - 1].end_time };
    if (start === 0) Object.assign(page, { startDate: range.startDate, startTime: range.startTime });
    pages.push(page);
  };
  intervals.forEach((x, i) => {
    if (i > start && rows + x.rows > limit) {
      close(i);
      start = i;
      rows = 0;
    }
    rows += x.rows;
  });
  close(intervals.length);
  return pages;
}

// the length of an interval of the report that is shorter than a day, in minutes
const MINUTES = { '15m': 15, '30m': 30, '1h': 60 };

/** A local date and time `minutes` later on the wall clock. */
function later(date, time, minutes) {
  const t = new Date(Date.parse(`${date}T${time}Z`) + minutes * 60000).toISOString();
  return { date: t.slice(0, 10), time: t.slice(11, 19) };
}

/**
 * The head of the range: from its start, one interval long (at most the range), so the
 * first interval's rows can be read while the range's intervals are still being counted.
 * Null for a day, week or total (a shorter range would cut their rows) and when the range
 * is no longer than one interval.
 */
export function headOfRange(range, interval) {
  const minutes = MINUTES[interval];
  if (minutes === undefined) return null;
  const end = later(range.startDate, range.startTime, minutes);
  if (`${end.date}T${end.time}` >= `${range.endDate}T${range.endTime}`) return null;
  return { startDate: range.startDate, startTime: range.startTime, endDate: end.date, endTime: end.time };
}

/**
 * The rest of the first page after its head: the head holds the page's first interval and
 * never a later one, so the head's rows and the rest's are the page's rows. Null when the
 * head is the whole page.
 */
export function restOfPage(page, head) {
  if (`${head.endDate}T${head.endTime}` >= `${page.endDate}T${page.endTime}`) return null;
  return { startDate: head.endDate, startTime: head.endTime, endDate: page.endDate, endTime: page.endTime };
}

// A chart of more bars than this is drawn from longer intervals: on a screen a month of
// hours is bars under 2 px wide, and drawing thousands of them blocks the tab for seconds.
export const CHART_BARS = 200;
const CHART_GRAINS = ['15m', '30m', '1h', 'day', 'week', 'total'];
const GRAIN_MINUTES = { '15m': 15, '30m': 30, '1h': 60, day: 1440, week: 10080 };

/**
 * The interval the chart is drawn by: the chosen one, or the first longer one of 1h, day
 * and week whose intervals in the range are at most CHART_BARS (counted on the wall clock:
 * a DST day's hour more or less does not change the choice).
 */
export function chartInterval(range, interval) {
  const minutes = (Date.parse(`${range.endDate}T${range.endTime}Z`) - Date.parse(`${range.startDate}T${range.startTime}Z`)) / 60000;
  const rank = CHART_GRAINS.indexOf(interval);
  const candidates = [interval, ...['1h', 'day', 'week'].filter((g) => CHART_GRAINS.indexOf(g) > rank)];
  return candidates.find((g) => !(g in GRAIN_MINUTES) || minutes / GRAIN_MINUTES[g] <= CHART_BARS) ?? candidates.at(-1);
}
