/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Driving the report page in Chromium as a person does: open it, sign in, wait until its
// data is shown, read the table as it is on screen.
import type { Browser, Page } from 'playwright-core';

export async function newPage(browser: Browser, width = 1366, height = 768, touch = false): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height }, acceptDownloads: true, locale: 'en-GB', timezoneId: 'America/New_York', hasTouch: touch });
  page.on('pageerror', (e) => {
    throw e;
  });
  return page;
}

/**
 * Waits until the page has answered at least once since it was opened (shown, refused or
 * failed: the page counts them in `data-answered`) and nothing is being read or waits to be
 * applied. Actions that start reading (a changed choice, Show, a page of rows) mark the page
 * busy at once, so calling this right after them waits for their answer.
 */
export async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const app = document.getElementById('app');
    return app !== null && !app.hidden && Number(document.body.dataset.answered ?? 0) > 0 && !document.body.dataset.busy;
  });
}

/** Opens the page, signs in with the token, and waits for the first answer to be on screen. */
export async function signIn(page: Page, url: string, token: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await settled(page);
}

/** The table's header, the rows in the document (spacers left out) and the totals row. */
export async function readTable(page: Page): Promise<{ headers: string[]; rows: string[][]; totals: string[] }> {
  return page.evaluate(() => {
    const text = (cells: HTMLCollectionOf<HTMLTableCellElement>) => [...cells].map((c) => c.textContent ?? '');
    const t = document.getElementById('table') as HTMLTableElement;
    return {
      headers: t.tHead!.rows[0] ? text(t.tHead!.rows[0].cells) : [],
      rows: [...t.tBodies[0]!.rows].filter((r) => !r.classList.contains('spacer')).map((r) => text(r.cells)),
      totals: t.tFoot!.rows[0] ? text(t.tFoot!.rows[0].cells) : [],
    };
  });
}

/** The chart's datasets as drawn: label, values, whether shown; and the axis labels. */
export async function readChart(page: Page): Promise<{ labels: string[]; sets: { label: string; data: (number | null)[]; visible: boolean }[] }> {
  return page.evaluate(() => {
    const chart = (globalThis as unknown as { Chart: { getChart(c: HTMLCanvasElement): any } }).Chart.getChart(document.getElementById('chart') as HTMLCanvasElement);
    return {
      labels: chart.data.labels,
      sets: chart.data.datasets.map((d: { label: string; data: (number | null)[] }, i: number) => ({ label: d.label, data: d.data, visible: chart.isDatasetVisible(i) })),
    };
  });
}
