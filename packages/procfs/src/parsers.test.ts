import { describe, expect, it } from 'vitest';
import { parseCollection, type RawMeasurement } from './collection.ts';
import { parseContainer } from './parse-container.ts';
import { parseCpuinfo } from './parse-cpuinfo.ts';
import { parseDiskstats } from './parse-diskstats.ts';
import { parseMeminfo } from './parse-meminfo.ts';
import { parseNetDev } from './parse-net-dev.ts';
import { parseStat } from './parse-stat.ts';
import { parseStatfs } from './parse-statfs.ts';
import { groupRounds } from './round.ts';
import { readFixture as read } from './test-support.ts';

const loadtest = parseCollection(read('loadtest-cpuinfo/loadtest-cpuinfo.json'));
const sysInfo = parseCollection(read('sys-info-test/sys-info-test.json'));
const all = [...loadtest.measurements, ...sysInfo.measurements];
const first = (subsystem: string): string =>
  loadtest.measurements.find((m) => m.subsystem === subsystem)?.measurement ?? '';
const every = (subsystem: string): RawMeasurement[] => all.filter((m) => m.subsystem === subsystem);

describe('parseCollection', () => {
  it('reads every line of both recordings', () => {
    expect(loadtest).toMatchObject({ rejectedLines: 0 });
    expect(loadtest.measurements).toHaveLength(108);
    expect(sysInfo.measurements).toHaveLength(90);
    expect(groupRounds(loadtest.measurements)).toHaveLength(18);
  });

  it('counts broken lines instead of throwing', () => {
    const text = `${read('sys-info-test/sys-info-test.json').slice(0, 5000)}\n\n[1,2]\n{"timestamp":1.5,"subsystem":"a","measurement":""}\n`;
    const parsed = parseCollection(text);
    expect(parsed.rejectedLines).toBe(3); // the cut-off line, the array, the fractional timestamp
    expect(parsed.measurements.length).toBeGreaterThan(0);
  });
});

describe('parseStat', () => {
  it('reads the aggregate and per-CPU jiffies and the scalar lines', () => {
    expect(parseStat(first('/proc/stat'))).toEqual({
      total: {
        user: 223485,
        nice: 457,
        system: 32831,
        idle: 39321137,
        iowait: 33489,
        irq: 0,
        softirq: 650,
        steal: 0,
        guest: 0,
        guestNice: 0,
      },
      cpus: expect.arrayContaining([expect.objectContaining({ cpu: 3, user: 54306, softirq: 107 })]),
      btime: 1767883122,
      ctxt: 14004101,
      intr: 17223261,
      processes: 48486,
      procsRunning: 1,
      procsBlocked: 0,
    });
    for (const m of every('/proc/stat')) expect(parseStat(m.measurement)?.cpus.map((c) => c.cpu)).toEqual([0, 1, 2, 3]);
  });

  it('zero-fills columns an old kernel does not write, and rejects garbage', () => {
    expect(parseStat('cpu 1 2 3 4\n')?.total).toMatchObject({ user: 1, idle: 4, iowait: 0, steal: 0 });
    expect(parseStat('cpu 1 2 x 4 5\ncpu0 1 2 3 4\n')).toBeUndefined();
    expect(parseStat('cpu  1 2 3 4 5\ncpu0 1 2 3 4 5\ncpu1 7 8')?.cpus.map((c) => c.cpu)).toEqual([0]);
  });
});

describe('parseMeminfo', () => {
  it('maps every key to its number, with or without a unit', () => {
    const meminfo = parseMeminfo(first('/proc/meminfo'));
    expect(meminfo).toMatchObject({ MemTotal: 16327188, MemAvailable: 15537356, 'Active(anon)': 208604 });
    expect(meminfo?.HugePages_Total).toBe(0);
    const lines = first('/proc/meminfo').split('\n').filter(Boolean);
    expect(Object.keys(meminfo ?? {})).toHaveLength(lines.length);
  });

  it('skips malformed lines and keeps prototype keys harmless', () => {
    const meminfo = parseMeminfo('MemTotal: 10 kB\nbroken\nMemFree: -3 kB\n__proto__: 5 kB\n');
    expect(meminfo?.MemTotal).toBe(10);
    expect(meminfo?.MemFree).toBeUndefined();
    expect(Object.getOwnPropertyDescriptor(meminfo, '__proto__')?.value).toBe(5);
  });
});

