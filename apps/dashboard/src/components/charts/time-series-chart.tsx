import { useMemo } from 'react';
import type uPlot from 'uplot';
import { findGaps, type Gap, isEmpty, stack, type Values, withGapBreaks } from '../../lib/chart-data.ts';
import { formatSpan } from '../../lib/format.ts';
import { useTheme } from '../../lib/theme.ts';
import { BINARY_INCRS, type SeriesSpec, timeSeriesOptions } from './chart-options.ts';
import { readPalette } from './palette.ts';
import { UPlotChart } from './uplot-chart.tsx';

export interface TimeSeriesChartProps {
  title: string;
  timestamps: readonly number[];
  series: readonly (SeriesSpec & { values: Values })[];
  stepSeconds?: number | undefined;
  format: (v: number | null | undefined) => string;
  stacked?: boolean;
  yRange?: [number, number];
  /** The span asked for, so missing data at either end shows as a gap too. */
  range?: { from?: number; to?: number };
  relativeX?: boolean;
  height?: number;
  syncKey?: string;
  emptyText?: string;
  /** Values are sizes (bytes, kB, bytes/s): ticks on round binary steps. */
  binary?: boolean;
  onChart?: (chart: uPlot | null) => void;
  /** Stretches to shade and list under the chart (load tests that ran), where they fall inside it. */
  marks?: readonly (Gap & { label: string })[];
}

const MAX_GAPS_LISTED = 4;

/** A time series with gaps drawn as gaps (broken lines, shaded) and listed in words under the chart. */
export function TimeSeriesChart(p: TimeSeriesChartProps) {
  const { theme } = useTheme();
  const values = p.series.map((s) => s.values);
  const empty = isEmpty(values);
  const shaped = useMemo(() => {
    const columns = withGapBreaks(
      p.timestamps,
      p.series.map((s) => s.values),
      p.stepSeconds,
    );
    const [xs, ...ys] = columns;
    const raw = ys;
    const drawn = p.stacked ? stack(ys) : ys;
    const gaps = p.relativeX
      ? []
      : findGaps(
          p.timestamps,
          p.series.map((s) => s.values),
          p.stepSeconds,
          p.range,
        );
    const first = p.range?.from ?? xs[0] ?? 0;
    const last = p.range?.to ?? xs[xs.length - 1] ?? 0;
    const marks = p.relativeX ? [] : (p.marks ?? []).filter((m) => m.to >= first && m.from <= last);
    return { data: [xs, ...drawn] as uPlot.AlignedData, raw, gaps, marks };
  }, [p.timestamps, p.series, p.stepSeconds, p.stacked, p.range, p.relativeX, p.marks]);

  const key = `${p.title}|${p.binary}|${theme}|${p.series.map((s) => `${s.label}:${s.color}`).join(',')}|${p.stacked}|${p.relativeX}|${p.yRange}|${[...shaped.gaps, ...shaped.marks].map((g) => `${g.from}-${g.to}`).join(',')}`;
  if (empty) return <div className="chart-empty">{p.emptyText ?? 'No data in this time range.'}</div>;
  const { gaps, marks } = shaped;
  return (
    <figure style={{ margin: 0 }}>
      <UPlotChart
        optionsKey={key}
        label={`${p.title} chart: ${p.series.map((s) => s.label).join(', ')}`}
        data={shaped.data}
        {...(p.onChart ? { onChart: p.onChart } : {})}
        options={(width) =>
          timeSeriesOptions({
            width,
            height: p.height ?? 220,
            series: p.series,
            palette: readPalette(),
            format: p.format,
            gaps,
            marks,
            ...(p.stacked ? { stacked: { raw: shaped.raw } } : {}),
            ...(p.yRange ? { yRange: p.yRange } : {}),
            ...(p.relativeX ? { relativeX: true } : {}),
            ...(p.syncKey ? { syncKey: p.syncKey } : {}),
            ...(p.binary ? { yIncrs: BINARY_INCRS } : {}),
          })
        }
      />
      {gaps.length > 0 && (
        <ul className="gaps" aria-label={`${p.title}: stretches without data`}>
          {gaps.slice(0, MAX_GAPS_LISTED).map((g) => (
            <li key={`${g.from}-${g.to}`}>No data from {formatSpan(g.from, g.to)}</li>
          ))}
          {gaps.length > MAX_GAPS_LISTED && <li>…and {gaps.length - MAX_GAPS_LISTED} more stretches without data</li>}
        </ul>
      )}
      {marks.length > 0 && (
        <ul className="marks" aria-label={`${p.title}: load tests`}>
          {marks.slice(0, MAX_GAPS_LISTED).map((m) => (
            <li key={`${m.from}-${m.to}`}>
              {m.label} from {formatSpan(m.from, m.to)}
            </li>
          ))}
          {marks.length > MAX_GAPS_LISTED && <li>…and {marks.length - MAX_GAPS_LISTED} more load tests</li>}
        </ul>
      )}
    </figure>
  );
}
