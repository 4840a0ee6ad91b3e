import { describe, expect, it } from 'vitest';
import type { RawMeasurement } from './collection.ts';
import { computeInterval, type Interval } from './interval.ts';
import { groupRounds, type ParsedRound, parseRound } from './round.ts';

// ---- synthetic rounds, built as raw text so the parsers are exercised too ----

type Jiffies = [user: number, nice: number, system: number, idle: number, iowait?: number];
interface Disk {
  name: string;
  reads: number;
  readSectors: number;
  writes: number;
  writeSectors: number;
  minor?: number;
}
interface Nic {
  name: string;
  rx: number;
  rxPackets: number;
  tx: number;
  txPackets: number;
}

const cpuLine = (name: string, [user, nice, system, idle, iowait = 0]: Jiffies) =>
  `${name} ${user} ${nice} ${system} ${idle} ${iowait} 0 0 0 0 0`;
const statText = (total: Jiffies, cpus: Record<number, Jiffies>, btime = 1_700_000_000) =>
  [cpuLine('cpu ', total), ...Object.entries(cpus).map(([n, j]) => cpuLine(`cpu${n}`, j)), `btime ${btime}`, ''].join(
    '\n',
  );
const diskText = (disks: Disk[]) =>
  disks
    .map(
      (d) =>
        `8 ${d.minor ?? 0} ${d.name} ${d.reads} 0 ${d.readSectors} 0 ${d.writes} 0 ${d.writeSectors} 0 0 0 0 0 0 0 0 0 0`,
    )
    .join('\n');
const netText = (nics: Nic[]) =>
  [
    'Inter-|   Receive',
    ' face |bytes',
    ...nics.map((n) => `${n.name}: ${n.rx} ${n.rxPackets} 0 0 0 0 0 0 ${n.tx} ${n.txPackets} 0 0 0 0 0 0`),
  ].join('\n');
const MEMINFO =
  'MemTotal: 1000 kB\nMemFree: 400 kB\nMemAvailable: 600 kB\nBuffers: 50 kB\nCached: 100 kB\nSlab: 50 kB\n';

function round(timestamp: number, parts: Record<string, string>): ParsedRound {
  const measurements: RawMeasurement[] = Object.entries(parts).map(([subsystem, measurement]) => ({
    timestamp,
    subsystem,
    measurement,
  }));
  const parsed = parseRound(measurements);
  if (!parsed) throw new Error('no measurements');
  return parsed;
}

/** Every value except the signed bookkeeping fields must be a finite, non-negative number. */
function expectNoNegativeValues(interval: Interval): void {
  JSON.stringify(interval, (key, value: unknown) => {
    if (typeof value === 'number' && !['seconds', 'cpu', 'timestamp'].includes(key)) {
      expect(Number.isFinite(value) && value >= 0, `${key}=${value}`).toBe(true);
    }
    return value;
  });
}

const base = {
  '/proc/stat': statText([100, 0, 100, 800], { 0: [50, 0, 50, 400], 1: [50, 0, 50, 400] }),
  '/proc/meminfo': MEMINFO,
  '/proc/diskstats': diskText([
    { name: 'sda', reads: 10, readSectors: 100, writes: 10, writeSectors: 100 },
    { name: 'sda1', minor: 1, reads: 10, readSectors: 100, writes: 10, writeSectors: 100 },
    { name: 'sdb', minor: 16, reads: 10, readSectors: 100, writes: 10, writeSectors: 100 },
  ]),
  '/proc/net/dev': netText([
    { name: 'lo', rx: 1000, rxPackets: 10, tx: 1000, txPackets: 10 },
    { name: 'eth0', rx: 10_000, rxPackets: 100, tx: 5000, txPackets: 50 },
    { name: 'veth1', rx: 10_000, rxPackets: 100, tx: 5000, txPackets: 50 },
  ]),
};
const next = {
  '/proc/stat': statText([200, 0, 200, 1400], { 0: [100, 0, 100, 700], 1: [100, 0, 100, 700] }),
  '/proc/meminfo': MEMINFO,
  '/proc/diskstats': diskText([
    { name: 'sda', reads: 60, readSectors: 1100, writes: 20, writeSectors: 300 },
    { name: 'sda1', minor: 1, reads: 60, readSectors: 1100, writes: 20, writeSectors: 300 },
    { name: 'sdb', minor: 16, reads: 10, readSectors: 100, writes: 30, writeSectors: 500 },
  ]),
  '/proc/net/dev': netText([
    { name: 'lo', rx: 9000, rxPackets: 90, tx: 9000, txPackets: 90 },
    { name: 'eth0', rx: 60_000, rxPackets: 150, tx: 10_000, txPackets: 100 },
    { name: 'veth1', rx: 90_000, rxPackets: 900, tx: 9000, txPackets: 90 },
  ]),
};

