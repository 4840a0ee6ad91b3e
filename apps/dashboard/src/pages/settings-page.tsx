import { type FormEvent, useState } from 'react';
import { type TenantSettings, useTenantSettings, useUpdateTenantSettings } from '../api/tenant.ts';
import { Loading } from '../components/bits.tsx';
import { ErrorMessage } from '../components/dialog.tsx';
import { FormField } from '../components/form-field.tsx';
import { useTitle } from '../components/layout.tsx';
import { formErrors } from '../lib/form-errors.ts';
import {
  describeDays,
  RETENTION_FIELDS,
  type RetentionDraft,
  type RetentionKey,
  retentionDraft,
  retentionPatch,
} from '../lib/retention.ts';

const KEYS = RETENTION_FIELDS.map((f) => f.key);

function RetentionForm({ settings }: { settings: TenantSettings }) {
  const update = useUpdateTenantSettings();
  const [draft, setDraft] = useState<RetentionDraft>(() => retentionDraft(settings));
  const [local, setLocal] = useState<Partial<Record<RetentionKey, string[]>>>({});
  const [saved, setSaved] = useState(false);
  const server = formErrors(update.error, KEYS);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    update.reset();
    const { patch, errors } = retentionPatch(settings, draft);
    setLocal(errors);
    if (Object.keys(errors).length) return;
    if (Object.keys(patch).length === 0) return setSaved(true);
    const next = await update.run(patch);
    if (next) {
      setDraft(retentionDraft(next));
      setSaved(true);
    }
  };
  return (
    <section className="card" aria-label="Retention">
      <div className="card-head">
        <h2>How long metrics are kept</h2>
        <span className="muted">Charts and exports stop at these ages; the hourly maintenance removes older data.</span>
      </div>
      <form className="card-body form" onSubmit={submit} noValidate>
        {RETENTION_FIELDS.map((f) => (
          <FormField
            key={f.key}
            label={`${f.label} (days)`}
            type="number"
            inputMode="numeric"
            min={1}
            step={1}
            value={draft[f.key]}
            onChange={(e) => {
              setSaved(false);
              setDraft((d) => ({ ...d, [f.key]: e.target.value }));
            }}
            errors={local[f.key] ?? server.byField[f.key]}
            hint={`${f.hint} Now: ${describeDays(settings[f.key])}.`}
          />
        ))}
        <p className="muted" style={{ margin: 0 }}>
          Each coarser resolution is kept at least as long as the finer one before it.
        </p>
        {server.general && <ErrorMessage message={server.general} />}
        {saved && (
          <div className="alert ok" role="status">
            Saved.
          </div>
        )}
        <div>
          <button type="submit" className="primary" disabled={update.pending}>
            {update.pending ? 'Saving…' : 'Save retention'}
          </button>
        </div>
      </form>
    </section>
  );
}

/** The team's settings (admins): its domains, and how long its metrics are kept. */
export function SettingsPage() {
  useTitle('Settings');
  const settings = useTenantSettings();
  const s = settings.data;
  return (
    <div className="stack narrow">
      <div className="page-head">
        <div>
          <h1>Settings</h1>
          <p>{s ? `The settings of ${s.name}, for everyone in the team.` : 'The settings of this team.'}</p>
        </div>
      </div>
      {settings.error && !s && <ErrorMessage message={settings.error.message} />}
      {settings.loading && !s && <Loading what="settings" />}
      {s && (
        <>
          <section className="card" aria-label="Domains">
            <div className="card-head">
              <h2>Domains</h2>
              <span className="muted">The addresses this team's dashboard and agents use.</span>
            </div>
            <ul className="card-body plain-list">
              {s.domains.map((d) => (
                <li key={d.domain}>
                  <span className="mono">{d.domain}</span> {d.is_primary && <span className="badge">primary</span>}
                </li>
              ))}
            </ul>
          </section>
          <RetentionForm settings={s} />
        </>
      )}
    </div>
  );
}
