import { BUILTIN_PROFILES, type Collector, SUITE_BENCHMARKS, type SuiteBenchmark } from '@xat/contracts';
import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { useCollectorsById } from '../../api/collectors.ts';
import { useCreateJobs, useProfiles } from '../../api/jobs.ts';
import { BENCHMARK_TEXT, emptyRunForm, jobSupport, type RunForm, toJobCreate } from '../../lib/jobs.ts';
import { navigate } from '../../lib/router.tsx';
import { Loading } from '../bits.tsx';
import { Dialog, ErrorMessage } from '../dialog.tsx';

const FieldError = ({ message }: { message: string | undefined }) =>
  message ? <div className="field-error">{message}</div> : null;

/** The servers asked for, each ticked when its agent runs jobs, or shown disabled with the reason it cannot. */
function ServerChoice({
  servers,
  chosen,
  onChange,
}: {
  servers: readonly Collector[];
  chosen: readonly string[];
  onChange: (ids: string[]) => void;
}) {
  return (
    <fieldset className="picker" aria-label="Servers to benchmark" style={{ maxHeight: 180 }}>
      {servers.map((c) => {
        const support = jobSupport(c);
        return (
          <label key={c.id} title={support.reason ?? support.warning}>
            <input
              type="checkbox"
              disabled={!support.ok}
              checked={support.ok && chosen.includes(c.id)}
              onChange={() => onChange(chosen.includes(c.id) ? chosen.filter((x) => x !== c.id) : [...chosen, c.id])}
            />
            <span>
              {c.name}
              {support.reason && <span className="faint"> — {support.reason}</span>}
              {support.warning && <span className="faint"> — {support.warning}</span>}
            </span>
          </label>
        );
      })}
    </fieldset>
  );
}

/**
 * Run benchmark: the servers (those whose agent cannot take jobs disabled, with the reason), a profile (built-in or
 * the team's), optionally the benchmarks and repeats, now or staggered, and the disk directory. Started, it goes to
 * the jobs' live progress.
 */
