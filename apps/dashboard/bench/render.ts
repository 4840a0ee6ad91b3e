// Renders 8 series × 100 000 points the way the dashboard draws a time series (same option builder, same gap
// shaping), several times, and leaves the timings on window.__benchResult for bench/dashboard.bench.ts to read.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import '../src/styles.css';
import { timeSeriesOptions } from '../src/components/charts/chart-options.ts';
import { readPalette } from '../src/components/charts/palette.ts';
import { findGaps, withGapBreaks } from '../src/lib/chart-data.ts';
import { formatPercent } from '../src/lib/format.ts';
import { seriesColor } from '../src/lib/providers.ts';

const POINTS = 100_000;
const SERIES = 8;
const RUNS = 7;

function makeData(seed: number): { timestamps: number[]; series: (number | null)[][] } {
  const start = 1_700_000_000;
  const timestamps = Array.from({ length: POINTS }, (_, i) => start + i * 10);
  let r = seed;
  const rnd = () => {
    r = (r * 1103515245 + 12345) % 2147483648;
    return r / 2147483648;
  };
  const series = Array.from({ length: SERIES }, (_, s) => {
    let v = 20 + s * 8;
    return timestamps.map((_, i) => {
      v = Math.min(100, Math.max(0, v + (rnd() - 0.5) * 4));
      return i % 20_000 > 19_900 ? null : v; // a few gaps, as real data has
    });
  });
  return { timestamps, series };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const nextFrame = () => new Promise<number>((resolve) => requestAnimationFrame(() => resolve(performance.now())));

async function once(seed: number) {
  const { timestamps, series } = makeData(seed);
  const el = document.createElement('div');
  el.style.width = '1280px';
  document.body.append(el);
  const t0 = performance.now();
  const columns = withGapBreaks(timestamps, series, 10);
  const gaps = findGaps(timestamps, series, 10);
  const t1 = performance.now();
  let drawn = 0;
  const opts = timeSeriesOptions({
    width: 1280,
    height: 400,
    series: series.map((_, i) => ({ label: `server-${i + 1}`, color: seriesColor(i) })),
    palette: readPalette(),
    format: (v) => formatPercent(v),
    gaps,
    yRange: [0, 100],
  });
  opts.hooks = {
    ...opts.hooks,
    draw: [
      () => {
        drawn = performance.now();
      },
    ],
  };
  const chart = new uPlot(opts, columns as uPlot.AlignedData, el);
  const framed = await nextFrame();
  if (!drawn) drawn = framed;
  chart.destroy();
  el.remove();
  return { shapeMs: t1 - t0, drawMs: drawn - t1, totalMs: drawn - t0, frameMs: framed - t0 };
}

declare global {
  interface Window {
    __benchResult?: unknown;
  }
}

async function main() {
  await once(1); // warm-up: JIT and fonts
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await once(i + 2));
  window.__benchResult = {
    points: POINTS,
    series: SERIES,
    runs: RUNS,
    shapeMs: median(runs.map((r) => r.shapeMs)),
    drawMs: median(runs.map((r) => r.drawMs)),
    totalMs: median(runs.map((r) => r.totalMs)),
    frameMs: median(runs.map((r) => r.frameMs)),
    worstTotalMs: Math.max(...runs.map((r) => r.totalMs)),
  };
}

main().catch((err: unknown) => {
  window.__benchResult = { error: String(err) };
});