describe('computeInterval on a normal pair', () => {
  const interval = computeInterval(round(100, base), round(110, next));

  it('gives host CPU from the aggregate line with busy = 100 − idle', () => {
    expect(interval.host).toMatchObject({ cpu_user: 12.5, cpu_system: 12.5, cpu_idle: 75, cpu_busy: 25, cpu_nice: 0 });
    expect(interval.cpus).toEqual([
      { cpu: 0, user: 12.5, nice: 0, system: 12.5, iowait: 0, steal: 0, idle: 75, busy: 25 },
      { cpu: 1, user: 12.5, nice: 0, system: 12.5, iowait: 0, steal: 0, idle: 75, busy: 25 },
    ]);
  });

  it('sums whole disks only and physical interfaces only, per second of real time', () => {
    // sda: 50 reads, 1000 sectors; sdb: 20 writes, 400 sectors; sda1 is inside sda. Δt = 10 s.
    expect(interval.host).toMatchObject({
      disk_read_iops: 5,
      disk_write_iops: 1 + 2,
      disk_read_bps: 100 * 512,
      disk_write_bps: (20 + 40) * 512,
      net_rx_bps: 5000,
      net_tx_bps: 500,
      net_rx_pps: 5,
      net_tx_pps: 5,
    });
    expect(interval.disks.map((d) => [d.name, d.whole_disk])).toEqual([
      ['sda', true],
      ['sda1', false],
      ['sdb', true],
    ]);
    expect(interval.interfaces.find((n) => n.name === 'veth1')).toMatchObject({ physical: false, rx_bps: 8000 });
  });

  it('gives memory from the current round', () => {
    expect(interval.host).toMatchObject({
      mem_free_kb: 400,
      mem_available_kb: 600,
      mem_used_kb: 400,
      mem_used_pct: 40,
      mem_buffers_kb: 50,
      mem_cached_kb: 100,
    });
    expect(interval.host).not.toHaveProperty('mem_commit_pct'); // no Committed_AS line: a gap, not 0
  });

  it('uses the real time between rounds', () => {
    const fiveSeconds = computeInterval(round(100, base), round(105, next));
    expect(fiveSeconds.seconds).toBe(5);
    expect(fiveSeconds.host.net_rx_bps).toBe(10_000);
    expect(fiveSeconds.host.cpu_busy).toBe(25); // CPU shares come from jiffies, not from Δt
  });
});

