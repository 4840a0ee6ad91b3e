import type { Collector, CompareError } from '@xat/contracts';
import { useRef } from 'react';
import type uPlot from 'uplot';
import { useCompareLoadTests } from '../api/load-tests.ts';
import { compareCsv, findWinners, isCompareEntry, unitsByLevel } from '../lib/compare.ts';
import { downloadBlob } from '../lib/csv.ts';
import { formatHourlyCost, formatNumber } from '../lib/format.ts';
import { providerLabel, seriesColor } from '../lib/providers.ts';
import { Link } from '../lib/router.tsx';
import { EmptyState, Loading } from './bits.tsx';
import { chartToPng } from './charts/export-png.ts';
import { LevelBars } from './charts/level-bars.tsx';
import { LoadTestChart } from './charts/load-test-chart.tsx';
import { ErrorMessage } from './dialog.tsx';

const ratio = (v: number | null) => (v === null ? '—' : `${v.toFixed(2)}×`);

/** Each chosen server's latest load test: curves, bars per level, and the table with the winners marked. */
export function LoadTestComparison({
  ids,
  collectors,
}: {
  ids: readonly string[];
  collectors: ReadonlyMap<string, Collector>;
}) {
  const compare = useCompareLoadTests(ids);
  const chart = useRef<uPlot | null>(null);
  if (compare.error && !compare.data)
    return <ErrorMessage message={`The comparison could not be loaded: ${compare.error.message}`} />;
  if (!compare.data) return <Loading what="load tests" />;
  const all = compare.data.comparison;
  const entries = all.filter(isCompareEntry);
  const missing = all.filter((e): e is CompareError => !isCompareEntry(e));
  const colorOf = (id: string) => seriesColor(Math.max(0, ids.indexOf(id)));
  const series = entries.map((e) => ({
    label: e.collector_name,
    color: colorOf(e.collector_id),
    units: unitsByLevel(e),
  }));
  const winners = findWinners(entries);
  const providers = new Map([...collectors].map(([id, c]) => [id, c.vm_brand as string]));
  const stamp = new Date().toISOString().slice(0, 10);

  const exportCsv = () =>
    downloadBlob(new Blob([compareCsv(entries, providers)], { type: 'text/csv' }), `load-test-comparison-${stamp}.csv`);
  const exportPng = async () => {
    if (chart.current)
      downloadBlob(
        await chartToPng(chart.current, 'Work units by CPU utilization', series),
        `load-test-comparison-${stamp}.png`,
      );
  };

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
      {entries.length === 0 ? (
        <div className="card">
          <EmptyState
            title="None of these servers has a load test yet."
            action={<Link to="/load-tests">Import a load test</Link>}
          >
            Run perfcpumeasure on each server and import its output; the comparison appears here.
          </EmptyState>
        </div>
      ) : (
        <>
          <section className="card" aria-label="Load test curves">
            <div className="card-head">
              <h2>Work units by CPU utilization</h2>
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
                <h3 style={{ marginBottom: 8 }}>Units per level</h3>
                <LevelBars series={series} />
              </div>
            </div>
          </section>
          <section className="card" aria-label="Comparison table">
            <div className="card-head">
              <h2>Comparison</h2>
              <span className="muted">
                Baseline: {entries[0]?.collector_name}. Price-performance = max units per $/h.
              </span>
            </div>
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>Server</th>
                    <th>Provider</th>
                    <th>Specs</th>
                    <th className="num">Max units</th>
                    <th className="num">Avg units</th>
                    <th className="num">Units / vCPU</th>
                    <th className="num">Ratio to baseline</th>
                    <th className="num">Hourly cost</th>
                    <th className="num">Price-performance</th>
                  </tr>
                </thead>
                <tbody>
                  {entries.map((e) => (
                    <tr key={e.collector_id} className={winners.bestValue === e.collector_id ? 'winner' : undefined}>
                      <td>
                        <span className="swatch" style={{ background: colorOf(e.collector_id) }} aria-hidden="true" />
                        <Link to={`/servers/${e.collector_id}`}>{e.collector_name}</Link>
                      </td>
                      <td>{providerLabel(providers.get(e.collector_id))}</td>
                      <td className="muted">{e.specs || '—'}</td>
                      <td className="num">
                        {formatNumber(e.max_units, 0)}
                        {winners.mostUnits === e.collector_id && (
                          <span className="badge accent" style={{ marginLeft: 6 }}>
                            most units
                          </span>
                        )}
                      </td>
                      <td className="num">{formatNumber(e.avg_units, 0)}</td>
                      <td className="num">{formatNumber(e.units_per_vcpu, 2)}</td>
                      <td className="num">{ratio(e.ratio_to_baseline)}</td>
                      <td className="num">{formatHourlyCost(e.hourly_cost)}</td>
                      <td className="num">
                        {e.price_performance === null ? (
                          <span className="faint" title="Enter the server's hourly cost to get this">
                            no cost set
                          </span>
                        ) : (
                          formatNumber(e.price_performance, 0)
                        )}
                        {winners.bestValue === e.collector_id && (
                          <span className="badge ok" style={{ marginLeft: 6 }}>
                            ★ best value
                          </span>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        </>
      )}
    </div>
  );
}
