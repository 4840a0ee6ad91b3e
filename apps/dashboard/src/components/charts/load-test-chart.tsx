import { LOAD_LEVELS } from '@xat/contracts';
import type uPlot from 'uplot';
import { formatNumber } from '../../lib/format.ts';
import { useTheme } from '../../lib/theme.ts';
import { type SeriesSpec, xyOptions } from './chart-options.ts';
import { readPalette } from './palette.ts';
import { UPlotChart } from './uplot-chart.tsx';

interface Props {
  series: readonly (SeriesSpec & { units: readonly number[] })[];
  height?: number;
  onChart?: (chart: uPlot | null) => void;
}

/** Work units per second against CPU utilization, one curve per server. */
export function LoadTestChart({ series, height = 300, onChart }: Props) {
  const { theme } = useTheme();
  const data = [[...LOAD_LEVELS], ...series.map((s) => [...s.units])] as uPlot.AlignedData;
  const key = `${theme}|${series.map((s) => `${s.label}:${s.color}`).join(',')}`;
  return (
    <UPlotChart
      optionsKey={key}
      label={`Work units by CPU utilization: ${series.map((s) => `${s.label} up to ${formatNumber(Math.max(...s.units), 0)} units`).join('; ')}`}
      data={data}
      {...(onChart ? { onChart } : {})}
      options={(width) =>
        xyOptions({
          width,
          height,
          series,
          palette: readPalette(),
          xLabel: 'CPU utilization',
          yLabel: 'Work units / s',
          formatX: (v) => `${v} %`,
          formatY: (v) => formatNumber(v, 0),
        })
      }
    />
  );
}
