import { readFileSync } from 'node:fs';
import { MetricSampleSchema } from '@xat/contracts';
import {
  computeInterval,
  groupRounds,
  parseCollection,
  parseDiskstats,
  parseMeminfo,
  parseNetDev,
  parseRound,
  parseStat,
  parseStatfs,
} from '@xat/procfs';
import { Compile } from 'typebox/compile';
import { describe, expect, it } from 'vitest';
import { toMetricSample } from '../sampling/to-sample.ts';
import { fixturePath, sharedFixturePath } from '../testing/paths.ts';
import { cpuinfoCollector } from './cpuinfo.ts';
import { diskstatsCollector } from './diskstats.ts';
import { meminfoCollector } from './meminfo.ts';
import { netDevCollector } from './net-dev.ts';
import { formatRawLine, roundCollectors, takeRound } from './round.ts';
import { statCollector } from './stat.ts';
import { type FsStats, listMounts, statfsCollector } from './statfs.ts';

const round1 = fixturePath('debian-vm', 'round-1');
const round2 = fixturePath('debian-vm', 'round-2');
const captured = (file: string) => readFileSync(`${round1}/${file}`, 'utf8');
const sampleCheck = Compile(MetricSampleSchema);

// statfs(2) of the fixture's mounts, as this machine answered.
const fakeStatfs = (path: string): FsStats => {
  if (path === '/') return { bsize: 4096, blocks: 65_536_000, bfree: 40_000_000, bavail: 36_000_000 };
  throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
};

describe('collectors on captured /proc files', () => {
  it('/proc/stat: verbatim, and the parser finds the aggregate line, both CPUs and btime', () => {
    const text = statCollector(round1).read();
    expect(text).toBe(captured('stat'));
    const stat = parseStat(text);
    expect(stat?.cpus.map((c) => c.cpu)).toEqual([0, 1]);
    expect(stat?.btime).toBeGreaterThan(1_600_000_000);
  });

  it('/proc/meminfo: verbatim, with MemTotal', () => {
    const text = meminfoCollector(round1).read();
    expect(text).toBe(captured('meminfo'));
    expect(parseMeminfo(text)?.MemTotal).toBeGreaterThan(1_000_000);
  });

  it('/proc/net/dev: verbatim including both header lines', () => {
    const text = netDevCollector(round1).read();
    expect(text).toBe(captured('net/dev'));
    expect(text.split('\n')[0]).toMatch(/^Inter-\|/);
    expect(parseNetDev(text)?.map((n) => n.name)).toContain('eth0');
  });

  it('/proc/diskstats: verbatim, 20 fields per line', () => {
    const text = diskstatsCollector(round1).read();
    expect(text).toBe(captured('diskstats'));
    expect(parseDiskstats(text)?.find((d) => d.name === 'vda')?.fieldCount).toBe(20);
  });

  it('/proc/cpuinfo: verbatim', () => {
    expect(cpuinfoCollector(round1).read()).toBe(captured('cpuinfo'));
  });

  it('statfs[*]: block-device mounts only, keys in the reference order, one JSON object per line', () => {
    expect(listMounts(captured('mounts'))).toEqual(['/']);
    const text = statfsCollector(round1, fakeStatfs).read();
    expect(text).toBe(
      '{"mount_point":"/","block_size":4096,"blocks_total":65536000,"blocks_free":40000000,"blocks_available":36000000}\n',
    );
    expect(parseStatfs(text)).toEqual([
      {
        mountPoint: '/',
        blockSize: 4096,
        blocksTotal: 65_536_000,
        blocksFree: 40_000_000,
        blocksAvailable: 36_000_000,
      },
    ]);
  });

  it('statfs[*]: the Azure fixture mounts (/, /boot, /boot/efi, /mnt), escaped names, no pseudo or snap mounts', () => {
    const mounts = [
      '/dev/root / ext4 rw,relatime 0 0',
      'proc /proc proc rw 0 0',
      'tmpfs /run tmpfs rw 0 0',
      '/dev/sda16 /boot ext4 rw 0 0',
      '/dev/sda15 /boot/efi vfat rw 0 0',
      '/dev/sdb1 /mnt ext4 rw 0 0',
      '/dev/loop0 /snap/core/1 squashfs ro 0 0',
      '/dev/sdc1 /data\\040disk xfs rw 0 0',
      '/dev/root / ext4 rw 0 0',
    ].join('\n');
    expect(listMounts(mounts)).toEqual(['/', '/boot', '/boot/efi', '/mnt', '/data disk']);
  });
});

