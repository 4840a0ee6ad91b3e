import { describe, expect, it } from 'vitest';
import { parseCollection, type RawMeasurement } from './collection.ts';
import { computeInterval, type Interval } from './interval.ts';
import { groupRounds } from './round.ts';
import { readFixture as read } from './test-support.ts';

function expectNoNegativeValues(interval: Interval): void {
  JSON.stringify(interval, (key, value: unknown) => {
    if (typeof value === 'number' && !['seconds', 'cpu', 'timestamp'].includes(key)) {
      expect(Number.isFinite(value) && value >= 0, `${key}=${value}`).toBe(true);
    }
    return value;
  });
}

describe('computeInterval against the reference on a real recording', () => {
  const rounds = groupRounds(parseCollection(read('loadtest-cpuinfo/loadtest-cpuinfo.json')).measurements);
  const csv = (path: string) =>
    read(`loadtest-cpuinfo/csv/${path}`)
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => l.split(','));
  const stat = csv('proc/stat');
  const disks = csv('proc/diskstats');
  const nets = csv('proc/net/dev');
  const mem = csv('proc/meminfo');

  it('matches pcprocess bit for bit on every single-interval row (from the second row on)', () => {
    for (let k = 3; k < rounds.length; k++) {
      const prev = rounds[k - 1];
      const cur = rounds[k];
      if (!prev || !cur) throw new Error('missing round');
      const interval = computeInterval(prev, cur);
      const ts = String(cur.timestamp);
      const total = stat.find((r) => r[0] === ts && r[1] === '-1') ?? [];
      expect([interval.host.cpu_user, interval.host.cpu_nice, interval.host.cpu_system]).toEqual(
        total.slice(2, 5).map(Number),
      );
      expect([interval.host.cpu_iowait, interval.host.cpu_steal, interval.host.cpu_idle]).toEqual(
        total.slice(5, 8).map(Number),
      );
      const wholeDisks = disks.filter((r) => r[0] === ts && (r[1] === 'sda' || r[1] === 'sdb'));
      expect(interval.host.disk_write_bps).toBe(wholeDisks.reduce((s, r) => s + Number(r[7]) * 512, 0));
      expect(interval.host.disk_read_iops).toBe(wholeDisks.reduce((s, r) => s + Number(r[3]), 0));
      const eth0 = nets.find((r) => r[0] === ts && r[1] === 'eth0') ?? [];
      expect(interval.host.net_rx_bps).toBe(Number(eth0[4]) * 1024);
      expect(interval.host.net_tx_pps).toBe(Number(eth0[3]));
      const memRow = mem.find((r) => r[0] === ts) ?? [];
      expect(interval.host.mem_used_pct).toBe(Number(memRow[4]));
      expect(interval.host.mem_commit_pct).toBe(Number(memRow[8]));
      expect(interval.filesystems.map((f) => f.mount_point)).toEqual(['/', '/boot', '/boot/efi', '/mnt']);
      expectNoNegativeValues(interval);
    }
  });

  it('survives any pair of rounds, shuffled and corrupted, without an exception or a negative value', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const raw = parseCollection(read('loadtest-cpuinfo/loadtest-cpuinfo.json')).measurements;
    const corrupt = (m: RawMeasurement): RawMeasurement => {
      const cut = Math.floor(random() * m.measurement.length);
      const choice = random();
      if (choice < 0.2) return { ...m, measurement: m.measurement.slice(0, cut) };
      if (choice < 0.3) return { ...m, measurement: m.measurement.replace(/\d+/, '1') };
      if (choice < 0.4) return { ...m, measurement: '' };
      return m;
    };
    const mangled = groupRounds(raw.map(corrupt));
    for (let n = 0; n < 300; n++) {
      const a = mangled[Math.floor(random() * mangled.length)];
      const b = mangled[Math.floor(random() * mangled.length)];
      if (!a || !b) continue;
      expectNoNegativeValues(computeInterval(a, b));
    }
  });
});
