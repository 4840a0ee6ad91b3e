import { DROP_MIN_RUNS, SUITE_METRICS } from '@xat/contracts';
import { useMemo } from 'react';
import type uPlot from 'uplot';
import { useBenchmarkHistory } from '../../api/benchmark-runs.ts';
import { formatMetric } from '../../lib/benchmark-compare.ts';
import { dropLines, historyColumns } from '../../lib/benchmark-watch.ts';
import { setSearch, useLocation } from '../../lib/router.tsx';
import { useTheme } from '../../lib/theme.ts';
import { timeSeriesOptions } from '../charts/chart-options.ts';
import { readPalette } from '../charts/palette.ts';
import { UPlotChart } from '../charts/uplot-chart.tsx';
import { ErrorMessage } from '../dialog.tsx';

const DEFAULT_METRIC = 'core_scaling.multi_units_per_s';

/**
 * One benchmark metric of a server over the days (its runs as points, its median as a line), with the runs that fell
 * more than the set share below the median flagged in red and listed in words. The metric and days live in the URL.
 */
export function BenchmarkHistory({ collectorId }: { collectorId: string }) {
  const { search } = useLocation();
  const { theme } = useTheme();
  const metric = SUITE_METRICS.some((m) => m.key === search.get('bmetric'))
    ? (search.get('bmetric') as string)
    : DEFAULT_METRIC;
  const days = Number(search.get('bdays')) || 30;
  const history = useBenchmarkHistory(collectorId, metric, days);
  const h = history.data;
  const columns = useMemo(() => (h ? historyColumns(h) : undefined), [h]);
  const def = SUITE_METRICS.find((m) => m.key === metric);
  const unit = h?.metric.unit ?? def?.unit ?? '';
  const drops = h ? dropLines(h) : [];

  return (
    <div className="stack" style={{ gap: 10 }}>
      <div className="toolbar">
        <select
          aria-label="Benchmark metric"
          value={metric}
          onChange={(e) => setSearch({ bmetric: e.target.value === DEFAULT_METRIC ? undefined : e.target.value })}
        >
          {SUITE_METRICS.map((m) => (
            <option key={m.key} value={m.key}>
              {m.label} ({m.unit})
            </option>
          ))}
        </select>
        <select
          aria-label="Days of history"
          value={days}
          onChange={(e) => setSearch({ bdays: e.target.value === '30' ? undefined : e.target.value })}
        >
          {[...new Set([7, 30, 90, 365, days])].map((d) => (
            <option key={d} value={d}>
              last {d} days
            </option>
          ))}
        </select>
        {h && (
          <span className="muted">
            {h.median === null
              ? `no median yet: drops are flagged once ${DROP_MIN_RUNS} valid runs give one`
              : `median ${formatMetric(h.median, unit)} of ${h.median_runs} valid ${h.median_runs === 1 ? 'run' : 'runs'}; flagged: more than ${h.drop_alert_pct} % worse`}
          </span>
        )}
      </div>
      {history.error && <ErrorMessage message={history.error.message} />}
      {h && columns && columns.at.length === 0 && (
        <div className="chart-empty">No run measured this metric in the last {h.days} days.</div>
      )}
      {h && columns && columns.at.length > 0 && (
        <UPlotChart
          // Built from the answer's metric (its label and unit), so a metric's data never draws with another's axis.
          optionsKey={`${theme}|${h.metric.key}`}
          label={`${h.metric.label} over time: ${columns.at.length} runs, ${drops.length} flagged`}
          data={[columns.at, columns.values, columns.median, columns.drops] as uPlot.AlignedData}
          options={(width) => {
            const palette = readPalette();
            const o = timeSeriesOptions({
              width,
              height: 200,
              palette,
              format: (v) => formatMetric(v, unit),
              series: [
                { label: h.metric.label, color: '#3b82f6' },
                { label: 'Median', color: '#64748b' },
                { label: 'Flagged drop', color: palette.danger },
              ],
            });
            const [x, values, median, flagged] = o.series;
            o.series = [
              x ?? {},
              { ...values, spanGaps: true, points: { show: true, size: 6 } },
              { ...median, dash: [6, 4], spanGaps: true },
              { ...flagged, width: 0, points: { show: true, size: 11, fill: palette.danger } },
            ];
            return o;
          }}
        />
      )}
      {drops.length > 0 && (
        <ul className="plain-list" aria-label="Flagged drops">
          {drops.map((d) => (
            <li key={d}>
              <span className="badge danger">drop</span> {d}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
