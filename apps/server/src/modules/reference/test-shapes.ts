// Test support (not imported by the server): the reference HEAD's answer shapes, written out from REFERENCE 4.5
// independently of our contract, and a checker that names every missing key or wrong type.
import { expect } from 'vitest';

/** A leaf kind; a leading `?` allows null. `iso` is ISO-8601 in UTC with Z; `date` is YYYY-MM-DD. */
type Leaf = string;
export type Shape = Leaf | Shape[] | { [key: string]: Shape } | { record: Shape };

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const LEAVES: Record<string, (v: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  number: (v) => typeof v === 'number' && Number.isFinite(v),
  integer: (v) => Number.isInteger(v),
  boolean: (v) => typeof v === 'boolean',
  uuid: (v) => typeof v === 'string' && UUID.test(v),
  iso: (v) => typeof v === 'string' && ISO.test(v),
  date: (v) => typeof v === 'string' && DATE.test(v),
};

/** Every way `value` departs from `shape` (keys beyond the shape are allowed: ours add some). */
export function shapeProblems(value: unknown, shape: Shape, path = '$'): string[] {
  if (typeof shape === 'string') {
    const nullable = shape.startsWith('?');
    if (nullable && value === null) return [];
    const kind = nullable ? shape.slice(1) : shape;
    const test = LEAVES[kind];
    if (!test) throw new Error(`unknown kind ${kind}`);
    return test(value) ? [] : [`${path}: ${JSON.stringify(value)} is not ${shape}`];
  }
  if (Array.isArray(shape)) {
    if (!Array.isArray(value)) return [`${path}: not an array`];
    const item = shape[0];
    return item === undefined ? [] : value.flatMap((v, i) => shapeProblems(v, item, `${path}[${i}]`));
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${path}: not an object`];
  const record = value as Record<string, unknown>;
  if ('record' in shape && Object.keys(shape).length === 1) {
    const item = shape.record as Shape;
    return Object.entries(record).flatMap(([k, v]) => shapeProblems(v, item, `${path}.${k}`));
  }
  return Object.entries(shape as Record<string, Shape>).flatMap(([key, sub]) =>
    key in record ? shapeProblems(record[key], sub, `${path}.${key}`) : [`${path}.${key}: missing`],
  );
}

export function expectShape(value: unknown, shape: Shape): void {
  expect(shapeProblems(value, shape)).toEqual([]);
}

const dataPoint = { busyPct: 'integer', workUnits: 'integer' };
const units = Object.fromEntries([10, 20, 30, 40, 50, 60, 70, 80, 90, 100].map((p) => [`units_${p}pct`, 'integer']));

export const LOAD_TEST_HEAD: Shape = {
  id: 'uuid',
  collectorId: 'uuid',
  serverName: 'string',
  provider: 'string',
  benchmarkId: '?uuid',
  data: [dataPoint],
  maxUnits: 'integer',
  avgUnits: 'integer',
  notes: 'string',
  createdAt: 'iso',
  collector: 'uuid',
  ...units,
};

export const COMPARE_HEAD: Shape = {
  servers: [
    {
      serverId: 'uuid',
      serverName: 'string',
      provider: 'string',
      color: 'string',
      data: [dataPoint],
      hourlyCost: '?number',
      maxUnits: 'integer',
      pricePerformance: '?number',
    },
  ],
  ratios: { record: '?number' },
};

const head = { collector_id: 'uuid', collector_name: 'string', timestamps: ['iso'] };
const series = (...fields: string[]) => ({ ...head, ...Object.fromEntries(fields.map((f) => [f, ['?number']])) });

export const DASHBOARD_COLLECTORS: Shape = [{ id: 'uuid', name: 'string', description: 'string' }];
export const DASHBOARD_CPU = series('cpu_user', 'cpu_system', 'cpu_iowait', 'cpu_idle', 'cpu_steal');
export const DASHBOARD_MEMORY = series(
  'mem_used_percent',
  'mem_total',
  'mem_used',
  'mem_available',
  'mem_buffers',
  'mem_cached',
);
export const DASHBOARD_DISK = series('disk_read_iops', 'disk_write_iops', 'disk_read_mbps', 'disk_write_mbps');
export const DASHBOARD_NETWORK = series('net_rx_mbps', 'net_tx_mbps', 'net_rx_pps', 'net_tx_pps');

const zeroed = (...fields: string[]) => Object.fromEntries(fields.map((f) => [f, ['number']]));
const rates = (...fields: string[]) => Object.fromEntries(fields.map((f) => [f, ['?number']]));
const liveFields = {
  has_live_data: 'boolean',
  sample_count: 'integer',
  timestamps: ['iso'],
  cpu: zeroed('user', 'system', 'iowait', 'idle', 'steal'),
  memory: zeroed('total_mb', 'used_mb', 'available_mb', 'buffers_mb', 'cached_mb'),
  disk: {
    ...zeroed('read_bytes', 'write_bytes', 'read_ops', 'write_ops'),
    ...rates('read_iops', 'write_iops', 'read_mbps', 'write_mbps'),
  },
  network: {
    ...zeroed('rx_bytes', 'tx_bytes', 'rx_packets', 'tx_packets'),
    ...rates('rx_mbps', 'tx_mbps', 'rx_pps', 'tx_pps'),
  },
};
export const DASHBOARD_LIVE: Shape = { collector_id: 'uuid', collector_name: 'string', ...liveFields };

export const TRICKLE_STATUS: Shape = {
  collector_id: 'uuid',
  collector_name: 'string',
  trickle_active: 'boolean',
  last_data_at: '?iso',
  metrics_last_5min: 'integer',
  total_metrics: 'integer',
  collector_status: 'string',
  collector_last_seen: '?iso',
};

export const TRICKLE_ACTIVE: Shape = {
  active_count: 'integer',
  sessions: [
    {
      session_id: 'uuid',
      collector_id: 'uuid',
      collector_name: 'string',
      started_at: '?iso',
      last_data_at: '?iso',
      sample_count: 'integer',
      duration_seconds: 'number',
      avg_cpu_percent: '?number',
      avg_mem_percent: '?number',
    },
  ],
};

export const CHECK_INACTIVE: Shape = {
  completed_count: 'integer',
  completed_sessions: [{ session_id: 'uuid', collector_name: 'string', sample_count: 'integer' }],
};

export const SESSIONS: Shape = {
  collector_id: 'uuid',
  collector_name: 'string',
  dates: ['date'],
  sessions_by_date: {
    record: [
      {
        session_id: 'uuid',
        name: 'string',
        status: 'string',
        started_at: '?iso',
        ended_at: '?iso',
        sample_count: 'integer',
        duration_seconds: 'number',
      },
    ],
  },
  total_sessions: 'integer',
};

export const SESSION_DATES: Shape = {
  collector_id: 'uuid',
  collector_name: 'string',
  dates: [{ date: 'date', session_count: 'integer' }],
};

export const SESSION_DETAIL: Shape = {
  ...(DASHBOARD_LIVE as Record<string, Shape>),
  session_id: 'uuid',
  session_name: 'string',
  session_status: 'string',
  started_at: '?iso',
  ended_at: '?iso',
};

export const SESSION_COMPLETE: Shape = {
  session_id: 'uuid',
  status: 'string',
  ended_at: '?iso',
  sample_count: 'integer',
  message: 'string',
};

export const CAPTURES: Shape = {
  captures: [
    {
      id: 'uuid',
      name: 'string',
      serverName: 'string',
      serverId: 'uuid',
      duration: 'string',
      capturedAt: 'iso',
      metrics: ['string'],
      sampleCount: 'integer',
      summary: { avgCpu: '?number', avgMemory: '?number', avgDiskIO: '?number' },
    },
  ],
};

export const CAPTURE_DATA: Shape = {
  id: 'uuid',
  name: 'string',
  serverName: 'string',
  capturedAt: 'iso',
  timeSeries: {
    timestamps: ['iso'],
    cpu: ['?number'],
    memory: ['?number'],
    diskRead: ['?number'],
    diskWrite: ['?number'],
    networkRx: ['?number'],
    networkTx: ['?number'],
  },
};
