import { type RecordingSummary, VALIDITIES, type Validity } from '@xat/contracts';
import { formatIsoDateTime, formatNumber } from '../../lib/format.ts';
import { Link } from '../../lib/router.tsx';
import { EmptyState } from '../bits.tsx';
import { ValidityBadge } from '../validity.tsx';

const isValidity = (v: string): v is Validity => (VALIDITIES as readonly string[]).includes(v);

/** The load tests of the recording's server that ran inside its window, each with the server's verdict. */
export function RecordingLoadTests({ tests }: { tests: RecordingSummary['load_tests'] }) {
  if (tests.length === 0) return <EmptyState title="No load test ran on this server during this recording." />;
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th>Run</th>
            <th>Validity</th>
            <th className="num">At 100 %</th>
          </tr>
        </thead>
        <tbody>
          {tests.map((t) => (
            <tr key={t.id}>
              <td>
                <Link to={`/load-tests/${t.id}`}>{formatIsoDateTime(t.created_at)}</Link>
              </td>
              <td>{isValidity(t.validity) ? <ValidityBadge validity={t.validity} /> : t.validity}</td>
              <td className="num">{formatNumber(t.units_100pct, 0)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
