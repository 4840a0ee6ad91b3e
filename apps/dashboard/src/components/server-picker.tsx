import type { Collector } from '@xat/contracts';
import { useServerSearch } from '../api/use-server-search.ts';
import { formatNumber } from '../lib/format.ts';
import { seriesColor } from '../lib/providers.ts';
import { StatusDot } from './bits.tsx';
import { ErrorMessage } from './dialog.tsx';

interface Props {
  /** The chosen servers, in order (the first is the baseline), as far as they are loaded. */
  chosen: readonly Pick<Collector, 'id' | 'name'>[];
  selected: readonly string[];
  onChange: (ids: string[]) => void;
  max?: number;
}

const SHOWN = 24;

/**
 * Tick 2–10 servers; the first one chosen is the baseline, and any can be made the baseline. The search runs on the
 * server (`search`), so any server of a fleet of thousands can be found, not only those of a first page.
 */
export function ServerPicker({ chosen, selected, onChange, max = 10 }: Props) {
  const { text, setText, search, found } = useServerSearch(SHOWN);
  const nameOf = (id: string) => chosen.find((c) => c.id === id)?.name ?? 'loading…';
  const toggle = (id: string) =>
    onChange(
      selected.includes(id)
        ? selected.filter((x) => x !== id)
        : selected.length >= max
          ? [...selected]
          : [...selected, id],
    );
  const results = found.data?.results ?? [];
  const more = (found.data?.count ?? 0) - results.length;
  return (
    <div className="stack" style={{ gap: 10 }}>
      {selected.length > 0 && (
        <fieldset className="row" aria-label="Chosen servers">
          {selected.map((id, i) => (
            <span
              key={id}
              className="badge"
              style={{ display: 'inline-flex', alignItems: 'center', gap: 6, padding: '3px 4px 3px 10px' }}
            >
              <span className="swatch" style={{ background: seriesColor(i), marginRight: 0 }} aria-hidden="true" />
              {nameOf(id)}
              {i === 0 ? (
                <span className="badge accent">baseline</span>
              ) : (
                <button
                  type="button"
                  className="small ghost"
                  title="Ratios are computed against the baseline"
                  onClick={() => onChange([id, ...selected.filter((x) => x !== id)])}
                  aria-label={`Make ${nameOf(id)} the baseline`}
                >
                  make baseline
                </button>
              )}
              <button
                type="button"
                className="small ghost"
                aria-label={`Remove ${nameOf(id)} from the comparison`}
                onClick={() => toggle(id)}
              >
                ×
              </button>
            </span>
          ))}
        </fieldset>
      )}
      <input
        type="search"
        aria-label="Find servers"
        placeholder="Find servers by name, hostname, description"
        value={text}
        onChange={(e) => setText(e.target.value)}
        style={{ maxWidth: 360 }}
      />
      {found.error && <ErrorMessage message={`The servers could not be searched: ${found.error.message}`} />}
      <div className="picker">
        {results.map((c) => (
          <label key={c.id}>
            <input
              type="checkbox"
              checked={selected.includes(c.id)}
              disabled={!selected.includes(c.id) && selected.length >= max}
              onChange={() => toggle(c.id)}
            />
            <span className="grow nowrap">{c.name}</span>
            <StatusDot status={c.status} />
          </label>
        ))}
        {found.data && results.length === 0 && <span className="muted">No server matches.</span>}
      </div>
      {more > 0 && (
        <span className="muted">
          {formatNumber(more, 0)} more {search ? 'match' : 'servers'}: type to narrow the list.
        </span>
      )}
    </div>
  );
}
