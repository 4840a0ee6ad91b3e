import { LOAD_LEVELS } from '@xat/contracts';
import type uPlot from 'uplot';
import { formatNumber } from '../../lib/format.ts';
import { useTheme } from '../../lib/theme.ts';
import { type SeriesSpec, xyOptions } from './chart-options.ts';
import type { IntervalBand } from './interval-bands.ts';
import { readPalette } from './palette.ts';
import { UPlotChart } from './uplot-chart.tsx';

export interface LoadTestSeries extends SeriesSpec {
  /** Units per level in LOAD_LEVELS order (the median of the runs on Compare); null where no run measured it. */
  units: readonly (number | null)[];
  /** The 95 % interval per level, drawn as a band around the curve. */
  low?: readonly (number | null)[];
  high?: readonly (number | null)[];
}

interface Props {
  series: readonly LoadTestSeries[];
  height?: number;
  onChart?: (chart: uPlot | null) => void;
}

const peak = (units: readonly (number | null)[]) => Math.max(0, ...units.filter((u): u is number => u !== null));

/** Work units per second against CPU utilization, one curve per server, with its 95 % band when there is one. */
export function LoadTestChart({ series, height = 300, onChart }: Props) {
  const { theme } = useTheme();
  const data = [[...LOAD_LEVELS], ...series.map((s) => [...s.units])] as uPlot.AlignedData;
  const bands: IntervalBand[] = series.flatMap((s) =>
    s.low && s.high ? [{ color: s.color, median: s.units, low: s.low, high: s.high }] : [],
  );
  const banded = bands.some((b) => b.low.some((v) => v !== null));
  // The bands are drawn from the options, so new intervals rebuild the chart.
  const key = `${theme}|${series.map((s) => `${s.label}:${s.color}:${s.low?.join()}:${s.high?.join()}`).join(',')}`;
  const label = `Work units by CPU utilization: ${series
    .map((s) => `${s.label} up to ${formatNumber(peak(s.units), 0)} units`)
    .join('; ')}${banded ? '. Shaded: 95 % interval of the mean' : ''}`;
  return (
    <UPlotChart
      optionsKey={key}
      label={label}
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
          ...(bands.length ? { bands } : {}),
        })
      }
    />
  );
}
