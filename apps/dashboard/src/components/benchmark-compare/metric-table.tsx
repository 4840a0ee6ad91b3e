import type { BenchmarkCompare, BenchmarkCompareServer, MetricCompare } from '@xat/contracts';
import { formatMetric, formatRatio, type MetricGroup } from '../../lib/benchmark-compare.ts';
import { VERDICT_CLASS } from '../../lib/compare-stats.ts';
import { formatNumber } from '../../lib/format.ts';
import { BENCHMARK_TEXT } from '../../lib/jobs.ts';
import { Link } from '../../lib/router.tsx';

type MetricDef = BenchmarkCompare['metrics'][number];

/** One server's figure of one metric: median, n and CV, the 95 % interval, the verdict against the baseline, per $. */
function MetricCell({ m, def, baseline }: { m: MetricCompare | undefined; def: MetricDef; baseline: boolean }) {
  if (!m || m.n === 0) return <span className="faint">no runs</span>;
  const small = { fontSize: 12 } as const;
  return (
    <div className="stack" style={{ gap: 2 }}>
      <strong className="nowrap">{formatMetric(m.median, def.unit)}</strong>
      <div className="faint nowrap" style={small}>
        n {m.n} · CV {m.cv_pct === null ? '—' : `${formatNumber(m.cv_pct, 1)} %`}
      </div>
      {m.ci95_low !== null && m.ci95_high !== null && (
        <div className="faint nowrap" style={small}>
          95 %: {formatMetric(m.ci95_low, def.unit, false)}–{formatMetric(m.ci95_high, def.unit, false)}
        </div>
      )}
      <div>
        {baseline ? (
          <span className="badge accent" data-verdict="baseline">
            baseline
          </span>
        ) : (
          <span
            className={`badge ${VERDICT_CLASS[m.verdict]}`}
            data-verdict={m.verdict}
            title={
              m.ratio
                ? `${formatRatio(m.ratio.value)} the baseline${
                    m.ratio.ci95_low !== null && m.ratio.ci95_high !== null
                      ? `, 95 %: ${formatRatio(m.ratio.ci95_low)}–${formatRatio(m.ratio.ci95_high)}`
                      : ''
                  }`
                : undefined
            }
          >
            {m.verdict_text}
          </span>
        )}
      </div>
      {m.per_dollar_hour && (
        <div className="faint nowrap" style={small}>
          per $/h: {formatMetric(m.per_dollar_hour.value, def.unit, false)}
        </div>
      )}
    </div>
  );
}

/** Every measured metric side by side, grouped by benchmark: rows are metrics, columns the servers. */
export function MetricTable({
  groups,
  servers,
  baselineId,
  colorOf,
}: {
  groups: readonly MetricGroup[];
  servers: readonly BenchmarkCompareServer[];
  baselineId: string;
  colorOf: (id: string) => string;
}) {
  return (
    <section className="card" aria-label="Benchmark metrics">
      <div className="card-head">
        <h2>Every benchmark, side by side</h2>
        <span className="muted">
          Median of each server's runs, n runs and their spread (CV), the 95 % interval of the mean, and the verdict
          against the baseline.
        </span>
      </div>
      <div className="table-wrap">
        <table className="compact">
          <thead>
            <tr>
              <th>Metric</th>
              {servers.map((s) => (
                <th key={s.collector_id} className="nowrap">
                  <span className="swatch" style={{ background: colorOf(s.collector_id) }} aria-hidden="true" />
                  <Link to={`/servers/${s.collector_id}`}>{s.collector_name}</Link>
                </th>
              ))}
            </tr>
          </thead>
          {groups.map((g) => (
            <tbody key={g.benchmark} aria-label={BENCHMARK_TEXT[g.benchmark]}>
              <tr>
                <th colSpan={servers.length + 1} scope="colgroup" style={{ background: 'var(--surface-2)' }}>
                  {BENCHMARK_TEXT[g.benchmark]}
                </th>
              </tr>
              {g.metrics.map((def) => (
                <tr key={def.key} data-metric={def.key}>
                  <th scope="row" style={{ fontWeight: 500 }}>
                    {def.label}
                    <div className="faint" style={{ fontSize: 12 }}>
                      {def.unit}, {def.better} is better
                    </div>
                  </th>
                  {servers.map((s) => (
                    <td key={s.collector_id}>
                      <MetricCell m={s.metrics[def.key]} def={def} baseline={s.collector_id === baselineId} />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          ))}
        </table>
      </div>
    </section>
  );
}
