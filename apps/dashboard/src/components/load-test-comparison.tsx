import type { Collector, CompareError } from '@xat/contracts';
import { useRef } from 'react';
import type uPlot from 'uplot';
import { useCompareLoadTests } from '../api/load-tests.ts';
import { compareCsv, isCompareEntry } from '../lib/compare.ts';
import { excludedRuns, excludedText, levelCurve, type RunChoice } from '../lib/compare-stats.ts';
import { downloadBlob } from '../lib/csv.ts';
import { seriesColor } from '../lib/providers.ts';
import { Link } from '../lib/router.tsx';
import { EmptyState, Loading } from './bits.tsx';
import { chartToPng } from './charts/export-png.ts';
import { LevelBars } from './charts/level-bars.tsx';
import { LoadTestChart, type LoadTestSeries } from './charts/load-test-chart.tsx';
import { CompareTable } from './compare-table.tsx';
import { ErrorMessage } from './dialog.tsx';

/**
 * The chosen servers' load tests judged together: the median curve of each server's runs with its 95 % band, the
 * runs left out and why, and the verdicts and price-performance against the baseline.
 */
export function LoadTestComparison({
  ids,
  collectors,
  choice,
  onChoice,
}: {
  ids: readonly string[];
  collectors: ReadonlyMap<string, Collector>;
  choice: RunChoice;
  onChoice: (choice: RunChoice) => void;
}) {
  const compare = useCompareLoadTests(ids, choice);
  const chart = useRef<uPlot | null>(null);
  if (compare.error && !compare.data)
    return <ErrorMessage message={`The comparison could not be loaded: ${compare.error.message}`} />;
  if (!compare.data) return <Loading what="load tests" />;
  const all = compare.data.comparison;
  const entries = all.filter(isCompareEntry);
  const missing = all.filter((e): e is CompareError => !isCompareEntry(e));
  const colorOf = (id: string) => seriesColor(Math.max(0, ids.indexOf(id)));
  const series: LoadTestSeries[] = entries.map((e) => {
    const curve = levelCurve(e.statistics);
    return { label: e.collector_name, color: colorOf(e.collector_id), units: curve.median, ...curve };
  });
  const excluded = excludedRuns(entries);
  const leftOut = excludedText(excluded);
  const providers = new Map([...collectors].map(([id, c]) => [id, c.vm_brand as string]));
  const stamp = new Date().toISOString().slice(0, 10);

  const exportCsv = () =>
    downloadBlob(new Blob([compareCsv(entries, providers)], { type: 'text/csv' }), `load-test-comparison-${stamp}.csv`);
  const exportPng = async () => {
    if (chart.current)
      downloadBlob(
        await chartToPng(chart.current, 'Work units by CPU utilization (median, 95 % band)', series),
        `load-test-comparison-${stamp}.png`,
      );
  };
  const includeLeftOut = () =>
    onChoice({
      ...choice,
      include: (['suspect', 'invalid'] as const).filter((k) => choice.include.includes(k) || excluded[k] > 0),
    });

  return (
    <div className="stack">
      {missing.length > 0 && (
        <div className="alert warn">
          {missing.map((m) => (
            <div key={m.collector_id}>
              {m.collector_name ?? collectors.get(m.collector_id)?.name ?? 'A server'}: {m.error}{' '}
              <Link to={`/load-tests?collector=${m.collector_id}`}>Import a load test</Link>
            </div>
          ))}
        </div>
      )}
      {leftOut && (
        <div className="alert warn" role="status" aria-label="Runs left out">
          {leftOut} —{' '}
          <button type="button" className="small" onClick={includeLeftOut}>
            include them
          </button>
        </div>
      )}
      {entries.length === 0 ? (
        <div className="card">
          <EmptyState
            title="None of these servers has a load test yet."
            action={<Link to="/load-tests">Import a load test</Link>}
          >
            Run `pcc loadtest --runs 3` on each server, or import perfcpumeasure output; the comparison appears here.
          </EmptyState>
        </div>
      ) : (
        <>
          <CompareTable entries={entries} colorOf={colorOf} />
          <section className="card" aria-label="Load test curves">
            <div className="card-head">
              <h2>Work units by CPU utilization</h2>
              <span className="muted grow">Median of each server's runs; shaded: the 95 % interval of the mean.</span>
              <div className="toolbar">
                <button type="button" onClick={exportCsv}>
                  Export CSV
                </button>
                <button type="button" onClick={exportPng}>
                  Export PNG
                </button>
              </div>
            </div>
            <div className="grid-2 card-body">
              <LoadTestChart
                series={series}
                onChart={(u) => {
                  chart.current = u;
                }}
              />
              <div>
                <h3 style={{ marginBottom: 8 }}>Median units per level</h3>
                <LevelBars series={series.map((s) => ({ ...s, units: s.units.map((u) => u ?? 0) }))} />
              </div>
            </div>
          </section>
        </>
      )}
    </div>
  );
}
