import type uPlot from 'uplot';
import { formatNumber } from '../../lib/format.ts';
import { useTheme } from '../../lib/theme.ts';
import type { SeriesSpec } from '../charts/chart-options.ts';
import { readPalette } from '../charts/palette.ts';
import { UPlotChart } from '../charts/uplot-chart.tsx';

const font = '11px system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", "DejaVu Sans", sans-serif';

export interface ScalingSeries extends SeriesSpec {
  /** Units/s per entry of `workers` (null: not measured at that count). */
  units: readonly (number | null)[];
}

/** Work units per second against busy workers, one curve per server: how each scales from one core to all. */
export function ScalingChart({
  workers,
  series,
  height = 300,
}: {
  workers: readonly number[];
  series: readonly ScalingSeries[];
  height?: number;
}) {
  const { theme } = useTheme();
  const data = [[...workers], ...series.map((s) => [...s.units])] as uPlot.AlignedData;
  const peak = (u: readonly (number | null)[]) => Math.max(0, ...u.filter((v): v is number => v !== null));
  const label = `Core scaling: ${series
    .map((s) => `${s.label} up to ${formatNumber(peak(s.units), 0)} units/s`)
    .join('; ')}, from 1 to ${workers.at(-1) ?? 0} workers`;
  const key = `${theme}|${series.map((s) => `${s.label}:${s.color}`).join(',')}|${workers.join()}`;
  return (
    <UPlotChart
      optionsKey={key}
      label={label}
      data={data}
      options={(width) => {
        const palette = readPalette();
        const axis = {
          stroke: palette.axis,
          font,
          labelFont: font,
          grid: { stroke: palette.grid, width: 1 },
          ticks: { stroke: palette.grid, width: 1 },
        };
        return {
          width,
          height,
          series: [
            { label: 'Workers', value: (_u, v) => (v === null ? '—' : `${v}`) },
            ...series.map(
              (s): uPlot.Series => ({
                label: s.label,
                stroke: s.color,
                width: 2,
                spanGaps: true,
                points: { show: true, size: 6, fill: s.color },
                value: (_u, v) => (v === null ? '—' : `${formatNumber(v, 0)} units/s`),
              }),
            ),
          ],
          legend: { live: true },
          cursor: { drag: { x: false, y: false } },
          scales: {
            x: { time: false, range: (_u, min, max) => [Math.max(0, min - 0.5), max + 0.5] },
            y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.08 : 1] },
          },
          axes: [
            {
              ...axis,
              label: 'Busy workers',
              values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? `${v}` : '')),
            },
            {
              ...axis,
              label: 'Work units / s',
              size: 64,
              values: (_u, splits) => splits.map((v) => formatNumber(v, 0)),
            },
          ],
        };
      }}
    />
  );
}
