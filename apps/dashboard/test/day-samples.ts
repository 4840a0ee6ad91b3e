import type { MetricSample } from '@xat/contracts';

/** A day of one-minute samples that look like a working server, minus a stretch 3 hours ago. */
export function daySamples(
  seed: number,
  vcpus: number,
  memKb: number,
  gap: { from: number; to: number },
  now: number,
): MetricSample[] {
  const samples: MetricSample[] = [];
  let rnd = seed;
  const noise = () => {
    rnd = (rnd * 1103515245 + 12345) % 2147483648;
    return rnd / 2147483648;
  };
  const start = now - 24 * 3600;
  for (let t = start - (start % 60); t <= now; t += 60) {
    if (t > gap.from && t < gap.to) continue;
    const phase = (t % 86400) / 86400;
    const load = 0.35 + 0.25 * Math.sin(phase * 2 * Math.PI * 3 + seed) + 0.1 * noise();
    const user = Math.max(1, Math.min(85, load * 70));
    const system = user * 0.22 + noise() * 2;
    const iowait = noise() * 3;
    const steal = seed % 2 ? noise() * 4 : noise() * 0.5;
    const nice = noise() * 0.6;
    const busy = user + system + iowait + steal + nice;
    const used = memKb * (0.45 + 0.15 * load);
    const cached = memKb * 0.25;
    const buffers = memKb * 0.03;
    const readBps = 2e6 * load + noise() * 5e5;
    const writeBps = 4e6 * load + noise() * 8e5;
    const rx = 6e6 * load + noise() * 1e6;
    const tx = 3e6 * load + noise() * 5e5;
    samples.push({
      timestamp: t,
      interval_seconds: 60,
      host: {
        cpu_user: user,
        cpu_nice: nice,
        cpu_system: system,
        cpu_iowait: iowait,
        cpu_steal: steal,
        cpu_idle: 100 - busy,
        cpu_busy: busy,
        mem_free_kb: memKb - used - cached - buffers,
        mem_available_kb: memKb - used,
        mem_used_kb: used,
        mem_used_pct: (used / memKb) * 100,
        mem_buffers_kb: buffers,
        mem_cached_kb: cached,
        disk_read_bps: readBps,
        disk_write_bps: writeBps,
        disk_read_iops: readBps / 16384,
        disk_write_iops: writeBps / 16384,
        net_rx_bps: rx,
        net_tx_bps: tx,
        net_rx_pps: rx / 900,
        net_tx_pps: tx / 900,
      },
      cpus: Array.from({ length: vcpus }, (_, cpu) => ({ cpu, user, system, idle: 100 - busy, busy })),
      disks: [
        {
          name: 'sda',
          read_bps: readBps,
          write_bps: writeBps,
          read_iops: readBps / 16384,
          write_iops: writeBps / 16384,
        },
      ],
      interfaces: [
        { name: 'eth0', rx_bps: rx * 0.9, tx_bps: tx * 0.9, rx_pps: rx / 1000, tx_pps: tx / 1000 },
        { name: 'eth1', rx_bps: rx * 0.1, tx_bps: tx * 0.1, rx_pps: rx / 9000, tx_pps: tx / 9000 },
      ],
      filesystems: [
        {
          mount_point: '/',
          size_bytes: 64e9,
          free_bytes: 30e9 - (t % 1000),
          avail_bytes: 27e9,
          used_pct: 53 + 2 * load,
        },
        { mount_point: '/data', size_bytes: 256e9, free_bytes: 200e9, avail_bytes: 190e9, used_pct: 22 + load },
      ],
    });
  }
  return samples;
}
