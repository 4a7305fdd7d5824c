// The report page (README "The page"): GET / and its static assets from src/page, the charting
// library straight from node_modules, and GET /api/config (the zone, today's date and
// whether a token is needed). None of these carries agent data, so none needs a token;
// every data call the page makes does. A fixed list of paths, so no request path ever
// reaches the file system.
import { readFile } from 'node:fs/promises';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DateTime } from 'luxon';
import { sendJson } from './respond.ts';
import type { Context } from './context.ts';

// src/page is served as it is: beside this file in src/, two levels up from dist/http.
const HERE = dirname(fileURLToPath(import.meta.url));
const PAGE_DIR = existsSync(join(HERE, '..', 'page', 'index.html')) ? join(HERE, '..', 'page') : join(HERE, '..', '..', 'src', 'page');
// chart.js exports only its module entry points; the UMD build sits beside them.
const CHART_JS = join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

// Scripts and styles from this origin only; data calls to this origin only.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

interface PageRoute {
  protected: boolean;
  handle(ctx: Context, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void>;
}

function fileRoute(file: string): PageRoute {
  const type = TYPES[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream';
  return {
    protected: false,
    async handle(_ctx, _req, res) {
      const body = await readFile(file);
      res.writeHead(200, {
        'Content-Type': type,
        'Content-Length': body.length,
        'Cache-Control': 'no-cache',
        'X-Content-Type-Options': 'nosniff',
        'Content-Security-Policy': CSP,
        'Referrer-Policy': 'no-referrer',
      });
      res.end(body);
    },
  };
}

/** Today's local date, the zone and the longest range (REPORT_MAX_DAYS), so the page's defaults follow REPORT_TZ, not the browser's clock zone. */
function configRoute(): PageRoute {
  return {
    protected: false,
    async handle(ctx, _req, res) {
      const now = DateTime.now().setZone(ctx.cfg.reportTz);
      // the database's tokens cannot be read: ask for one (the data calls would fail anyway)
      const tokenRequired = await ctx.auth.required().catch(() => true);
      sendJson(res, 200, { timeZone: ctx.cfg.reportTz, today: now.toISODate(), tokenRequired, maxDays: ctx.cfg.reportMaxDays });
    },
  };
}

/** Every path the page answers: `/`, `/page/<file>` for each file in src/page, the chart library, /api/config. */
export function pageRoutes(): Record<string, PageRoute> {
  const routes: Record<string, PageRoute> = {
    '/': fileRoute(join(PAGE_DIR, 'index.html')),
    '/now': fileRoute(join(PAGE_DIR, 'now.html')),
    '/vendor/chart.umd.min.js': fileRoute(CHART_JS),
    '/api/config': configRoute(),
  };
  for (const f of readdirSync(PAGE_DIR)) {
    if (f !== 'index.html' && f !== 'now.html' && TYPES[f.slice(f.lastIndexOf('.'))]) routes[`/page/${f}`] = fileRoute(join(PAGE_DIR, f));
  }
  return routes;
}
