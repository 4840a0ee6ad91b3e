import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { DASHBOARD, DIST, ensureBuilt, launchBrowser } from '../apps/dashboard/test/harness.ts';
import { machine, writeSection } from './report.ts';

const run = promisify(execFile);
const ROOT = new URL('..', import.meta.url).pathname;
const JS_TARGET_KB = 300;
const RENDER_TARGET_MS = 300;

interface Sizes {
  files: { name: string; raw: number; gzip: number }[];
  jsRaw: number;
  jsGzip: number;
  cssGzip: number;
}

/** What the browser loads before the first render: index.html's module script, its preloads and its styles. */
function initialSizes(): Sizes {
  const html = readFileSync(join(DIST, 'index.html'), 'utf8');
  const refs = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*\shref)="\/?([^"]+\.(?:js|css))"/g)].map(
    (m) => m[1] ?? '',
  );
  const files = [...new Set(refs)].map((name) => {
    const body = readFileSync(join(DIST, name));
    return { name, raw: body.length, gzip: gzipSync(body, { level: 9 }).length };
  });
  const sum = (ext: string, key: 'raw' | 'gzip') =>
    files.filter((f) => f.name.endsWith(ext)).reduce((n, f) => n + f[key], 0);
  return { files, jsRaw: sum('.js', 'raw'), jsGzip: sum('.js', 'gzip'), cssGzip: sum('.css', 'gzip') };
}

interface RenderResult {
  points: number;
  series: number;
  runs: number;
  shapeMs: number;
  drawMs: number;
  totalMs: number;
  frameMs: number;
  worstTotalMs: number;
  error?: string;
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

/** Builds the render page, serves it on loopback, and reads the timings it measures in headless Chromium. */
async function measureRender(): Promise<{ result: RenderResult; chromium: string }> {
  const out = mkdtempSync(join(tmpdir(), 'xat-bench-render-'));
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/')).replace(/^(\.\.[/\\])+/, '');
    const file = join(out, path === '/' ? 'render.html' : path);
    if (!file.startsWith(out) || !existsSync(file)) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  try {
    await run(
      process.execPath,
      [
        join(ROOT, 'node_modules/vite/bin/vite.js'),
        'build',
        '--config',
        join(DASHBOARD, 'bench/vite.config.ts'),
        '--outDir',
        out,
      ],
      {
        cwd: DASHBOARD,
        env: { ...process.env, NODE_ENV: 'production' },
        timeout: 120_000,
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const browser = await launchBrowser();
    try {
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.waitForFunction('window.__benchResult !== undefined', undefined, { timeout: 120_000 });
      const result = (await page.evaluate('window.__benchResult')) as RenderResult;
      if (result.error) throw new Error(`render benchmark failed in the page: ${result.error}`);
      const chromium = browser.context.browser()?.version() ?? ((await page.evaluate('navigator.userAgent')) as string);
      return { result, chromium: String(chromium) };
    } finally {
      await browser.close();
    }
  } finally {
    server.close();
    rmSync(out, { recursive: true, force: true });
  }
}

const kb = (bytes: number) => (bytes / 1024).toFixed(1);
const ms = (v: number) => v.toFixed(0);
const verdict = (ok: boolean) => (ok ? 'within target' : '**over target**');

/** Initial JS of the built dashboard (gzip) and the time to draw 8 series × 100 000 points in headless Chromium. */
export async function benchDashboard(): Promise<void> {
  await ensureBuilt({ force: true });
  const sizes = initialSizes();
  const { result: r, chromium } = await measureRender();
  const md = `## Dashboard

${new Date().toISOString().slice(0, 10)} · ${machine()} · headless Chromium ${chromium} (software rendering, \`--disable-gpu\`).

| measure | value | target | |
|---|---:|---:|---|
| initial JS, gzip (level 9) | ${kb(sizes.jsGzip)} KiB (${kb(sizes.jsRaw)} KiB raw) | ≤ ${JS_TARGET_KB} KB | ${verdict(sizes.jsGzip <= JS_TARGET_KB * 1000)} |
| initial CSS, gzip | ${kb(sizes.cssGzip)} KiB | — | |
| render ${r.series} series × ${r.points.toLocaleString('en-US')} points: data → drawn canvas (median of ${r.runs}) | ${ms(r.totalMs)} ms | — | |
| render ${r.series} series × ${r.points.toLocaleString('en-US')} points: data → next painted frame (median of ${r.runs}) | ${ms(r.frameMs)} ms | ≤ ${RENDER_TARGET_MS} ms | ${verdict(r.frameMs <= RENDER_TARGET_MS)} |

Rendering is measured as the dashboard does it, with its own chart options (\`timeSeriesOptions\`): gap shaping
(${ms(r.shapeMs)} ms: null breaks inserted at jumps in time, gaps found), then uPlot building the chart and drawing the
canvas (${ms(r.drawMs)} ms); the target is held against the later instant, the next animation frame after it, so the
browser's own paint is included (worst run to drawn canvas: ${ms(r.worstTotalMs)} ms). Initial files:
${sizes.files.map((f) => `\`${f.name}\` ${kb(f.gzip)} KiB`).join(', ')}.`;
  console.log(md);
  writeSection('dashboard', md);
}