describe('computeInterval where the reference breaks', () => {
  it('counter wrap or reset: a gap for that device only, never a negative rate', () => {
    const wrapped = {
      ...next,
      '/proc/net/dev': netText([
        { name: 'lo', rx: 9000, rxPackets: 90, tx: 9000, txPackets: 90 },
        { name: 'eth0', rx: 12, rxPackets: 1, tx: 10_000, txPackets: 100 },
        { name: 'veth1', rx: 90_000, rxPackets: 900, tx: 9000, txPackets: 90 },
      ]),
      '/proc/diskstats': diskText([
        { name: 'sda', reads: 5, readSectors: 50, writes: 20, writeSectors: 300 },
        { name: 'sdb', minor: 16, reads: 10, readSectors: 100, writes: 30, writeSectors: 500 },
      ]),
    };
    const interval = computeInterval(round(100, base), round(110, wrapped));
    expectNoNegativeValues(interval);
    expect(interval.interfaces.find((n) => n.name === 'eth0')).toEqual({ name: 'eth0', physical: true });
    expect(interval.host).not.toHaveProperty('net_rx_bps'); // eth0 was the only physical interface
    expect(interval.disks.find((d) => d.name === 'sda')).toEqual({ name: 'sda', whole_disk: true });
    expect(interval.host).toMatchObject({ disk_write_bps: 40 * 512, disk_read_bps: 0 }); // sdb alone
    expect(interval.host.cpu_busy).toBe(25);
  });

  it('reboot (btime changes): no rate at all, memory still reported', () => {
    const rebooted = { ...base, '/proc/stat': statText([5, 0, 5, 90], { 0: [3, 0, 3, 45] }, 1_700_009_999) };
    const interval = computeInterval(round(100, next), round(110, rebooted));
    expect(interval).toMatchObject({ reboot: true, rates: false, seconds: 10 });
    expect(interval.cpus).toEqual([{ cpu: 0 }]);
    expect(interval.disks.every((d) => d.read_bps === undefined)).toBe(true);
    expect(Object.keys(interval.host).filter((k) => !k.startsWith('mem_'))).toEqual([]);
    expect(interval.host.mem_used_pct).toBe(40);
  });

  it('counters going back without a btime change still give gaps, not negative CPU shares', () => {
    const back = { ...base, '/proc/stat': statText([5, 0, 5, 90], { 0: [3, 0, 3, 45] }) };
    const interval = computeInterval(round(100, next), round(110, back));
    expect(interval.reboot).toBe(false);
    expect(interval.host).not.toHaveProperty('cpu_busy');
    expect(interval.cpus).toEqual([{ cpu: 0 }]);
    expectNoNegativeValues(interval);
  });

  it('devices and interfaces matched by name: added ones are gaps, removed ones are gone', () => {
    const changed = {
      ...next,
      '/proc/diskstats': diskText([
        { name: 'nvme0n1', minor: 5, reads: 1, readSectors: 8, writes: 1, writeSectors: 8 },
        { name: 'sdb', minor: 16, reads: 10, readSectors: 100, writes: 30, writeSectors: 500 },
        { name: 'sda', minor: 0, reads: 60, readSectors: 1100, writes: 20, writeSectors: 300 },
      ]),
      '/proc/net/dev': netText([
        { name: 'eth1', rx: 5, rxPackets: 1, tx: 5, txPackets: 1 },
        { name: 'eth0', rx: 60_000, rxPackets: 150, tx: 10_000, txPackets: 100 },
      ]),
    };
    const interval = computeInterval(round(100, base), round(110, changed));
    expect(interval.disks.map((d) => [d.name, d.read_iops])).toEqual([
      ['nvme0n1', undefined],
      ['sdb', 0],
      ['sda', 5],
    ]);
    expect(interval.interfaces.map((n) => [n.name, n.rx_bps])).toEqual([
      ['eth1', undefined],
      ['eth0', 5000],
    ]);
    expect(interval.host).toMatchObject({ disk_read_iops: 5, net_rx_bps: 5000 });
  });

  it('a device name reused for another device (new minor number) is a gap', () => {
    const renumbered = {
      ...next,
      '/proc/diskstats': diskText([
        { name: 'sda', minor: 32, reads: 60, readSectors: 1100, writes: 20, writeSectors: 300 },
      ]),
    };
    const interval = computeInterval(round(100, base), round(110, renumbered));
    expect(interval.disks).toEqual([{ name: 'sda', whole_disk: true }]);
    expect(interval.host).not.toHaveProperty('disk_read_bps');
  });

  it('CPU hot-plug: CPUs matched by number, a new one is a gap, the aggregate still counts', () => {
    const plugged = {
      ...next,
      '/proc/stat': statText([200, 0, 200, 1400], { 0: [100, 0, 100, 700], 2: [1, 0, 1, 10] }),
    };
    const interval = computeInterval(round(100, base), round(110, plugged));
    expect(interval.cpus.map((c) => [c.cpu, c.busy])).toEqual([
      [0, 25],
      [2, undefined],
    ]);
    expect(interval.host.cpu_busy).toBe(25);
  });

  it('empty, truncated and garbage measurements give gaps for what they would have carried', () => {
    const broken = round(110, {
      '/proc/stat': '',
      '/proc/meminfo': 'this is not meminfo',
      '/proc/diskstats': next['/proc/diskstats'].slice(0, 60), // cut in the middle of the sda1 line
      '/proc/net/dev': '\u0000{garbage',
      'statfs[*]': '{"mount_point":"/","block_si',
    });
    const interval = computeInterval(round(100, base), broken);
    expectNoNegativeValues(interval);
    expect(interval.cpus).toEqual([]);
    expect(interval.interfaces).toEqual([]);
    expect(interval.filesystems).toEqual([]);
    expect(interval.disks.map((d) => d.name)).toEqual(['sda']);
    expect(interval.host).toEqual({
      disk_read_iops: 5,
      disk_write_iops: 1,
      disk_read_bps: 51200,
      disk_write_bps: 10240,
    });
    // and the other way round: a broken previous round
    expect(computeInterval(broken, round(120, next)).host).toMatchObject({ mem_used_pct: 40, disk_read_iops: 0 });
  });

  it('rounds out of order or with the same timestamp: no rates, no negative values', () => {
    const backwards = computeInterval(round(110, next), round(100, base));
    expect(backwards).toMatchObject({ seconds: -10, rates: false });
    expectNoNegativeValues(backwards);
    expect(backwards.host).not.toHaveProperty('cpu_busy');
    expect(backwards.host).not.toHaveProperty('disk_read_bps');

    const same = computeInterval(round(100, base), round(100, next));
    expect(same).toMatchObject({ seconds: 0, rates: false });
    expect(same.interfaces.every((n) => n.rx_bps === undefined)).toBe(true);
    expect(same.host.mem_used_kb).toBe(400);
  });

  it('groups measurements with a duplicate timestamp into one round, sorted by time', () => {
    const line = (timestamp: number, subsystem: string, measurement: string) => ({ timestamp, subsystem, measurement });
    const rounds = groupRounds([
      line(110, '/proc/stat', next['/proc/stat']),
      line(100, '/proc/stat', base['/proc/stat']),
      line(110, '/proc/meminfo', MEMINFO),
      line(110, '/proc/meminfo', 'garbage'),
    ]);
    expect(rounds.map((r) => [r.timestamp, r.stat !== undefined, r.meminfo !== undefined])).toEqual([
      [100, true, false],
      [110, true, true],
    ]);
  });

  it('containers matched by id: a restarted or new container is a gap', () => {
    const container = (id: string, usage: number, read: number) =>
      JSON.stringify({
        container_id: id,
        container_name: '',
        runtime: 'docker',
        cpu_usage_usec: usage,
        io_read_bytes: read,
        memory_current: 512,
        memory_max: 1024,
      });
    const a = round(100, {
      'container/docker/aaa': container('aaa', 1_000_000, 100),
      'container/docker/bbb': container('bbb', 5_000_000, 0),
    });
    const b = round(110, {
      'container/docker/aaa': container('aaa', 6_000_000, 1100),
      'container/docker/bbb': container('bbb', 10, 0),
      'container/docker/ccc': container('ccc', 10, 0),
    });
    const [aaa, bbb, ccc] = computeInterval(a, b).containers;
    expect(aaa).toMatchObject({ key: 'docker/aaa', cpu_pct: 50, io_read_bps: 100, memory_pct: 50 });
    expect(bbb).not.toHaveProperty('cpu_pct');
    expect(ccc).not.toHaveProperty('cpu_pct');
    expect(ccc).toMatchObject({ memory_current_bytes: 512 });
  });
});
