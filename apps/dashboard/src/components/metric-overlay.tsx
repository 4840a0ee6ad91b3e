import type { HostField } from '@xat/contracts';
import { useMemo, useRef } from 'react';
import type uPlot from 'uplot';
import { useCompareMetrics } from '../api/metrics.ts';
import { compareMetricsCsv } from '../lib/compare.ts';
import { downloadBlob } from '../lib/csv.ts';
import { COMPARABLE_FIELDS, fieldLabel, formatValue, isHostField, unitOf } from '../lib/fields.ts';
import { seriesColor } from '../lib/providers.ts';
import { setSearch, useLocation } from '../lib/router.tsx';
import { parseRange, rangeToParams, resolveRange } from '../lib/time-range.ts';
import { Loading } from './bits.tsx';
import { chartToPng } from './charts/export-png.ts';
import { TimeSeriesChart } from './charts/time-series-chart.tsx';
import { ErrorMessage } from './dialog.tsx';
import { TimeRangePicker } from './time-range-picker.tsx';

/** One metric of every chosen server on one chart, on absolute time or aligned at each server's first sample. */
export function MetricOverlay({ ids, since }: { ids: readonly string[]; since?: number }) {
  const { search } = useLocation();
  const fieldParam = search.get('field');
  const field: HostField = isHostField(fieldParam) ? fieldParam : 'cpu_busy';
  const align = search.get('align') === 'start' ? 'start' : 'absolute';
  const range = parseRange(search);
  const data = useCompareMetrics(ids, field, range, align, since);
  const chart = useRef<uPlot | null>(null);
  const unit = unitOf(field);
  const d = data.data;

  const series = useMemo(
    () =>
      (d?.series ?? []).map((s) => ({
        label: s.collector_name || 'unknown server',
        color: seriesColor(Math.max(0, ids.indexOf(s.collector_id))),
        values: s.values,
      })),
    [d, ids],
  );
  const all = range.kind === 'preset' && range.preset === 'all';
  const span = useMemo(() => (d && align === 'absolute' && !all ? resolveRange(range) : {}), [d, align, range, all]);
  const title = `${fieldLabel(field)} across servers`;
  const stamp = new Date().toISOString().slice(0, 10);

  return (
    <section className="card" aria-label="One metric across servers">
      <div className="card-head">
        <h2>One metric across servers</h2>
        <div className="toolbar">
          <select aria-label="Metric" value={field} onChange={(e) => setSearch({ field: e.target.value })}>
            {COMPARABLE_FIELDS.map((f) => (
              <option key={f} value={f}>
                {fieldLabel(f)}
              </option>
            ))}
          </select>
          <fieldset className="segmented" aria-label="Time axis" style={{ margin: 0, padding: 0 }}>
            <button type="button" aria-pressed={align === 'absolute'} onClick={() => setSearch({ align: undefined })}>
              Absolute time
            </button>
            <button type="button" aria-pressed={align === 'start'} onClick={() => setSearch({ align: 'start' })}>
              Aligned at start
            </button>
          </fieldset>
          <TimeRangePicker value={range} onChange={(r) => setSearch(rangeToParams(r), { push: true })} />
          <button
            type="button"
            disabled={!d || data.loading}
            onClick={() =>
              d &&
              downloadBlob(
                new Blob([compareMetricsCsv(d)], { type: 'text/csv' }),
                `${field}-across-servers-${stamp}.csv`,
              )
            }
          >
            Export CSV
          </button>
          <button
            type="button"
            disabled={!d || data.loading}
            onClick={async () => {
              if (chart.current)
                downloadBlob(await chartToPng(chart.current, title, series), `${field}-across-servers-${stamp}.png`);
            }}
          >
            Export PNG
          </button>
        </div>
      </div>
      <div className="card-body">
        {data.error && !d && <ErrorMessage message={`The metric could not be loaded: ${data.error.message}`} />}
        {data.loading && !d && <Loading what="metric" />}
        {d && (
          <TimeSeriesChart
            title={title}
            timestamps={d.timestamps}
            stepSeconds={d.step_seconds || undefined}
            series={series}
            range={span}
            relativeX={align === 'start'}
            height={280}
            format={(v) => formatValue(unit, v)}
            {...(unit === 'percent' ? { yRange: [0, 100] as [number, number] } : {})}
            binary={unit === 'kb' || unit === 'bytes_per_second'}
            emptyText="None of these servers sent this metric in this time range."
            onChart={(u) => {
              chart.current = u;
            }}
          />
        )}
      </div>
    </section>
  );
}
