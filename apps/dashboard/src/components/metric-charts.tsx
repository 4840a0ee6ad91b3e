import type { HostField } from '@xat/contracts';
import { useMemo, useState } from 'react';
import { useGroupMetrics, useHostMetrics } from '../api/metrics.ts';
import type { Gap, Values } from '../lib/chart-data.ts';
import { formatBytesPerSecond, formatKb, formatPercent } from '../lib/format.ts';
import { seriesColor } from '../lib/providers.ts';
import { resolveRange, type TimeRange } from '../lib/time-range.ts';
import { TimeSeriesChart } from './charts/time-series-chart.tsx';
import { ErrorMessage } from './dialog.tsx';

const CPU: { field: HostField; label: string; color: string }[] = [
  { field: 'cpu_user', label: 'user', color: '#3b82f6' },
  { field: 'cpu_nice', label: 'nice', color: '#06b6d4' },
  { field: 'cpu_system', label: 'system', color: '#f59e0b' },
  { field: 'cpu_iowait', label: 'iowait', color: '#8b5cf6' },
  { field: 'cpu_steal', label: 'steal', color: '#ef4444' },
];
const MEM: { field: HostField; label: string; color: string }[] = [
  { field: 'mem_used_kb', label: 'used', color: '#3b82f6' },
  { field: 'mem_buffers_kb', label: 'buffers', color: '#8b5cf6' },
  { field: 'mem_cached_kb', label: 'cached', color: '#06b6d4' },
];
const FIELDS: HostField[] = [
  ...CPU.map((c) => c.field),
  ...MEM.map((m) => m.field),
  'disk_read_bps',
  'disk_write_bps',
  'net_rx_bps',
  'net_tx_bps',
];

function ChartCard({ title, children, extra }: { title: string; children: React.ReactNode; extra?: React.ReactNode }) {
  return (
    <section className="card" aria-label={title}>
      <div className="card-head">
        <h2>{title}</h2>
        {extra}
      </div>
      <div className="card-body">{children}</div>
    </section>
  );
}

const empty: Values = [];
const step = (s: number | null | undefined) => (s ? { stepSeconds: s } : {});

/** CPU, memory, disk, network and filesystems of one server over a time range. */
export function MetricCharts({
  collectorId,
  range,
  live,
  since,
  marks,
}: {
  collectorId: string;
  range: TimeRange;
  live: boolean;
  /** The oldest data known of: where `All` starts. */
  since?: number;
  /** Load tests that ran, shaded on the CPU chart. */
  marks?: readonly (Gap & { label: string })[];
}) {
  const host = useHostMetrics(collectorId, range, FIELDS, live, since);
  const net = useGroupMetrics(collectorId, 'net', range, live, since);
  const fs = useGroupMetrics(collectorId, 'fs', range, live, since);
  const [device, setDevice] = useState('');
  const sync = `server-${collectorId}`;

  const h = host.data;
  // Missing data at the ends of a chosen span shows as a gap too; `All` spans just the data.
  const span = useMemo(
    () => (h && !(range.kind === 'preset' && range.preset === 'all') ? resolveRange(range) : {}),
    [h, range],
  );
  const series = useMemo(() => {
    const get = (f: HostField): Values => h?.series[f] ?? empty;
    return {
      cpu: CPU.map((c) => ({ label: c.label, color: c.color, values: get(c.field) })),
      mem: MEM.map((m) => ({ label: m.label, color: m.color, values: get(m.field) })),
      disk: [
        { label: 'read', color: '#22c55e', values: get('disk_read_bps') },
        { label: 'write', color: '#f97316', values: get('disk_write_bps') },
      ],
    };
  }, [h]);

  const devices = Object.keys(net.data?.series ?? {}).sort();
  const netSeries = useMemo(() => {
    const d = device && net.data?.series[device];
    if (d)
      return {
        timestamps: net.data?.timestamps ?? [],
        step: net.data?.step_seconds,
        values: [
          { label: `${device} received`, color: '#3b82f6', values: d.rx_bps ?? empty },
          { label: `${device} sent`, color: '#ec4899', values: d.tx_bps ?? empty },
        ],
      };
    return {
      timestamps: h?.timestamps ?? [],
      step: h?.step_seconds,
      values: [
        { label: 'received', color: '#3b82f6', values: h?.series.net_rx_bps ?? empty },
        { label: 'sent', color: '#ec4899', values: h?.series.net_tx_bps ?? empty },
      ],
    };
  }, [device, net.data, h]);

  const fsSeries = useMemo(
    () =>
      Object.keys(fs.data?.series ?? {})
        .sort()
        .map((mount, i) => ({
          label: mount,
          color: seriesColor(i),
          values: fs.data?.series[mount]?.used_pct ?? empty,
        })),
    [fs.data],
  );

  if (host.error && !h) return <ErrorMessage message={`The charts could not be loaded: ${host.error.message}`} />;
  if (!h)
    return (
      <div className="loading" role="status">
        Loading charts…
      </div>
    );

  const common = { timestamps: h.timestamps, ...step(h.step_seconds), range: span, syncKey: sync };
  return (
    <div className="grid-2">
      <ChartCard title="CPU">
        <TimeSeriesChart
          {...common}
          title="CPU"
          series={series.cpu}
          stacked
          yRange={[0, 100]}
          format={(v) => formatPercent(v)}
          {...(marks ? { marks } : {})}
        />
      </ChartCard>
      <ChartCard title="Memory">
        <TimeSeriesChart {...common} title="Memory" series={series.mem} stacked binary format={formatKb} />
      </ChartCard>
      <ChartCard title="Disk read / write">
        <TimeSeriesChart {...common} title="Disk" series={series.disk} binary format={formatBytesPerSecond} />
      </ChartCard>
      <ChartCard
        title="Network received / sent"
        extra={
          <select aria-label="Network interface" value={device} onChange={(e) => setDevice(e.target.value)}>
            <option value="">All physical interfaces</option>
            {devices.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        }
      >
        <TimeSeriesChart
          {...common}
          timestamps={netSeries.timestamps}
          {...step(netSeries.step)}
          title="Network"
          series={netSeries.values}
          binary
          format={formatBytesPerSecond}
        />
      </ChartCard>
      <ChartCard title="Filesystem usage">
        {fs.error && !fs.data ? (
          <div className="chart-empty">Filesystem usage could not be loaded: {fs.error.message}</div>
        ) : (
          <TimeSeriesChart
            {...common}
            timestamps={fs.data?.timestamps ?? []}
            {...step(fs.data?.step_seconds)}
            title="Filesystem usage"
            series={fsSeries}
            yRange={[0, 100]}
            format={(v) => formatPercent(v)}
            emptyText="No filesystem data in this time range."
          />
        )}
      </ChartCard>
    </div>
  );
}
