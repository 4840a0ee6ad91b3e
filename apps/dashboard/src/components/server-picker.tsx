import type { Collector } from '@xat/contracts';
import { useState } from 'react';
import { seriesColor } from '../lib/providers.ts';
import { StatusDot } from './bits.tsx';

interface Props {
  collectors: readonly Collector[];
  selected: readonly string[];
  onChange: (ids: string[]) => void;
  max?: number;
}

/** Tick 2–10 servers; the first one chosen is the baseline, and any can be made the baseline. */
export function ServerPicker({ collectors, selected, onChange, max = 10 }: Props) {
  const [filter, setFilter] = useState('');
  const byId = new Map(collectors.map((c) => [c.id, c]));
  const shown = collectors.filter((c) => !filter || c.name.toLowerCase().includes(filter.toLowerCase()));
  const toggle = (id: string) =>
    onChange(
      selected.includes(id)
        ? selected.filter((x) => x !== id)
        : selected.length >= max
          ? [...selected]
          : [...selected, id],
    );
  return (
    <div className="stack" style={{ gap: 10 }}>
      {selected.length > 0 && (
        <div className="row" aria-label="Chosen servers">
          {selected.map((id, i) => (
            <span
              key={id}
              className="badge"
              style={{ display: 'inline-flex', alignItems: 'center', gap: 6, padding: '3px 4px 3px 10px' }}
            >
              <span className="swatch" style={{ background: seriesColor(i), marginRight: 0 }} aria-hidden="true" />
              {byId.get(id)?.name ?? 'unknown server'}
              {i === 0 ? (
                <span className="badge accent">baseline</span>
              ) : (
                <button
                  type="button"
                  className="small ghost"
                  title="Ratios are computed against the baseline"
                  onClick={() => onChange([id, ...selected.filter((x) => x !== id)])}
                  aria-label={`Make ${byId.get(id)?.name ?? 'this server'} the baseline`}
                >
                  make baseline
                </button>
              )}
              <button
                type="button"
                className="small ghost"
                aria-label={`Remove ${byId.get(id)?.name ?? 'server'} from the comparison`}
                onClick={() => toggle(id)}
              >
                ×
              </button>
            </span>
          ))}
        </div>
      )}
      <input
        type="search"
        aria-label="Filter servers"
        placeholder="Filter servers"
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
        style={{ maxWidth: 320 }}
      />
      <div className="picker">
        {shown.map((c) => (
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
        {shown.length === 0 && <span className="muted">No server matches.</span>}
      </div>
    </div>
  );
}
