import type { Validity, ValidityReason } from '@xat/contracts';
import { VALIDITY_CLASS, VALIDITY_TEXT } from '../lib/validity.ts';

/** A load test's verdict as a word in a coloured badge. */
export function ValidityBadge({ validity }: { validity: Validity }) {
  return <span className={`badge ${VALIDITY_CLASS[validity]}`}>{VALIDITY_TEXT[validity]}</span>;
}

const HEADLINE: Record<Validity, string> = {
  valid: 'Valid: nothing the agent measured disturbed this run.',
  suspect: 'Suspect: comparisons leave this run out unless suspect runs are included.',
  invalid: 'Invalid: these units cannot be trusted; comparisons leave this run out unless invalid runs are included.',
};

/** The verdict in words, with every reason the server gave. */
export function ValidityBanner({ validity, reasons }: { validity: Validity; reasons: readonly ValidityReason[] }) {
  const cls = validity === 'valid' ? 'ok' : validity === 'suspect' ? 'warn' : 'error';
  return (
    <section className={`alert ${cls}`} aria-label="Validity">
      <strong>{HEADLINE[validity]}</strong>
      {reasons.length > 0 && (
        <ul className="reasons">
          {reasons.map((r) => (
            <li key={`${r.code}-${r.level ?? 'run'}`}>
              {r.message}
              {r.severity !== validity && <span className="faint"> ({r.severity})</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
