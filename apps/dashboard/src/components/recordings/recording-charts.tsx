import type { Recording } from '@xat/contracts';
import { type ReactNode, useMemo } from 'react';
import { useRecordingSeries } from '../../api/recordings.ts';
import type { Values } from '../../lib/chart-data.ts';
import { formatBytesPerSecond, formatKb, formatPercent } from '../../lib/format.ts';
import { recordingWindow } from '../../lib/recordings.ts';
import { TimeSeriesChart } from '../charts/time-series-chart.tsx';
import { ErrorMessage } from '../dialog.tsx';

interface Line {
  field: string;
  label: string;
  color: string;
}
interface Chart {
  title: string;
  lines: Line[];
  format: (v: number | null | undefined) => string;
  binary?: boolean;
}

const CHARTS: Chart[] = [
  {
    title: 'CPU',
    lines: [
      { field: 'cpu_busy', label: 'busy', color: '#3b82f6' },
      { field: 'cpu_steal', label: 'steal', color: '#ef4444' },
      { field: 'cpu_iowait', label: 'iowait', color: '#8b5cf6' },
    ],
    format: (v) => formatPercent(v),
  },
  {
    title: 'Memory used',
    lines: [{ field: 'mem_used_kb', label: 'used', color: '#3b82f6' }],
    format: formatKb,
    binary: true,
  },
  {
    title: 'Disk read / write',
    lines: [
      { field: 'disk_read_bps', label: 'read', color: '#22c55e' },
      { field: 'disk_write_bps', label: 'write', color: '#f97316' },
    ],
    format: formatBytesPerSecond,
    binary: true,
  },
  {
    title: 'Network received / sent',
    lines: [
      { field: 'net_rx_bps', label: 'received', color: '#3b82f6' },
      { field: 'net_tx_bps', label: 'sent', color: '#ec4899' },
    ],
    format: formatBytesPerSecond,
    binary: true,
  },
];
const FIELDS = CHARTS.flatMap((c) => c.lines.map((l) => l.field));
const empty: Values = [];

function ChartCard({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="card" aria-label={title}>
      <div className="card-head">
        <h2>{title}</h2>
      </div>
      <div className="card-body">{children}</div>
    </section>
  );
}

/**
 * CPU, memory, disk and network over the recording's whole window, at the step the server picks for its length. The
 * y axes scale to the data (from 0): a recording is read for its shape, and an idle one is not a flat line at 0 %.
 */
export function RecordingCharts({ recording }: { recording: Recording }) {
  const version = `${recording.ended_at}:${recording.sample_count}`;
  const series = useRecordingSeries(recording.id, FIELDS, version);
  const s = series.data;
  const span = useMemo(() => recordingWindow(recording) ?? {}, [recording]);
  const lines = useMemo(
    () =>
      CHARTS.map((c) => c.lines.map((l) => ({ label: l.label, color: l.color, values: s?.series[l.field] ?? empty }))),
    [s],
  );

  if (series.error && !s) return <ErrorMessage message={`The charts could not be loaded: ${series.error.message}`} />;
  if (!s)
    return (
      <div className="loading" role="status">
        Loading charts…
      </div>
    );
  return (
    <div className="grid-2">
      {CHARTS.map((c, i) => (
        <ChartCard key={c.title} title={c.title}>
          <TimeSeriesChart
            title={c.title}
            timestamps={s.timestamps}
            {...(s.step_seconds ? { stepSeconds: s.step_seconds } : {})}
            series={lines[i] ?? []}
            range={span}
            syncKey={`recording-${recording.id}`}
            format={c.format}
            {...(c.binary ? { binary: true } : {})}
            emptyText="This recording has no samples of these measures."
          />
        </ChartCard>
      ))}
    </div>
  );
}