export function RunBenchmarkDialog({ ids, onClose }: { ids: readonly string[]; onClose: () => void }) {
  const servers = useCollectorsById(ids);
  const profiles = useProfiles();
  const create = useCreateJobs();
  const [form, setForm] = useState<RunForm>(emptyRunForm());
  const [chosen, setChosen] = useState<string[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const list = profiles.data ?? BUILTIN_PROFILES;
  const profile = list.find((p) => p.name === form.profile);
  const supported = useMemo(() => (servers.data ?? []).filter((c) => jobSupport(c).ok), [servers.data]);
  // Every server that can take a job starts ticked.
  useEffect(() => setChosen(supported.map((c) => c.id)), [supported]);
  const set = (changes: Partial<RunForm>) => setForm((f) => ({ ...f, ...changes }));
  const toggleBenchmark = (b: SuiteBenchmark) =>
    set({ benchmarks: form.benchmarks.includes(b) ? form.benchmarks.filter((x) => x !== b) : [...form.benchmarks, b] });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const checked = toJobCreate(
      (servers.data ?? []).filter((c) => chosen.includes(c.id)).map((c) => c.id),
      form,
    );
    if ('errors' in checked) return setErrors(checked.errors);
    setErrors({});
    const jobs = await create.run(checked.body);
    const group = jobs?.[0]?.group_id;
    if (group) {
      onClose();
      navigate(`/benchmarks/jobs?group=${group}`);
    }
  };

  return (
    <Dialog
      open
      wide
      title="Run benchmark"
      onClose={onClose}
      footer={
        <>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form="run-benchmark-form" className="primary" disabled={create.pending}>
            {create.pending ? 'Starting…' : 'Start'}
          </button>
        </>
      }
    >
      <form id="run-benchmark-form" className="form" onSubmit={submit}>
        {servers.error && <ErrorMessage message={servers.error.message} />}
        {!servers.data ? (
          <Loading what="servers" />
        ) : (
          <ServerChoice servers={servers.data} chosen={chosen} onChange={setChosen} />
        )}
        <FieldError message={errors.servers} />
        <div className="form-row">
          <div className="field">
            <label htmlFor="rb-profile">Profile</label>
            <select id="rb-profile" value={form.profile} onChange={(e) => set({ profile: e.target.value })}>
              {list.map((p) => (
                <option key={p.name} value={p.name}>
                  {p.label || p.name}
                  {p.builtin ? '' : ' (your team’s)'}
                </option>
              ))}
            </select>
            {profile && (
              <span className="hint">
                {profile.benchmarks.map((b) => BENCHMARK_TEXT[b]).join(', ')}; {profile.runs}{' '}
                {profile.runs === 1 ? 'repeat' : 'repeats'} each
              </span>
            )}
            <FieldError message={errors.profile} />
          </div>
          <div className="field">
            <label htmlFor="rb-runs">Repeats (optional)</label>
            <input
              id="rb-runs"
              inputMode="numeric"
              placeholder={profile ? String(profile.runs) : '3'}
              value={form.runs}
              onChange={(e) => set({ runs: e.target.value })}
            />
            <FieldError message={errors.runs} />
          </div>
        </div>
        <fieldset className="row" aria-label="Benchmarks (optional)">
          <span className="muted">Only these (none ticked: the profile's):</span>
          {SUITE_BENCHMARKS.map((b) => (
            <label key={b} className="row" style={{ gap: 6 }}>
              <input type="checkbox" checked={form.benchmarks.includes(b)} onChange={() => toggleBenchmark(b)} />
              {BENCHMARK_TEXT[b]}
            </label>
          ))}
        </fieldset>
        <div className="form-row">
          <fieldset className="field" aria-label="When" style={{ border: 0, padding: 0, margin: 0 }}>
            <span className="label">When</span>
            <label className="row" style={{ gap: 6 }}>
              <input type="radio" name="rb-when" checked={form.when === 'now'} onChange={() => set({ when: 'now' })} />
              Now, on every server at once
            </label>
            <label className="row" style={{ gap: 6 }}>
              <input
                type="radio"
                name="rb-when"
                checked={form.when === 'staggered'}
                onChange={() => set({ when: 'staggered' })}
              />
              Staggered, one server after another
            </label>
          </fieldset>
          <div className="field">
            <label htmlFor="rb-stagger">Minutes between servers</label>
            <input
              id="rb-stagger"
              inputMode="decimal"
              disabled={form.when !== 'staggered'}
              value={form.staggerMinutes}
              onChange={(e) => set({ staggerMinutes: e.target.value })}
            />
            <FieldError message={errors.stagger} />
          </div>
        </div>
        <div className="field">
          <label htmlFor="rb-disk">Disk directory (optional)</label>
          <input
            id="rb-disk"
            placeholder="/var/tmp"
            value={form.diskDir}
            onChange={(e) => set({ diskDir: e.target.value })}
          />
          <span className="hint">
            Where the disk benchmark writes its test file (removed afterwards); empty: the agent's working directory.
          </span>
          <FieldError message={errors.disk_dir} />
        </div>
        <label className="check">
          <input type="checkbox" checked={form.force} onChange={(e) => set({ force: e.target.checked })} />
          Run even if the machine stays busy (the results are then marked <em>forced</em>: suspect at best)
        </label>
        {create.error && <ErrorMessage message={create.error.message} />}
      </form>
    </Dialog>
  );
}

/** A "Run benchmark" button that opens the dialog for these servers. */
export function RunBenchmarkButton({
  ids,
  label = 'Run benchmark',
  className,
}: {
  ids: readonly string[];
  label?: string;
  className?: string;
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className={className}
        disabled={!ids.length}
        title={ids.length ? undefined : 'Tick the servers to benchmark'}
        onClick={() => setOpen(true)}
      >
        {label}
      </button>
      {open && <RunBenchmarkDialog ids={ids} onClose={() => setOpen(false)} />}
    </>
  );
}