describe('parseNetDev', () => {
  it('reads each interface with its 16 counters', () => {
    const lines = parseNetDev(first('/proc/net/dev'));
    expect(lines?.map((l) => l.name)).toEqual(['lo', 'eth0', 'docker0', 'vethf098dbd', 'veth5046f66', 'vethcbb1c2f']);
    expect(lines?.[1]).toMatchObject({ rxBytes: 359485514, rxPackets: 549361, txBytes: 122221375, txPackets: 438628 });
    expect(lines?.[2]).toMatchObject({ txDrop: 2, txCompressed: 0 });
  });

  it('reads glued counters, an empty table, and nothing from garbage', () => {
    const header = 'Inter-|   Receive\n face |bytes\n';
    expect(parseNetDev(`${header}eth0:1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n`)?.[0]).toMatchObject({ rxBytes: 1 });
    expect(parseNetDev(header)).toEqual([]);
    expect(parseNetDev('')).toBeUndefined();
    expect(parseNetDev('eth0: 1 2 3\n')).toBeUndefined();
  });
});

describe('parseDiskstats', () => {
  it('reads all 20 fields of every device', () => {
    const disks = parseDiskstats(first('/proc/diskstats'));
    expect(disks).toHaveLength(15);
    expect(disks?.find((d) => d.name === 'sda')).toEqual({
      major: 8,
      minor: 0,
      name: 'sda',
      readIos: 15912,
      readMerges: 3541,
      readSectors: 1543587,
      readTicks: 26243,
      writeIos: 181229,
      writeMerges: 84502,
      writeSectors: 67351412,
      writeTicks: 6706548,
      iosInProgress: 0,
      ioTicks: 273552,
      weightedIoTicks: 6882878,
      discardIos: 6859,
      discardMerges: 1789,
      discardSectors: 147789976,
      discardTicks: 27300,
      flushIos: 5911,
      flushTicks: 122785,
      fieldCount: 20,
    });
  });

  it('keeps lines with at least 14 fields (old kernels) and drops shorter ones', () => {
    const disks = parseDiskstats('8 0 sda 1 2 3 4 5 6 7 8 9 10 11\n8 1 sda1 1 2 3 4 5 6 7 8 9 10\n');
    expect(disks).toEqual([
      expect.objectContaining({ name: 'sda', fieldCount: 14, weightedIoTicks: 11, discardIos: 0 }),
    ]);
    expect(parseDiskstats('8 0 sda 1 2 3\n')).toBeUndefined();
  });
});

describe('parseStatfs', () => {
  it('reads one filesystem per JSON line', () => {
    expect(parseStatfs(first('statfs[*]'))).toEqual([
      { mountPoint: '/', blockSize: 4096, blocksTotal: 7344928, blocksFree: 6449502, blocksAvailable: 6445406 },
      { mountPoint: '/boot', blockSize: 4096, blocksTotal: 225380, blocksFree: 209465, blocksAvailable: 193683 },
      { mountPoint: '/boot/efi', blockSize: 512, blocksTotal: 213663, blocksFree: 201164, blocksAvailable: 201164 },
      { mountPoint: '/mnt', blockSize: 4096, blocksTotal: 8211396, blocksFree: 8211389, blocksAvailable: 7787889 },
    ]);
  });

  it('skips lines that are not complete JSON objects', () => {
    const good = '{"mount_point":"/","block_size":1,"blocks_total":2,"blocks_free":1,"blocks_available":1}';
    expect(parseStatfs(`${good}\n{"mount_point":"/x","block_size":1}\n{"mount_po`)).toHaveLength(1);
    expect(parseStatfs('null\n[]\n')).toBeUndefined();
  });
});

