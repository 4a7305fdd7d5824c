// Times the report page in Chromium against a report server: from navigation to the
// table's first rows on screen, and until the page has finished reading (its own
// `data-answered`, with nothing busy), with the longest task that blocked the tab meanwhile
// (PerformanceObserver "longtask"). playwright-core is a devDependency and Chromium a
// system package: without either the figure is not measured, and the reason says why.
import { existsSync } from 'node:fs';

export interface PageTiming {
  /** Navigation to the first table rows visible, median of the runs. */
  firstRowsS: number;
  /** Navigation to the page's whole first answer shown (chart, totals, agent list asked). */
  settledS: number;
  /** The longest task of any run, in ms (0 when none passed the browser's 50 ms). */
  longestTaskMs: number;
  /** Each /api/ call of the last run: path, start and end in ms from navigation, bytes. */
  calls: { path: string; startMs: number; endMs: number; bytes: number }[];
}

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TIMEOUT_MS = 180_000;

// In the page (src is compiled without the DOM's types). The longest task is
// kept from the first byte on; the calls are the page's own resource timings.
const LONGEST_TASK = `window.aprLongestTask = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.aprLongestTask = Math.max(window.aprLongestTask, e.duration);
}).observe({ type: 'longtask', buffered: true });`;
// (a function, not a string: the page's content security policy refuses eval)
const ANSWERED = (): boolean => {
  const body = (globalThis as unknown as { document: { body: { dataset: Record<string, string | undefined> } } }).document.body;
  return Number(body.dataset.answered ?? 0) > 0 && !body.dataset.busy;
};
const SEEN = `({
  longest: window.aprLongestTask,
  calls: performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/')).map((e) => {
    const u = new URL(e.name);
    return { path: u.pathname + u.search.slice(0, 120), startMs: Math.round(e.startTime), endMs: Math.round(e.responseEnd), bytes: e.encodedBodySize };
  }),
})`;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

type Chromium = typeof import('playwright-core').chromium;

/** playwright-core's Chromium launcher, or why the page cannot be timed here. */
async function launcher(): Promise<Chromium | string> {
  if (!existsSync(CHROMIUM)) return `no browser at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`;
  try {
    return (await import('playwright-core')).chromium;
  } catch {
    return 'playwright-core is not installed (a devDependency: npm install without --omit=dev)';
  }
}

/**
 * Opens `${baseUrl}/?${query}` (a server without tokens) `runs` times, each in a fresh
 * browser context (no cache), and times it; a string says why it could not be timed.
 */
export async function timePage(baseUrl: string, query: string, runs = 3): Promise<PageTiming | string> {
  const chromium = await launcher();
  if (typeof chromium === 'string') return chromium;
  let browser;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
  } catch (err) {
    return `Chromium did not start: ${(err as Error).message.split('\n')[0]}`;
  }
  const firstRows: number[] = [];
  const settled: number[] = [];
  let longestTaskMs = 0;
  let calls: PageTiming['calls'] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
      const page = await context.newPage();
      await page.addInitScript(LONGEST_TASK);
      const started = performance.now();
      await page.goto(`${baseUrl}/?${query}`, { waitUntil: 'commit' });
      await page.waitForSelector('#table tbody tr:not(.spacer)', { state: 'visible', timeout: TIMEOUT_MS });
      firstRows.push((performance.now() - started) / 1000);
      await page.waitForFunction(ANSWERED, undefined, { timeout: TIMEOUT_MS, polling: 50 });
      settled.push((performance.now() - started) / 1000);
      const seen = (await page.evaluate(SEEN)) as { longest: number; calls: PageTiming['calls'] };
      longestTaskMs = Math.max(longestTaskMs, seen.longest);
      calls = seen.calls;
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return { firstRowsS: median(firstRows), settledS: median(settled), longestTaskMs: Math.round(longestTaskMs), calls };
}
