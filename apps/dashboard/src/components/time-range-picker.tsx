import { useState } from 'react';
import {
  customRange,
  describeRange,
  PRESETS,
  presetLabel,
  resolveRange,
  type TimeRange,
  toLocalInput,
} from '../lib/time-range.ts';
import { Dialog, ErrorMessage } from './dialog.tsx';

interface Props {
  value: TimeRange;
  onChange: (range: TimeRange) => void;
}

/** 1H 6H 24H 7D 30D All, and "Custom…" opening two date-time fields. */
export function TimeRangePicker({ value, onChange }: Props) {
  const [open, setOpen] = useState(false);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [error, setError] = useState<string>();

  const openCustom = () => {
    const span = resolveRange(
      value.kind === 'preset' && value.preset === 'all' ? { kind: 'preset', preset: '24h' } : value,
    );
    const now = Math.floor(Date.now() / 1000);
    setFrom(toLocalInput(span.from ?? now - 86400));
    setTo(toLocalInput(span.to ?? now));
    setError(undefined);
    setOpen(true);
  };
  const apply = () => {
    const range = customRange(from, to);
    if ('error' in range) return setError(range.error);
    setOpen(false);
    onChange(range);
  };

  return (
    <div className="row">
      <fieldset className="segmented" aria-label="Time range" style={{ margin: 0, padding: 0 }}>
        {PRESETS.map((p) => (
          <button
            key={p}
            type="button"
            aria-pressed={value.kind === 'preset' && value.preset === p}
            aria-label={p === 'all' ? 'All data' : `Last ${presetLabel(p)}`}
            onClick={() => onChange({ kind: 'preset', preset: p })}
          >
            {presetLabel(p)}
          </button>
        ))}
        <button type="button" aria-pressed={value.kind === 'custom'} onClick={openCustom}>
          {value.kind === 'custom' ? describeRange(value) : 'Custom…'}
        </button>
      </fieldset>
      <Dialog
        open={open}
        title="Custom time range"
        onClose={() => setOpen(false)}
        footer={
          <>
            <button type="button" onClick={() => setOpen(false)}>
              Cancel
            </button>
            <button type="button" className="primary" onClick={apply}>
              Apply range
            </button>
          </>
        }
      >
        <div className="form">
          <div className="form-row">
            <div className="field">
              <label htmlFor="range-from">From</label>
              <input id="range-from" type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} />
            </div>
            <div className="field">
              <label htmlFor="range-to">To</label>
              <input id="range-to" type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} />
            </div>
          </div>
          <div className="hint muted">Times are in your local time zone.</div>
          {error && <ErrorMessage message={error} />}
        </div>
      </Dialog>
    </div>
  );
}