describe('parseCpuinfo', () => {
  it('gives exactly the fields of the reference system_info.json', () => {
    const expected: unknown = JSON.parse(read('loadtest-cpuinfo/csv/system_info.json'));
    expect(parseCpuinfo(first('/proc/cpuinfo'))).toEqual(expected);
  });

  it('leaves physical_cpus out when no physical id is given, and rejects text without processors', () => {
    const info = parseCpuinfo('processor\t: 0\nBogoMIPS\t: 50.00\nFeatures\t: fp asimd\n\nprocessor\t: 1\n');
    expect(info).toMatchObject({ total_cpus: 2, bogomips: 50, flags: 'fp asimd', vendor_id: '', cpu_mhz: 0 });
    expect(info).not.toHaveProperty('physical_cpus');
    expect(parseCpuinfo('garbage\n')).toBeUndefined();
  });
});

describe('parseContainer', () => {
  it('reads the counters of a container measurement', () => {
    const stat = parseContainer(
      '{"container_id":"abc123","container_name":"","runtime":"docker","cpu_usage_usec":5,"memory_max":"max"}',
    );
    expect(stat).toEqual({ container_id: 'abc123', container_name: '', runtime: 'docker', cpu_usage_usec: 5 });
    expect(parseContainer('{"runtime":"docker"}', 'abc123def456')?.container_id).toBe('abc123def456');
    expect(parseContainer('{"runtime":"docker"}')).toBeUndefined();
    expect(parseContainer('{"container_id":')).toBeUndefined();
  });
});

describe('every parser on truncated, empty and garbage input', () => {
  const parsers = {
    '/proc/stat': parseStat,
    '/proc/meminfo': parseMeminfo,
    '/proc/net/dev': parseNetDev,
    '/proc/diskstats': parseDiskstats,
    'statfs[*]': parseStatfs,
    '/proc/cpuinfo': parseCpuinfo,
  } as const;

  it.each(Object.entries(parsers))('%s never throws and yields only non-negative integers', (subsystem, parse) => {
    const text = first(subsystem);
    const inputs = ['', '\n', ' ', '\u0000\uFFFD', 'garbage: x y z', '{}', text.replaceAll(/\d/g, 'x')];
    for (let cut = 0; cut <= text.length; cut += 13) inputs.push(text.slice(0, cut), text.slice(cut));
    for (const input of inputs) {
      const result = parse(input);
      JSON.stringify(result, (key, value: unknown) => {
        if (typeof value === 'number' && !['cpu_mhz', 'bogomips'].includes(key)) {
          expect(Number.isSafeInteger(value) && value >= 0, `${subsystem} ${key}=${value}`).toBe(true);
        }
        return value;
      });
    }
  });
});

describe('the line scanners', () => {
  it('read the same with \r\n line ends, and counters past 2^53 as Number() rounds them', () => {
    const crlf = (text: string) => text.replaceAll('\n', '\r\n');
    for (const [subsystem, parse] of [
      ['/proc/meminfo', parseMeminfo],
      ['/proc/net/dev', parseNetDev],
      ['/proc/diskstats', parseDiskstats],
    ] as const)
      expect(parse(crlf(first(subsystem))), subsystem).toEqual(parse(first(subsystem)));
    const big = '18446744073709551615';
    expect(parseMeminfo(`MemTotal: ${big} kB\nMemFree: 123456789012345 kB\n`)).toEqual({
      MemTotal: Number(big),
      MemFree: 123456789012345,
    });
    const disk = parseDiskstats(`   8 0 sda ${big} 1 2 3 4 5 6 7 8 9 10\n`)?.[0];
    expect([disk?.readIos, disk?.weightedIoTicks, disk?.discardIos, disk?.fieldCount]).toEqual([
      Number(big),
      10,
      0,
      14,
    ]);
  });

  it('skip an interface line with a 17th token or a counter that is not one', () => {
    const counters = Array.from({ length: 16 }, (_, i) => i + 1).join(' ');
    const ok = parseNetDev(`eth0: ${counters}\neth1: ${counters} 17\neth2: ${counters.replace('5', '-5')}\n`);
    expect(ok?.map((n) => n.name)).toEqual(['eth0']);
    expect(ok?.[0]?.txCompressed).toBe(16);
  });
});