describe('a round in the raw format (REFERENCE 1.1)', () => {
  it("has the reference's subsystem order, as in its real recording with /proc/cpuinfo", () => {
    const reference = parseCollection(
      readFileSync(sharedFixturePath('loadtest-cpuinfo', 'loadtest-cpuinfo.json'), 'utf8'),
    );
    const first = reference.measurements.filter((m) => m.timestamp === reference.measurements[0]?.timestamp);
    const ours = takeRound(roundCollectors({ procRoot: round1, cpuinfo: true }), 1_767_982_248);
    expect(ours.map((m) => m.subsystem)).toEqual(first.map((m) => m.subsystem));
    expect(new Set(ours.map((m) => m.timestamp))).toEqual(new Set([1_767_982_248]));
  });

  it('writes lines with exactly timestamp, subsystem, measurement, escaped like Go', () => {
    const line = formatRawLine({ timestamp: 1, subsystem: '/proc/stat', measurement: 'a<b>&c\n' });
    expect(line).toBe('{"timestamp":1,"subsystem":"/proc/stat","measurement":"a\\u003cb\\u003e\\u0026c\\n"}\n');
    const reference = readFileSync(sharedFixturePath('sys-info-test', 'sys-info-test.json'), 'utf8').split('\n')[0];
    const parsed = JSON.parse(reference ?? '{}');
    expect(formatRawLine(parsed)).toBe(`${reference}\n`);
  });

  it('skips a source that cannot be read and says which', () => {
    const failed: string[] = [];
    const round = takeRound([statCollector('/nonexistent'), meminfoCollector(round1)], 5, (s) => failed.push(s));
    expect(round.map((m) => m.subsystem)).toEqual(['/proc/meminfo']);
    expect(failed).toEqual(['/proc/stat']);
  });
});

describe('samples (interval values in the batch contract)', () => {
  it('two captured rounds one second apart make a valid sample, steal included, unused devices left out', () => {
    const a = parseRound(takeRound(roundCollectors({ procRoot: round1 }), 1_767_000_000));
    const b = parseRound(takeRound(roundCollectors({ procRoot: round2 }), 1_767_000_001));
    if (!a || !b) throw new Error('fixture rounds do not parse');
    const sample = toMetricSample(computeInterval(a, b), b);
    expect(sampleCheck.Check(sample), JSON.stringify([...sampleCheck.Errors(sample)])).toBe(true);
    expect(sample?.timestamp).toBe(1_767_000_001);
    expect(sample?.host.cpu_steal).toBeTypeOf('number');
    expect(sample?.host.mem_used_kb).toBeGreaterThan(0);
    expect(sample?.cpus?.map((c) => c.cpu)).toEqual([0, 1]);
    expect(sample?.disks?.map((d) => d.name)).toEqual(['vda']); // loop0..7 and zram0 never did any I/O
    expect(sample?.interfaces?.map((n) => n.name)).toEqual(['lo', 'eth0']); // ifb0/ifb1 never moved a byte
  });

  it('no sample for a round that does not move time forward', () => {
    const a = parseRound(takeRound(roundCollectors({ procRoot: round1 }), 1000));
    if (!a) throw new Error('fixture round does not parse');
    expect(toMetricSample(computeInterval(a, a), a)).toBeUndefined();
  });

  it('the reference recordings (Azure, OCI) become valid samples with the same values as packages/procfs', () => {
    for (const name of ['sys-info-test', 'loadtest-cpuinfo']) {
      const text = readFileSync(sharedFixturePath(name, `${name}.json`), 'utf8');
      const rounds = groupRounds(parseCollection(text).measurements);
      expect(rounds.length).toBeGreaterThan(10);
      for (let i = 1; i < rounds.length; i++) {
        const prev = rounds[i - 1];
        const cur = rounds[i];
        if (!prev || !cur) continue;
        const interval = computeInterval(prev, cur);
        const sample = toMetricSample(interval, cur);
        expect(sampleCheck.Check(sample)).toBe(true);
        expect(sample?.interval_seconds).toBe(5);
        expect(sample?.host.cpu_busy).toBeCloseTo(interval.host.cpu_busy ?? Number.NaN, 3);
      }
    }
  });
});
