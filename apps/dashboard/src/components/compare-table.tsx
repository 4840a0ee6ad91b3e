import type { CompareEntry, Interval } from '@xat/contracts';
import { clearlyBest, VERDICT_CLASS } from '../lib/compare-stats.ts';
import { formatHourlyCost, formatMonthly, formatNumber } from '../lib/format.ts';
import { Link } from '../lib/router.tsx';

const SET_TEXT: Record<string, string> = {
  auto: 'auto',
  latest_series: 'latest series',
  last_30_days: 'last 30 days',
  all: 'all runs',
  chosen: 'chosen by hand',
};

/** A figure over the 95 % interval it comes with (the interval on its own line, so columns stay narrow). */
function Figure({ iv, digits = 0 }: { iv: Interval | null | undefined; digits?: number }) {
  if (!iv) return <>—</>;
  return (
    <>
      {formatNumber(iv.value, digits)}
      {iv.ci95_low !== null && iv.ci95_high !== null && (
        <div className="faint nowrap" style={{ fontSize: 12 }}>
          95 %: {formatNumber(iv.ci95_low, digits)}–{formatNumber(iv.ci95_high, digits)}
        </div>
      )}
    </>
  );
}

/** The 100 % level's median with the interval of its mean, from the statistics. */
const fullLoad = (e: CompareEntry): Interval | null => {
  const level = e.statistics?.levels.find((l) => l.utilization === 100 && l.n > 0);
  return level ? { value: level.median, ci95_low: level.ci95_low, ci95_high: level.ci95_high } : null;
};

/** Per server: the runs used, the verdict against the baseline, and price-performance, each with its interval. */
export function CompareTable({
  entries,
  colorOf,
}: {
  entries: readonly CompareEntry[];
  colorOf: (id: string) => string;
}) {
  const bestValue = clearlyBest(entries, (s) => s.units_per_dollar_hour);
  const baseline = entries[0];
  return (
    <section className="card" aria-label="Comparison table">
      <div className="card-head">
        <h2>Verdicts</h2>
        <span className="muted">
          Against the baseline, {baseline?.collector_name}: the ratio of the runs' geometric means at 100 %, with its 95
          % interval.
        </span>
      </div>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Server</th>
              <th>Runs</th>
              <th className="num">Units / s at 100 %</th>
              <th>Verdict</th>
              <th className="num">Per vCPU</th>
              <th className="num">Per effective CPU</th>
              <th className="num">Hourly cost</th>
              <th className="num">Units per $/h</th>
              <th
                className="num"
                title="What as many of this server as give the baseline's units at 100 % cost a month"
              >
                Monthly cost to match
              </th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => {
              const s = e.statistics;
              return (
                <tr key={e.collector_id} className={bestValue === e.collector_id ? 'winner' : undefined}>
                  <td className="nowrap" title={e.specs}>
                    <span className="swatch" style={{ background: colorOf(e.collector_id) }} aria-hidden="true" />
                    <Link to={`/servers/${e.collector_id}`}>{e.collector_name}</Link>
                  </td>
                  <td className="nowrap">{s ? `${s.runs.length} · ${SET_TEXT[s.set] ?? s.set}` : '—'}</td>
                  <td className="num">
                    <Figure iv={fullLoad(e)} />
                  </td>
                  <td>
                    {s ? (
                      <span className={`badge ${VERDICT_CLASS[s.verdict]}`} data-verdict={s.verdict}>
                        {s.verdict_text}
                      </span>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td className="num">
                    <Figure iv={s?.per_vcpu} digits={1} />
                  </td>
                  <td className="num">
                    <Figure iv={s?.per_effective_cpu} digits={1} />
                    {s?.effective_cpus !== null && s?.effective_cpus !== undefined && (
                      <div className="faint">{formatNumber(s.effective_cpus, 2)} effective CPUs</div>
                    )}
                  </td>
                  <td className="num">{formatHourlyCost(e.hourly_cost)}</td>
                  <td className="num">
                    {s?.units_per_dollar_hour ? (
                      <Figure iv={s.units_per_dollar_hour} />
                    ) : (
                      <span className="faint" title="Enter the server's hourly cost to get this">
                        no cost set
                      </span>
                    )}
                    {bestValue === e.collector_id && (
                      <div>
                        <span className="badge ok">★ best value</span>
                      </div>
                    )}
                  </td>
                  <td className="num">
                    {e === baseline ? <span className="faint">baseline</span> : formatMonthly(s?.monthly_cost_to_match)}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
