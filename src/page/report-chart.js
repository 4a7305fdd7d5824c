// The chart: every interval of the range on the axis (from GET /api/intervals: the
// selected agents' seconds summed per interval in SQL; when they are too many bars to see,
// the same API's longer intervals, see chartInterval), stacked by group; Offline on
// request; the interval's Not Loaded share as a hatched bar beside them on an axis of its
// own (a wholly unloaded interval is a full-height hatched bar, whatever the number of
// agents); a line for Occupancy or Answer Rate (from the sums, in SQL) on a second axis.
// Chart.js draws it (served from the service as /vendor/chart.umd.min.js).
import { GROUPS, OFFLINE_COLOR } from './columns.js';
import { duration, hms } from './format.js';

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

let chart;

/** A round step for the time axis (1 min … 1 day) giving at most about 8 ticks. */
function timeStep(max) {
  const steps = [60, 300, 600, 900, 1800, 3600, 7200, 14400, 21600, 43200, 86400];
  return steps.find((s) => max / s <= 8) ?? Math.ceil(max / 8 / 86400) * 86400;
}

const sumOf = (x, keys) => keys.reduce((n, k) => n + (x[k] ?? 0), 0);

/** intervals: GET /api/intervals' `intervals`; choices: line, durations, offline, and the intervals' interval. */
export function drawChart(canvas, intervals, { line, durations, offline, interval }) {
  const manyDays = new Set(intervals.map((x) => x.start_time.slice(0, 10))).size > 1;
  const byDate = interval === 'day' || interval === 'week';
  const labels = intervals.map((x) => (byDate ? x.date : manyDays ? `${x.date} ${x.interval}` : x.interval));
  const states = GROUPS.filter((g) => g.name !== 'Not Loaded');
  const notLoaded = GROUPS.find((g) => g.name === 'Not Loaded');
  const datasets = states.map((g) => ({
    type: 'bar',
    label: g.name,
    data: intervals.map((x) => sumOf(x, g.keys)),
    backgroundColor: g.color,
    borderWidth: 0,
    stack: 'states',
    yAxisID: 'y',
    order: 2,
  }));
  datasets.push({
    type: 'bar',
    label: 'Offline',
    data: intervals.map((x) => x.offline_time),
    backgroundColor: OFFLINE_COLOR,
    borderColor: '#90a4ae',
    borderWidth: 1,
    stack: 'states',
    yAxisID: 'y',
    order: 2,
    hidden: !offline,
  });
  // the share of the interval outside loaded time (0 to 1), on the hidden axis `nl`
  datasets.push({
    type: 'bar',
    label: 'Not Loaded',
    data: intervals.map((x) => (x.seconds > 0 ? x.interval_not_loaded / x.seconds : 0)),
    seconds: intervals.map((x) => [x.interval_not_loaded, x.seconds]),
    backgroundColor: hatch(notLoaded.color),
    borderColor: notLoaded.color,
    borderWidth: 1,
    stack: 'missing',
    yAxisID: 'nl',
    order: 2,
  });
  const shown = datasets.filter((d) => d.stack === 'states' && !d.hidden);
  const stackMax = Math.max(60, ...intervals.map((_, i) => shown.reduce((n, d) => n + d.data[i], 0)));
  const lineLabel = line === 'answer_rate' ? 'Answer Rate (%)' : 'Occupancy (%)';
  datasets.push({
    type: 'line',
    label: lineLabel,
    data: intervals.map((x) => x[line]),
    borderColor: '#212121',
    backgroundColor: '#212121',
    pointRadius: intervals.length > 200 ? 0 : 3,
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
          title: { display: true, text: 'agents\u2019 time (hh:mm)' },
          ticks: { stepSize: timeStep(stackMax), callback: (v) => hms(v).slice(0, -3) },
        },
        nl: { stacked: true, display: false, min: 0, max: 1 },
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
            label: (ctx) => {
              if (ctx.dataset.type === 'line') return `${ctx.dataset.label}: ${ctx.raw === null ? '—' : ctx.raw.toFixed(2)}`;
              if (ctx.dataset.label === 'Not Loaded') {
                const [gone, of] = ctx.dataset.seconds[ctx.dataIndex];
                return `Not Loaded: ${duration(gone, durations)} of the interval's ${duration(of, durations)}`;
              }
              return `${ctx.dataset.label}: ${duration(ctx.raw, durations)}`;
            },
          },
        },
      },
    },
  });
  return chart;
}
