import { splitLines, toCount } from './text.ts';

/** pcprocess's `system_info.json` (REFERENCE 1.6); keys in the reference's order. */
export interface SystemInfo {
  vendor_id: string;
  model_name: string;
  cpu_cores: number;
  siblings: number;
  cpu_mhz: number;
  cache_size: string;
  total_cpus: number;
  /** Distinct `physical id` values; absent when cpuinfo has none (ARM, some VMs). */
  physical_cpus?: number;
  bogomips: number;
  flags: string;
}

/**
 * Parses /proc/cpuinfo into the system_info.json fields: the first processor block's values, the number of blocks
 * and the distinct physical ids. Missing or non-numeric fields take Go's zero values ('' or 0). Returns undefined
 * when there is no `processor` line (empty, garbage).
 */
export function parseCpuinfo(text: string): SystemInfo | undefined {
  const blocks: Map<string, string>[] = [];
  for (const line of splitLines(text)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim();
    const rest = line.slice(colon + 1);
    const value = rest.startsWith(' ') ? rest.slice(1) : rest; // the reference splits on ": "
    if (key === 'processor') blocks.push(new Map());
    blocks.at(-1)?.set(key, value);
  }
  const first = blocks[0];
  if (!first) return undefined;
  const physicalIds = new Set(blocks.flatMap((block) => block.get('physical id')?.trim() ?? []));
  const field = (key: string, alt?: string) => first.get(key) ?? (alt === undefined ? undefined : first.get(alt)) ?? '';
  const info: SystemInfo = {
    vendor_id: field('vendor_id', 'vendor'),
    model_name: field('model name'),
    cpu_cores: toCount(field('cpu cores').trim()) ?? 0,
    siblings: toCount(field('siblings').trim()) ?? 0,
    cpu_mhz: toFloat(field('cpu MHz')),
    cache_size: field('cache size'),
    total_cpus: blocks.length,
    physical_cpus: physicalIds.size,
    bogomips: toFloat(field('bogomips', 'BogoMIPS')),
    flags: field('flags', 'Features').trim().split(/\s+/).filter(Boolean).join(' '),
  };
  if (physicalIds.size === 0) delete info.physical_cpus;
  return info;
}

/**
 * system_info.json as pcprocess writes it: Go's json.MarshalIndent with 2 spaces (which escapes <, >, & and
 * U+2028/U+2029) and a final newline. Numbers print alike in Go's encoder and JSON.stringify (both use exponent
 * form only below 1e-6 or from 1e21, without exponent padding).
 */
export function formatSystemInfo(info: SystemInfo): string {
  const json = JSON.stringify(info, null, 2).replace(/[<>&\u2028\u2029]/g, (c) => {
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
  return `${json}\n`;
}

function toFloat(value: string): number {
  const trimmed = value.trim();
  return /^\d+(\.\d*)?$/.test(trimmed) ? Number(trimmed) : 0;
}
