import { BUILTIN_PROFILES, DEFAULT_DROP_ALERT_PCT } from '@xat/contracts';
import { type FormEvent, useState } from 'react';
import {
  type BenchmarkSchedule,
  useCreateSchedule,
  useDeleteSchedule,
  useSchedules,
  useUpdateSchedule,
} from '../../api/benchmark-schedules.ts';
import { useProfiles } from '../../api/jobs.ts';
import { type ScheduleForm, toScheduleBody } from '../../lib/benchmark-watch.ts';
import { formatIsoDateTime, formatNumber } from '../../lib/format.ts';
import { ErrorMessage } from '../dialog.tsx';

const FieldError = ({ message }: { message: string | undefined }) =>
  message ? <div className="field-error">{message}</div> : null;

function ScheduleList({
  rows,
  editable,
  serverName,
}: {
  rows: readonly BenchmarkSchedule[];
  editable: boolean;
  serverName?: string | undefined;
}) {
  const update = useUpdateSchedule();
  const remove = useDeleteSchedule();
  const scope = (s: BenchmarkSchedule) =>
    s.collector === null ? 'the whole fleet' : (s.collector_name ?? serverName ?? 'one server');
  const error = update.error ?? remove.error;
  return (
    <>
      {error && <ErrorMessage message={error.message} />}
      <ul className="plain-list" aria-label="Schedules">
        {rows.map((s) => (
          <li key={s.id} className="row" style={{ justifyContent: 'space-between' }}>
            <span>
              <strong>{s.profile}</strong> on {scope(s)} every {formatNumber(s.every_hours, 1)} h · flag a drop past{' '}
              {formatNumber(s.drop_alert_pct, 1)} % ·{' '}
              {s.enabled ? `next ${formatIsoDateTime(s.next_run_at)}` : <span className="badge warn">paused</span>}
            </span>
            {editable && (
              <span className="toolbar">
                <button
                  type="button"
                  className="small"
                  onClick={() => void update.run(s.id, { enabled: !s.enabled })}
                  aria-label={`${s.enabled ? 'Pause' : 'Resume'} the ${s.profile} schedule on ${scope(s)}`}
                >
                  {s.enabled ? 'Pause' : 'Resume'}
                </button>
                <button
                  type="button"
                  className="small danger"
                  onClick={() => void remove.run(s.id)}
                  aria-label={`Delete the ${s.profile} schedule on ${scope(s)}`}
                >
                  Delete
                </button>
              </span>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}

/**
 * The schedules that run a profile again and again (this server's and the fleet's), and a form to add one: profile,
 * every N hours, this server or the whole fleet, and the drop past which a result is flagged.
 */
export function Schedules({
  collectorId,
  serverName,
  editable,
  notHere,
}: {
  /** On a server's page: its schedules and the fleet's, and the form offers "this server". */
  collectorId?: string;
  serverName?: string;
  editable: boolean;
  /** Why this server cannot be scheduled (its agent does not run jobs): the form offers the fleet only. */
  notHere?: string | undefined;
}) {
  const schedules = useSchedules();
  const profiles = useProfiles();
  const create = useCreateSchedule();
  const [form, setForm] = useState<ScheduleForm>({
    profile: 'quick',
    everyHours: '6',
    scope: collectorId && !notHere ? collectorId : 'fleet',
    dropAlertPct: String(DEFAULT_DROP_ALERT_PCT),
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const set = (changes: Partial<ScheduleForm>) => setForm((f) => ({ ...f, ...changes }));
  const rows = (schedules.data ?? []).filter(
    (s) => !collectorId || s.collector === null || s.collector === collectorId,
  );

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const checked = toScheduleBody(form);
    if ('errors' in checked) return setErrors(checked.errors);
    setErrors({});
    await create.run(checked.body);
  };

  return (
    <div className="stack" style={{ gap: 12 }}>
      {schedules.error && <ErrorMessage message={`Schedules could not be loaded: ${schedules.error.message}`} />}
      {schedules.data &&
        (rows.length ? (
          <ScheduleList rows={rows} editable={editable} serverName={serverName} />
        ) : (
          <span className="muted">No schedule yet: results are only measured when someone runs a benchmark.</span>
        ))}
      {editable && (
        <form className="row" style={{ alignItems: 'flex-end' }} onSubmit={submit} aria-label="New schedule">
          <div className="field">
            <label htmlFor="sch-profile">Profile</label>
            <select id="sch-profile" value={form.profile} onChange={(e) => set({ profile: e.target.value })}>
              {(profiles.data ?? BUILTIN_PROFILES).map((p) => (
                <option key={p.name} value={p.name}>
                  {p.name}
                </option>
              ))}
            </select>
            <FieldError message={errors.profile} />
          </div>
          <div className="field">
            <label htmlFor="sch-every">Every (hours)</label>
            <input
              id="sch-every"
              inputMode="decimal"
              style={{ width: 90 }}
              value={form.everyHours}
              onChange={(e) => set({ everyHours: e.target.value })}
            />
            <FieldError message={errors.every_hours} />
          </div>
          <div className="field">
            <label htmlFor="sch-scope">On</label>
            <select id="sch-scope" value={form.scope} onChange={(e) => set({ scope: e.target.value })}>
              {collectorId && !notHere && <option value={collectorId}>this server</option>}
              <option value="fleet">the whole fleet</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="sch-drop">Flag a drop past (%)</label>
            <input
              id="sch-drop"
              inputMode="decimal"
              style={{ width: 90 }}
              value={form.dropAlertPct}
              onChange={(e) => set({ dropAlertPct: e.target.value })}
            />
            <FieldError message={errors.drop_alert_pct} />
          </div>
          <button type="submit" disabled={create.pending}>
            {create.pending ? 'Adding…' : 'Add schedule'}
          </button>
        </form>
      )}
      {editable && collectorId && notHere && (
        <span className="muted">This server cannot be scheduled: its {notHere}.</span>
      )}
      {create.error && <ErrorMessage message={create.error.message} />}
    </div>
  );
}
