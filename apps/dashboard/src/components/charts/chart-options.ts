import type uPlot from 'uplot';
import type { Gap } from '../../lib/chart-data.ts';
import { bandsHook, type IntervalBand } from './interval-bands.ts';
import type { ChartPalette } from './palette.ts';
import { withAlpha } from './palette.ts';

export interface SeriesSpec {
  label: string;
  color: string;
}

export interface TimeSeriesOptions {
  series: readonly SeriesSpec[];
  palette: ChartPalette;
  height: number;
  width: number;
  /** Formats a value for the axis and the legend. */
  format: (value: number | null | undefined) => string;
  /** Areas stacked on each other (the data are running sums); the legend shows each part's own value. */
  stacked?: { raw: readonly (readonly (number | null)[])[] };
  /** Shaded stretches without data. */
  gaps?: readonly Gap[];
  /** Stretches to mark (load tests running), shaded in the accent colour. */
  marks?: readonly Gap[];
  /** Fixed y range (percent charts: 0–100). */
  yRange?: [number, number];
  /** x is seconds since a start instead of a date. */
  relativeX?: boolean;
  /** Charts with the same key move their cursors together. */
  syncKey?: string;
  /** Tick steps for the y axis (binary ones for sizes: 4 GiB, not 4.8 GiB). */
  yIncrs?: number[];
}

/** 1, 2, 4 … 512 × 1024^k: y ticks that land on round binary sizes (for bytes or kB alike). */
export const BINARY_INCRS: number[] = Array.from({ length: 7 }, (_, k) =>
  [1, 2, 4, 8, 16, 32, 64, 128, 256, 512].map((m) => m * 1024 ** k),
).flat();

const font = '11px system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", "DejaVu Sans", sans-serif';

/** "+1 h 20 min" for a relative x axis. */
export function formatOffset(seconds: number): string {
  const s = Math.round(seconds);
  if (Math.abs(s) < 60) return `+${s} s`;
  const m = Math.floor(s / 60);
  // Seconds past the minute stay written: ticks 5 s apart past +1 min must not all read "+1 min".
  if (m < 60) return s % 60 ? `+${m} min ${s % 60} s` : `+${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `+${h} h ${m % 60} min` : `+${h} h`;
}

/** Fills each stretch over the plot's height; one narrower than two pixels still shows as a line. */
function shade(stretches: readonly Gap[], fill: string): (u: uPlot) => void {
  return (u) => {
    const { ctx, bbox } = u;
    ctx.save();
    ctx.fillStyle = fill;
    for (const g of stretches) {
      const [from, to] = [u.valToPos(g.from, 'x', true), u.valToPos(g.to, 'x', true)];
      if (to < bbox.left || from > bbox.left + bbox.width) continue;
      const x0 = Math.max(bbox.left, from);
      const x1 = Math.min(bbox.left + bbox.width, Math.max(x0 + 2, to));
      ctx.fillRect(x0, bbox.top, x1 - x0, bbox.height);
    }
    ctx.restore();
  };
}

/** uPlot options for a time series chart; a pure function, so the benchmark measures what the app draws. */
export function timeSeriesOptions(o: TimeSeriesOptions): uPlot.Options {
  const axis = {
    stroke: o.palette.axis,
    font,
    grid: { stroke: o.palette.grid, width: 1 },
    ticks: { stroke: o.palette.grid, width: 1 },
  };
  const stacked = o.stacked;
  const series: uPlot.Series[] = [
    o.relativeX ? { label: 'Offset', value: (_u, v) => (v === null ? '—' : formatOffset(v)) } : { label: 'Time' },
    ...o.series.map(
      (s, i): uPlot.Series => ({
        label: s.label,
        stroke: s.color,
        width: 1.5,
        spanGaps: false,
        points: { show: false },
        ...(stacked ? { fill: withAlpha(s.color, 0.45) } : {}),
        value: (_u, v, _sidx, idx) => {
          if (stacked && idx !== null && idx !== undefined) return o.format(stacked.raw[i]?.[idx] ?? null);
          return o.format(v);
        },
      }),
    ),
  ];
  const bands: uPlot.Band[] = stacked ? o.series.slice(1).map((_, i) => ({ series: [i + 2, i + 1] })) : [];
  const gaps = o.gaps ?? [];
  const marks = o.marks ?? [];
  const hooks: uPlot.Hooks.Arrays = {};
  // Gaps go under the grid and the series; marks over them, translucent, so a stacked area cannot hide them.
  if (gaps.length) hooks.drawClear = [shade(gaps, o.palette.gap)];
  if (marks.length) hooks.draw = [shade(marks, o.palette.mark)];
  return {
    width: o.width,
    height: o.height,
    series,
    bands,
    legend: { live: true },
    cursor: { ...(o.syncKey ? { sync: { key: o.syncKey } } : {}), drag: { x: true, y: false } },
    scales: {
      x: { time: !o.relativeX },
      y: o.yRange ? { range: o.yRange } : { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.05 : 1] },
    },
    axes: [
      { ...axis, ...(o.relativeX ? { values: (_u, splits) => splits.map(formatOffset) } : {}) },
      {
        ...axis,
        size: 76,
        values: (_u, splits) => splits.map((v) => o.format(v)),
        ...(o.yIncrs ? { incrs: o.yIncrs } : {}),
      },
    ],
    hooks,
  };
}

export interface XYOptions {
  series: readonly SeriesSpec[];
  palette: ChartPalette;
  width: number;
  height: number;
  xLabel: string;
  yLabel: string;
  formatX: (v: number) => string;
  formatY: (v: number | null | undefined) => string;
  /** 95 % bands drawn under the curves. */
  bands?: readonly IntervalBand[];
}

/** A line chart over a numeric x (work units against utilization), points marked. */
export function xyOptions(o: XYOptions): uPlot.Options {
  const axis = {
    stroke: o.palette.axis,
    font,
    labelFont: font,
    grid: { stroke: o.palette.grid, width: 1 },
    ticks: { stroke: o.palette.grid, width: 1 },
  };
  return {
    width: o.width,
    height: o.height,
    series: [
      { label: o.xLabel, value: (_u, v) => (v === null ? '—' : o.formatX(v)) },
      ...o.series.map(
        (s): uPlot.Series => ({
          label: s.label,
          stroke: s.color,
          width: 2,
          points: { show: true, size: 6, fill: s.color },
          value: (_u, v) => o.formatY(v),
        }),
      ),
    ],
    legend: { live: true },
    cursor: { drag: { x: false, y: false } },
    ...(o.bands?.length ? { hooks: { drawClear: [bandsHook(o.bands)] } } : {}),
    scales: { x: { time: false, range: [5, 105] }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.08 : 1] } },
    axes: [
      {
        ...axis,
        label: o.xLabel,
        values: (_u, splits) => splits.map((v) => o.formatX(v)),
        splits: () => [10, 20, 30, 40, 50, 60, 70, 80, 90, 100],
      },
      { ...axis, label: o.yLabel, size: 64, values: (_u, splits) => splits.map((v) => o.formatY(v)) },
    ],
  };
}
