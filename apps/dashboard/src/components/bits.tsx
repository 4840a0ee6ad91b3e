import type { Collector } from '@xat/contracts';
import { type ReactNode, useState } from 'react';
import { formatRelative } from '../lib/format.ts';

const STATUS_TEXT: Record<Collector['status'], string> = {
  connected: 'Connected',
  disconnected: 'Disconnected',
  pending: 'Waiting for agent',
};

/** A coloured dot with the status in words (the colour is never the only signal). */
export function StatusDot({ status }: { status: Collector['status'] }) {
  return (
    <span className="status">
      <span className={`dot ${status}`} aria-hidden="true" />
      {STATUS_TEXT[status]}
    </span>
  );
}

export function LastSeen({ iso }: { iso: string | null }) {
  return (
    <time dateTime={iso ?? undefined} title={iso ? new Date(iso).toLocaleString() : 'The agent has not reported yet'}>
      {formatRelative(iso)}
    </time>
  );
}

/** What to do when there is nothing to show: a line saying so, a line saying what next, and the action. */
export function EmptyState({ title, children, action }: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="empty">
      <strong>{title}</strong>
      {children && <div>{children}</div>}
      {action && <div className="row">{action}</div>}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <div className="loading" role="status">
      Loading {what}…
    </div>
  );
}

/** Copies `text` and says so for two seconds; the accessible name says what is copied. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [done, setDone] = useState<'copied' | 'failed'>();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setDone('copied');
    } catch {
      setDone('failed');
    }
    setTimeout(() => setDone(undefined), 2000);
  };
  return (
    <button type="button" className="small" aria-label={label} onClick={copy}>
      {done === 'copied' ? 'Copied' : done === 'failed' ? 'Select and copy' : 'Copy'}
    </button>
  );
}

/** A secret or command shown in full, with a copy button. */
export function SecretBox({ value, label }: { value: string; label: string }) {
  return (
    <div className="secret">
      <output aria-label={label}>
        <code>{value}</code>
      </output>
      <CopyButton text={value} label={`Copy ${label.toLowerCase()}`} />
    </div>
  );
}
