import { numberField, parseJsonObject } from './text.ts';

/** Counters of one container from a `container/<runtime>/<id12>` measurement (REFERENCE 1.7); absent when missing. */
export interface ContainerStat {
  container_id: string;
  container_name: string;
  runtime: string;
  cpu_usage_usec?: number;
  cpu_user_usec?: number;
  cpu_system_usec?: number;
  cpu_periods?: number;
  cpu_throttled?: number;
  cpu_throttled_usec?: number;
  cpu_quota?: number;
  cpu_period?: number;
  memory_current?: number;
  memory_max?: number;
  memory_anon?: number;
  memory_file?: number;
  memory_kernel?: number;
  memory_slab?: number;
  io_read_bytes?: number;
  io_write_bytes?: number;
  io_read_ops?: number;
  io_write_ops?: number;
  pids_current?: number;
  pids_max?: number;
}

type CounterKey = Exclude<keyof ContainerStat, 'container_id' | 'container_name' | 'runtime'>;

const COUNTERS: readonly CounterKey[] = [
  'cpu_usage_usec',
  'cpu_user_usec',
  'cpu_system_usec',
  'cpu_periods',
  'cpu_throttled',
  'cpu_throttled_usec',
  'cpu_quota',
  'cpu_period',
  'memory_current',
  'memory_max',
  'memory_anon',
  'memory_file',
  'memory_kernel',
  'memory_slab',
  'io_read_bytes',
  'io_write_bytes',
  'io_read_ops',
  'io_write_ops',
  'pids_current',
  'pids_max',
];

/**
 * Parses a container measurement (a JSON object in a string). Returns undefined when it is not JSON or has no
 * `container_id`; when the id is absent the subsystem's `<id12>` may stand in (pass it as fallbackId).
 */
export function parseContainer(text: string, fallbackId?: string): ContainerStat | undefined {
  const object = parseJsonObject(text);
  if (!object) return undefined;
  const id = typeof object.container_id === 'string' && object.container_id !== '' ? object.container_id : fallbackId;
  if (id === undefined) return undefined;
  const stat: ContainerStat = {
    container_id: id,
    container_name: typeof object.container_name === 'string' ? object.container_name : '',
    runtime: typeof object.runtime === 'string' ? object.runtime : '',
  };
  for (const key of COUNTERS) {
    const value = numberField(object, key);
    if (value !== undefined) stat[key] = value;
  }
  return stat;
}
