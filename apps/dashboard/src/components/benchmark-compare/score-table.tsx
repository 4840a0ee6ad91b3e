import { type BenchmarkCompareServer, SCORE_COMPONENTS } from '@xat/contracts';
import { formatRatio, SCORE_TEXT, sharesText } from '../../lib/benchmark-compare.ts';
import { Link } from '../../lib/router.tsx';

const COLUMNS = [...SCORE_COMPONENTS, 'overall'] as const;

/**
 * The scores: per component the geometric mean of the metrics' ratios against the baseline server (1.0 = baseline),
 * the overall the geometric mean of the four, with each component's share in it.
 */
export function ScoreTable({
  servers,
  baselineName,
  colorOf,
}: {
  servers: readonly BenchmarkCompareServer[];
  baselineName: string;
  colorOf: (id: string) => string;
}) {
  return (
    <section className="card" aria-label="Scores">
      <div className="card-head">
        <h2>Scores</h2>
        <span className="muted">1.0 = the baseline, {baselineName}; above 1 is better.</span>
      </div>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Server</th>
              {COLUMNS.map((c) => (
                <th key={c} className="num">
                  {SCORE_TEXT[c]}
                </th>
              ))}
              <th>Share of each component in the overall</th>
            </tr>
          </thead>
          <tbody>
            {servers.map((s) => (
              <tr key={s.collector_id}>
                <td className="nowrap">
                  <span className="swatch" style={{ background: colorOf(s.collector_id) }} aria-hidden="true" />
                  <Link to={`/servers/${s.collector_id}`}>{s.collector_name}</Link>
                </td>
                {COLUMNS.map((c) => (
                  <td key={c} className="num">
                    {c === 'overall' ? <strong>{formatRatio(s.scores[c])}</strong> : formatRatio(s.scores[c])}
                  </td>
                ))}
                <td className="muted">{sharesText(s.scores) || '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
