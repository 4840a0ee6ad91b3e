import { BENCHMARK_STATUSES, type Benchmark, type BenchmarkCreate } from '@xat/contracts';
import { type FormEvent, useState } from 'react';
import { useCreateBenchmark, useUpdateBenchmark } from '../api/benchmarks.ts';
import { Dialog, ErrorMessage } from './dialog.tsx';
import { ServerSelect } from './server-select.tsx';

const SCORES = ['cpu_score', 'memory_score', 'disk_score', 'network_score', 'overall_score'] as const;
const SCORE_LABEL: Record<(typeof SCORES)[number], string> = {
  cpu_score: 'CPU score',
  memory_score: 'Memory score',
  disk_score: 'Disk score',
  network_score: 'Network score',
  overall_score: 'Overall score',
};

/** A score field's text → a number 0–100, null when empty, or the reason it is not one. */
export function parseScore(text: string): number | null | { error: string } {
  const t = text.trim();
  if (!t) return null;
  const n = Number(t);
  if (!Number.isFinite(n) || n < 0 || n > 100) return { error: 'A score is a number from 0 to 100.' };
  return n;
}

interface Props {
  /** The benchmark to edit; omitted to create one. */
  benchmark?: Benchmark | undefined;
  onClose: () => void;
}

/** Create or edit a benchmark: server, name, type, status and the five scores. */
export function BenchmarkDialog({ benchmark, onClose }: Props) {
  const create = useCreateBenchmark();
  const update = useUpdateBenchmark();
  const [collector, setCollector] = useState(benchmark?.collector ?? '');
  const [name, setName] = useState(benchmark?.name ?? '');
  const [type, setType] = useState(benchmark?.benchmark_type ?? 'standard');
  const [status, setStatus] = useState<Benchmark['status']>(benchmark?.status ?? 'pending');
  const [scores, setScores] = useState<Record<string, string>>(
    Object.fromEntries(
      SCORES.map((s) => [s, benchmark?.[s] === null || benchmark?.[s] === undefined ? '' : String(benchmark[s])]),
    ),
  );
  const [problem, setProblem] = useState<string>();
  const mutation = benchmark ? update : create;
  const measured = benchmark?.source === 'pcc';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!collector) return setProblem('Choose a server.');
    if (!name.trim()) return setProblem('Give the benchmark a name.');
    const body: BenchmarkCreate = { collector, name: name.trim(), benchmark_type: type.trim() || 'standard', status };
    // A measured row's scores come from its run: they are not typed (the server refuses them).
    for (const s of measured ? [] : SCORES) {
      const v = parseScore(scores[s] ?? '');
      if (v !== null && typeof v === 'object') return setProblem(`${SCORE_LABEL[s]}: ${v.error}`);
      body[s] = v;
    }
    setProblem(undefined);
    const ok = benchmark ? await update.run(benchmark.id, body) : await create.run(body);
    if (ok) onClose();
  };

  return (
    <Dialog
      open
      wide
      title={benchmark ? `Edit ${benchmark.name}` : 'New benchmark'}
      onClose={onClose}
      footer={
        <>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form="benchmark-form" className="primary" disabled={mutation.pending}>
            {mutation.pending ? 'Saving…' : benchmark ? 'Save' : 'Create benchmark'}
          </button>
        </>
      }
    >
      <form id="benchmark-form" className="form" onSubmit={submit}>
        <div className="form-row">
          <div className="field">
            <label htmlFor="bm-server">Server</label>
            <ServerSelect id="bm-server" value={collector} onChange={setCollector} emptyText="Choose a server…" />
          </div>
          <div className="field">
            <label htmlFor="bm-name">Name</label>
            <input id="bm-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={200} />
          </div>
        </div>
        <div className="form-row">
          <div className="field">
            <label htmlFor="bm-type">Type</label>
            <input id="bm-type" value={type} onChange={(e) => setType(e.target.value)} maxLength={50} />
          </div>
          <div className="field">
            <label htmlFor="bm-status">Status</label>
            <select id="bm-status" value={status} onChange={(e) => setStatus(e.target.value as Benchmark['status'])}>
              {BENCHMARK_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </div>
        </div>
        {measured && (
          <div className="alert info">
            Measured by the agent: the scores are computed from the run against the baseline server, not typed.
          </div>
        )}
        <div className="stats" hidden={measured}>
          {SCORES.map((s) => (
            <div className="field" key={s}>
              <label htmlFor={`bm-${s}`}>{SCORE_LABEL[s]}</label>
              <input
                id={`bm-${s}`}
                inputMode="decimal"
                placeholder="0–100"
                value={scores[s]}
                onChange={(e) => setScores({ ...scores, [s]: e.target.value })}
              />
            </div>
          ))}
        </div>
        {(problem || mutation.error) && <ErrorMessage message={problem ?? mutation.error?.message ?? ''} />}
      </form>
    </Dialog>
  );
}
