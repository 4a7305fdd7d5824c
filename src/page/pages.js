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
