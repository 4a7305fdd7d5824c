// The chart: per interval, stacked bars of the selected agents' seconds by group, Not
// Loaded as a bar of its own beside them (missing data visible at a glance), and a line
// for Occupancy or Answer Rate on a second axis. Chart.js draws it (served from the
// service as /vendor/chart.umd.min.js).
import { GROUPS } from './columns.js';
import { answerRate, duration, hms, occupancy } from './format.js';

const { Chart } = globalThis;

/** A diagonal hatch, so Not Loaded reads as "no data", not as a state. */
function hatch(color) {
  const c = document.createElement('canvas');
  c.width = c.height = 8;
  const g = c.getContext('2d');
  g.fillStyle = '#f5f5f5';
  g.fillRect(0, 0, 8, 8);
  g.strokeStyle = color;
  g.lineWidth = 2;
  g.beginPath();
  g.moveTo(0, 8);
  g.lineTo(8, 0);
  g.stroke();
  return g.createPattern(c, 'repeat');
}

/** Rows grouped by interval (their start), in the API's order. */
export function intervalsOf(rows) {
  const byStart = new Map();
  for (const r of rows) {
    let slot = byStart.get(r.start_time);
    if (!slot) byStart.set(r.start_time, (slot = { first: r, rows: [] }));
    slot.rows.push(r);
  }
  return [...byStart.values()];
}

function lineValue(rows, line) {
  const s = (k) => rows.reduce((n, r) => n + (r[k] ?? 0), 0);
  return line === 'answer_rate'
    ? answerRate(s('answered_calls'), s('total_calls'))
    : occupancy(s('talk_time'), s('hold_time'), s('wrap_up_time'), s('available_time'));
}

let chart;

/** A round step for the time axis (1 min … 1 day) giving at most about 8 ticks. */
function timeStep(max) {
  const steps = [60, 300, 600, 900, 1800, 3600, 7200, 14400, 21600, 43200, 86400];
  return steps.find((s) => max / s <= 8) ?? Math.ceil(max / 8 / 86400) * 86400;
}

export function drawChart(canvas, rows, { line, durations }) {
  const slots = intervalsOf(rows);
  const manyDays = new Set(slots.map((s) => s.first.start_time.slice(0, 10))).size > 1;
  const labels = slots.map((s) => (manyDays ? `${s.first.date} ${s.first.interval}` : s.first.interval));
  const datasets = GROUPS.map((g) => ({
    type: 'bar',
    label: g.name,
    data: slots.map((s) => s.rows.reduce((n, r) => n + g.keys.reduce((m, k) => m + (r[k] ?? 0), 0), 0)),
    backgroundColor: g.name === 'Not Loaded' ? hatch(g.color) : g.color,
    borderColor: g.name === 'Not Loaded' ? g.color : undefined,
    borderWidth: g.name === 'Not Loaded' ? 1 : 0,
    stack: g.name === 'Not Loaded' ? 'missing' : 'states',
    yAxisID: 'y',
    order: 2,
  }));
  const stackMax = Math.max(60, ...slots.map((_, i) => datasets.reduce((n, d) => (d.stack === 'states' ? n + d.data[i] : n), 0)), ...datasets.filter((d) => d.stack === 'missing').flatMap((d) => d.data));
  const lineLabel = line === 'answer_rate' ? 'Answer Rate (%)' : 'Occupancy (%)';
  datasets.push({
    type: 'line',
    label: lineLabel,
    data: slots.map((s) => lineValue(s.rows, line)),
    borderColor: '#212121',
    backgroundColor: '#212121',
    pointRadius: 3,
    yAxisID: 'y1',
    order: 1,
    spanGaps: false,
  });
  if (chart) chart.destroy();
  chart = new Chart(canvas, {
    data: { labels, datasets },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: { stacked: true },
        y: {
          stacked: true,
          beginAtZero: true,
          title: { display: true, text: 'time (hh:mm)' },
          ticks: { stepSize: timeStep(stackMax), callback: (v) => hms(v).slice(0, -3) },
        },
        y1: {
          position: 'right',
          min: 0,
          max: 100,
          grid: { drawOnChartArea: false },
          title: { display: true, text: lineLabel },
        },
      },
      plugins: {
        legend: { position: 'bottom', labels: { boxWidth: 12 } },
        tooltip: {
          callbacks: {
            label: (ctx) =>
              ctx.dataset.type === 'line'
                ? `${ctx.dataset.label}: ${ctx.raw === null ? '—' : ctx.raw.toFixed(2)}`
                : `${ctx.dataset.label}: ${duration(ctx.raw, durations)}`,
          },
        },
      },
    },
  });
  return chart;
}
