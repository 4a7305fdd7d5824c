// The table: the report's rows as the API returns them, sortable by any column, a sticky
// header, a totals row from sums, rows with Not Loaded seconds marked. A row opens its
// agent's timeline (click, or Enter on its Ext button).
import { COLUMNS } from './columns.js';
import { cellText, totals } from './format.js';

let sort = { key: null, dir: 1 };

function compare(a, b, column) {
  const x = a[column.key];
  const y = b[column.key];
  if (column.kind === 'text') return String(x ?? '').localeCompare(String(y ?? ''), undefined, { numeric: true });
  return (x ?? -1) - (y ?? -1);
}

export function drawTable(table, rows, { durations, onOpen, columns = COLUMNS }) {
  const render = () => {
    const column = columns.find((c) => c.key === sort.key);
    const order = rows.map((r, i) => [r, i]);
    if (column) order.sort(([a, i], [b, j]) => compare(a, b, column) * sort.dir || i - j);

    const head = document.createElement('tr');
    for (const c of columns) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.dataset.key = c.key;
      if (c.key === sort.key) th.setAttribute('aria-sort', sort.dir > 0 ? 'ascending' : 'descending');
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = c.header;
      b.title = `Sort by ${c.header}`;
      b.addEventListener('click', () => {
        sort = { key: c.key, dir: sort.key === c.key ? -sort.dir : 1 };
        render();
        table.querySelector(`th[data-key="${c.key}"] button`)?.focus();
      });
      th.append(b);
      head.append(th);
    }
    const thead = document.createElement('thead');
    thead.append(head);

    const tbody = document.createElement('tbody');
    for (const [r] of order) {
      const tr = document.createElement('tr');
      if (r.not_loaded_time > 0) {
        tr.classList.add('not-loaded');
        tr.title = 'Part of this interval is not loaded (see Data status)';
      }
      for (const c of columns) {
        const td = document.createElement('td');
        td.className = c.kind;
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
      tbody.append(tr);
    }

    const sums = totals(rows, columns);
    const foot = document.createElement('tr');
    for (const c of columns) {
      const td = document.createElement(c.key === 'interval' ? 'th' : 'td');
      td.className = c.kind;
      if (c.key === 'interval') {
        td.scope = 'row';
        td.textContent = 'Total';
      } else if (c.kind !== 'text') {
        td.textContent = cellText(sums, c, durations);
      }
      foot.append(td);
    }
    const tfoot = document.createElement('tfoot');
    tfoot.append(foot);
    table.replaceChildren(thead, tbody, tfoot);
  };
  render();
}
