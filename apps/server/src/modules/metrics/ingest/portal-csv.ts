import type { MetricSample } from '@xat/contracts';

/** The reference's portal / "performance" CSV (REFERENCE 2.8), already one row of host values per timestamp. */
export const PORTAL_COLUMNS = [
  'timestamp',
  'cpu_user',
  'cpu_system',
  'cpu_idle',
  'cpu_iowait',
  'cpu_steal',
  'mem_total_kb',
  'mem_used_kb',
  'mem_free_kb',
  'mem_cached_kb',
  'disk_read_bytes',
  'disk_write_bytes',
  'net_rx_bytes',
  'net_tx_bytes',
] as const;

const HEADER = PORTAL_COLUMNS.join(',');

export const isPortalCsvHeader = (line: string) =>
  line
    .replace(/^\uFEFF/, '')
    .trim()
    .replace(/\s+/g, '') === HEADER;

export interface PortalRows {
  samples: MetricSample[];
  /** Data rows with a wrong column count or a value that is not a number. */
  rejected: number;
}

const num = (text: string | undefined): number | null | undefined => {
  const t = text?.trim() ?? '';
  if (t === '') return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
};

/**
 * Portal CSV rows → samples. cpu_user there is %usr (nice dropped), disk/net "bytes" are bytes per second, and
 * mem_total_kb is not MemTotal (it omits Slab), so it yields no mem_used_pct; cpu_nice stays a gap. Read a slice of
 * lines at a time (`add`), so a large file lets other requests run between slices.
 */
export class PortalCsvReader {
  private readonly rows = new Map<number, MetricSample>();
  private rejected = 0;
  private headerSeen = false;

  /** The next whole lines of the file (the first non-blank line of all is the header). */
  add(text: string): void {
    for (const line of text.split(/\r?\n/)) {
      if (line.trim() === '') continue;
      if (!this.headerSeen) {
        this.headerSeen = true;
        continue;
      }
      const cells = line.split(',');
      const v = cells.map(num);
      const ts = v[0];
      if (cells.length !== PORTAL_COLUMNS.length || v.includes(undefined) || typeof ts !== 'number' || ts % 1 !== 0) {
        this.rejected++;
        continue;
      }
      const at = (i: number) => v[i] ?? null;
      const idle = at(3);
      this.rows.set(ts, {
        timestamp: ts,
        host: {
          cpu_user: at(1),
          cpu_system: at(2),
          cpu_idle: idle,
          cpu_iowait: at(4),
          cpu_steal: at(5),
          cpu_busy: idle === null ? null : 100 - idle,
          mem_used_kb: at(7),
          mem_free_kb: at(8),
          mem_cached_kb: at(9),
          disk_read_bps: at(10),
          disk_write_bps: at(11),
          net_rx_bps: at(12),
          net_tx_bps: at(13),
        },
      });
    }
  }

  /** The rows read so far as samples in time order, one per timestamp (the last row of a timestamp wins). */
  finish(): PortalRows {
    const samples = [...this.rows.values()].sort((a, b) => a.timestamp - b.timestamp);
    samples.forEach((s, i) => {
      const before = samples[i - 1];
      if (before) s.interval_seconds = s.timestamp - before.timestamp;
    });
    return { samples, rejected: this.rejected };
  }
}

/** A whole portal CSV at once. */
export function parsePortalCsv(text: string): PortalRows {
  const reader = new PortalCsvReader();
  reader.add(text);
  return reader.finish();
}
