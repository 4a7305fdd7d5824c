// The table: the report's rows as the API returns them, Ext and Name first (and kept in
// view while the other columns scroll sideways), sortable by any column (blanks last both
// ways), a sticky header, a totals row, rows with Not Loaded seconds marked. Only the rows
// in view are in the document (a day at 15 minutes is thousands of rows): scrolling and
// sorting redraw those few rows, never all of them. A row opens its agent's timeline
// (click, or Enter on its Ext button).
import { COLUMNS } from './columns.js';
import { cellText } from './format.js';

const OVERSCAN = 10;

/**
 * The columns as shown: the row's who (Ext and Name, or Team and Agents: columns 5 and 6
 * of the CSV) lead, so an agent stays in view on a narrow screen; the rest as in the CSV.
 */
function leading(columns) {
  const who = columns.slice(4, 6);
  return [...who.map((c, i) => ({ ...c, lead: i + 1 })), ...columns.filter((c) => !who.includes(c))];
}

const blank = (v) => v === null || v === undefined || v === '';

/** a before b for the column in direction dir (1 or -1); blanks go last either way. */
export function compareRows(a, b, column, dir) {
  const x = a[column.key];
  const y = b[column.key];
  if (blank(x) || blank(y)) return blank(x) === blank(y) ? 0 : blank(x) ? 1 : -1;
  if (column.kind === 'text') return dir * String(x).localeCompare(String(y), undefined, { numeric: true });
  return dir * (x - y);
}

/**
 * A table drawn into `table` inside the scrolling `box`. setRows(rows, { durations, totals })
 * replaces its rows; totals is the totals row's record (sums and ratios), or null.
 */
export function createTable(box, table, { onOpen }) {
  let rows = [];
  let order = [];
  let durations = 'hms';
  let sort = { key: null, dir: 1 };
  let SHOWN = leading(COLUMNS);
  let rowHeight = 0;
  let drawnFirst = -1;
  const thead = document.createElement('thead');
  const tbody = document.createElement('tbody');
  const tfoot = document.createElement('tfoot');
  table.replaceChildren(thead, tbody, tfoot);

  const drawHead = () => {
    const head = document.createElement('tr');
    for (const c of SHOWN) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.dataset.key = c.key;
      th.className = c.lead ? `${c.key} lead-${c.lead}` : c.key;
      if (c.key === sort.key) th.setAttribute('aria-sort', sort.dir > 0 ? 'ascending' : 'descending');
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = c.header;
      b.title = `Sort by ${c.header}`;
      b.addEventListener('click', () => {
        sort = { key: c.key, dir: sort.key === c.key ? -sort.dir : 1 };
        sortRows();
        drawHead();
        thead.querySelector(`th[data-key="${c.key}"] button`)?.focus();
      });
      th.append(b);
      head.append(th);
    }
    thead.replaceChildren(head);
  };

  const rowOf = (r) => {
    const tr = document.createElement('tr');
    if (r.not_loaded_time > 0) {
      tr.classList.add('not-loaded');
      tr.title = 'Part of this interval is not loaded (see Data status)';
    }
    for (const c of SHOWN) {
      const td = document.createElement('td');
      td.className = c.lead ? `${c.kind} ${c.key} lead-${c.lead}` : `${c.kind} ${c.key}`;
      const text = cellText(r, c, durations);
      if (c.key === 'ext') {
        const b = document.createElement('button');
        b.type = 'button';
        b.className = 'link';
        b.textContent = text;
        b.setAttribute('aria-label', `Open the timeline of ${text} on ${r.start_time.slice(0, 10)}`);
        td.append(b);
      } else {
        td.textContent = text;
      }
      tr.append(td);
    }
    tr.addEventListener('click', () => onOpen(r));
    return tr;
  };

  const spacer = (height) => {
    const tr = document.createElement('tr');
    tr.className = 'spacer';
    tr.setAttribute('aria-hidden', 'true');
    const td = document.createElement('td');
    td.colSpan = SHOWN.length;
    td.style.height = `${height}px`;
    tr.append(td);
    return tr;
  };

  /** Draws the rows in view (and a few around them); spacers stand for the others. */
  const drawBody = (force = false) => {
    const visible = Math.ceil((box.clientHeight || 600) / (rowHeight || 24)) + 2 * OVERSCAN;
    const first = rowHeight ? Math.max(0, Math.floor(box.scrollTop / rowHeight) - OVERSCAN) : 0;
    if (!force && first === drawnFirst) return;
    drawnFirst = first;
    const last = Math.min(order.length, first + visible);
    const drawn = [];
    for (let i = first; i < last; i++) drawn.push(rowOf(rows[order[i]]));
    tbody.replaceChildren(spacer(first * rowHeight), ...drawn, spacer((order.length - last) * rowHeight));
    // measured once the table is on screen (a hidden table's rows have no height)
    if (!rowHeight && drawn.length > 0 && drawn[0].getBoundingClientRect().height > 0) {
      rowHeight = drawn[0].getBoundingClientRect().height;
      drawBody(true);
    }
  };

  const sortRows = () => {
    const column = SHOWN.find((c) => c.key === sort.key);
    order = rows.map((_, i) => i);
    if (column) order.sort((i, j) => compareRows(rows[i], rows[j], column, sort.dir) || i - j);
    drawBody(true);
  };

  const drawFoot = (totals) => {
    const foot = document.createElement('tr');
    for (const c of SHOWN) {
      const td = document.createElement(c.lead === 1 ? 'th' : 'td');
      td.className = c.lead ? `${c.kind} ${c.key} lead-${c.lead}` : `${c.kind} ${c.key}`;
      if (c.lead === 1) {
        td.scope = 'row';
        td.textContent = 'Total';
      } else if (c.kind !== 'text' && totals) {
        td.textContent = cellText(totals, c, durations);
      }
      foot.append(td);
    }
    tfoot.replaceChildren(foot);
  };

  box.addEventListener('scroll', () => drawBody(), { passive: true });
  addEventListener('resize', () => drawBody(true));

  return {
    /** options: { durations, totals, columns (default: the report's), keepScroll (more rows of the same page) }. */
    setRows(next, options) {
      rows = next;
      durations = options.durations;
      SHOWN = leading(options.columns ?? COLUMNS);
      if (!SHOWN.some((c) => c.key === sort.key)) sort = { key: null, dir: 1 };
      if (!options.keepScroll) box.scrollTop = 0;
      drawHead();
      drawFoot(options.totals);
      sortRows();
    },
    /** Draws again the rows in view (after the table was hidden, or its box resized). */
    refresh() {
      drawBody(true);
    },
    clear() {
      rows = [];
      order = [];
      thead.replaceChildren();
      tbody.replaceChildren();
      tfoot.replaceChildren();
    },
  };
}
