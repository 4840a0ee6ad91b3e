import type { Collector, CompareRunSet } from '@xat/contracts';
import { useState } from 'react';
import { useLoadTests } from '../api/load-tests.ts';
import type { IncludeKind, RunChoice } from '../lib/compare-stats.ts';
import { formatIsoDateTime, formatNumber } from '../lib/format.ts';
import { seriesColor } from '../lib/providers.ts';
import { Link } from '../lib/router.tsx';
import { ErrorMessage } from './dialog.tsx';
import { ValidityBadge } from './validity.tsx';

const SETS: { value: CompareRunSet; label: string }[] = [
  { value: 'auto', label: 'Auto: the latest series, else the last 30 days' },
  { value: 'latest_series', label: 'The latest series' },
  { value: 'last_30_days', label: 'The last 30 days' },
  { value: 'all', label: 'All runs' },
];

interface Props {
  servers: readonly Pick<Collector, 'id' | 'name'>[];
  choice: RunChoice;
  onChange: (choice: RunChoice) => void;
}

/**
 * Which runs each server is judged by: a set for all, the doubtful runs to include, or runs picked by hand (which
 * the API takes instead of the set, for every server).
 */
export function CompareRuns({ servers, choice, onChange }: Props) {
  const toggleInclude = (kind: IncludeKind, on: boolean) =>
    onChange({
      ...choice,
      include: (['suspect', 'invalid'] as const).filter((k) => (k === kind ? on : choice.include.includes(k))),
    });
  return (
    <section className="card" aria-label="Runs compared">
      <div className="card-head">
        <h2>Runs compared</h2>
        <div className="toolbar">
          <select
            aria-label="Run set"
            value={choice.set}
            onChange={(e) => onChange({ ...choice, set: e.target.value as CompareRunSet })}
          >
            {SETS.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
          {(['suspect', 'invalid'] as const).map((kind) => (
            <label key={kind} className="row" style={{ gap: 6 }}>
              <input
                type="checkbox"
                checked={choice.include.includes(kind)}
                onChange={(e) => toggleInclude(kind, e.target.checked)}
              />
              Include {kind} runs
            </label>
          ))}
        </div>
      </div>
      <div className="card-body stack" style={{ gap: 6 }}>
        {choice.runIds.length > 0 && (
          <div className="alert info" role="status">
            {choice.runIds.length} {choice.runIds.length === 1 ? 'run' : 'runs'} picked by hand: they replace the run
            set for every server, so pick runs of each.{' '}
            <button type="button" className="small" onClick={() => onChange({ ...choice, runIds: [] })}>
              Use the run set again
            </button>
          </div>
        )}
        {servers.map((s, i) => (
          <ServerRuns key={s.id} server={s} index={i} choice={choice} onChange={onChange} />
        ))}
      </div>
    </section>
  );
}

/** One server's load tests, opened on demand, each a checkbox with its date and verdict. */
function ServerRuns({
  server,
  index,
  choice,
  onChange,
}: {
  server: Pick<Collector, 'id' | 'name'>;
  index: number;
  choice: RunChoice;
  onChange: (choice: RunChoice) => void;
}) {
  const [open, setOpen] = useState(false);
  const runs = useLoadTests({ collectorId: server.id }, { enabled: open });
  const own = new Set((runs.data?.results ?? []).map((t) => t.id));
  const picked = choice.runIds.filter((id) => own.has(id));
  const toggle = (id: string, on: boolean) =>
    onChange({ ...choice, runIds: on ? [...choice.runIds, id] : choice.runIds.filter((x) => x !== id) });
  return (
    <details onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>
        <span className="swatch" style={{ background: seriesColor(index) }} aria-hidden="true" />
        Pick runs of {server.name} by hand{picked.length > 0 ? ` (${picked.length} chosen)` : ''}
      </summary>
      {runs.error && <ErrorMessage message={`Its load tests could not be loaded: ${runs.error.message}`} />}
      {runs.data && runs.data.results.length === 0 && <p className="muted">No load tests for this server.</p>}
      {runs.data && runs.data.results.length > 0 && (
        <fieldset className="picker" aria-label={`Runs of ${server.name}`}>
          {runs.data.results.map((t) => (
            <label key={t.id}>
              <input
                type="checkbox"
                checked={choice.runIds.includes(t.id)}
                onChange={(e) => toggle(t.id, e.target.checked)}
              />
              <span className="grow nowrap">
                {formatIsoDateTime(t.created_at)} · {formatNumber(t.units_100pct, 0)} u/s
              </span>
              <ValidityBadge validity={t.validity} />
              <Link to={`/load-tests/${t.id}`} aria-label={`Open the run of ${formatIsoDateTime(t.created_at)}`}>
                open
              </Link>
            </label>
          ))}
        </fieldset>
      )}
    </details>
  );
}
