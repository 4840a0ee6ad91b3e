import type { RawMeasurement } from '@xat/procfs';
import { describe, expect, it } from 'vitest';
import { parsePortalCsv } from './portal-csv.ts';
import { chainRounds, MAX_CHAIN_SECONDS, type StoredRound, toStoredRound } from './raw-rounds.ts';

const T = 1_767_977_160;
const all = () => true;

/** A round with /proc/stat (100 ticks per second since T, `user` of them busy) and meminfo. */
function round(ts: number, user: number, extra: RawMeasurement[] = []): RawMeasurement[] {
  const idle = (ts - T) * 100 - user;
  return [
    { timestamp: ts, subsystem: '/proc/stat', measurement: `cpu  ${user} 0 0 ${idle} 0 0 0 0 0 0\nbtime 1700000000\n` },
    { timestamp: ts, subsystem: '/proc/meminfo', measurement: 'MemTotal: 1000 kB\nMemFree: 400 kB\n' },
    ...extra,
  ];
}

const stored = (ts: number, user: number): StoredRound => ({
  timestamp: ts,
  measurements: round(ts, user).map(({ subsystem, measurement }) => ({ subsystem, measurement })),
});

describe('chainRounds', () => {
  it('pairs consecutive rounds into intervals at the later round’s timestamp', () => {
    const r = chainRounds([...round(T, 0), ...round(T + 10, 100), ...round(T + 20, 300)], undefined, all);
    expect(r.samples.map((s) => [s.timestamp, s.interval_seconds, s.host.cpu_user])).toEqual([
      [T + 10, 10, 10],
      [T + 20, 10, 20],
    ]);
    expect(r.samples[0]?.host.mem_free_kb).toBe(400);
    expect(r).toMatchObject({ accepted: 3, unparseable: 0, outOfRange: 0, timestamps: [T, T + 10, T + 20] });
    expect(r.last?.timestamp).toBe(T + 20);
  });

  it('chains from the stored previous round, and keeps it when the request is older', () => {
    const r = chainRounds(round(T + 10, 100), stored(T, 0), all);
    expect(r.samples.map((s) => [s.timestamp, s.host.cpu_user])).toEqual([[T + 10, 10]]);
    expect(r.last?.timestamp).toBe(T + 10);
    // A late round (before the stored one) is paired with nothing and does not move the state back.
    const late = chainRounds(round(T, 0), stored(T + 10, 100), all);
    expect(late.samples).toEqual([]);
    expect(late.accepted).toBe(1);
    expect(late.last).toBeUndefined();
    // The stored round sent again: no zero-length interval.
    expect(chainRounds(round(T, 0), stored(T, 0), all).samples).toEqual([]);
  });

  it('pairs rounds sent out of order by time, and not across a long silence', () => {
    const r = chainRounds([...round(T + 20, 300), ...round(T, 0), ...round(T + 10, 100)], undefined, all);
    expect(r.samples.map((s) => s.timestamp)).toEqual([T + 10, T + 20]);
    const gap = chainRounds([...round(T, 0), ...round(T + MAX_CHAIN_SECONDS + 1, 100)], undefined, all);
    expect(gap.samples).toEqual([]);
    expect(gap.accepted).toBe(2);
  });

  it('counts rounds with nothing parsable and rounds outside the accepted range, and never chains across them', () => {
    const garbage: RawMeasurement[] = [
      { timestamp: T + 10, subsystem: '/proc/stat', measurement: 'this is not /proc/stat' },
      { timestamp: T + 10, subsystem: '/proc/cpuinfo', measurement: 'processor : 0\n' },
      { timestamp: T + 15, subsystem: '/proc/unknown', measurement: '1 2 3' },
    ];
    const r = chainRounds(
      [...round(T, 0), ...garbage, ...round(T + 20, 200), ...round(T + 30, 300)],
      undefined,
      (ts) => ts < T + 30,
    );
    expect(r).toMatchObject({ accepted: 2, unparseable: 2, outOfRange: 1 });
    expect(r.samples.map((s) => [s.timestamp, s.interval_seconds])).toEqual([[T + 20, 20]]);
    // A round from a collector whose clock runs ahead is not kept as the base of the next interval.
    expect(r.last?.timestamp).toBe(T + 20);
  });

  it('carries device values by the contract’s names and leaves /proc/cpuinfo out of the stored round', () => {
    const disk = (ts: number, reads: number): RawMeasurement => ({
      timestamp: ts,
      subsystem: '/proc/diskstats',
      measurement: `   8       0 sda ${reads} 0 ${reads * 8} 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n`,
    });
    const cpuinfo = (ts: number): RawMeasurement => ({ timestamp: ts, subsystem: '/proc/cpuinfo', measurement: 'x' });
    const r = chainRounds(
      [...round(T, 0, [disk(T, 0), cpuinfo(T)]), ...round(T + 10, 0, [disk(T + 10, 50)])],
      undefined,
      all,
    );
    expect(r.samples[0]?.disks).toEqual([
      { name: 'sda', read_bps: 20_480, write_bps: 0, read_iops: 5, write_iops: 0, busy_pct: 0 },
    ]);
    expect(r.samples[0]?.host.disk_read_iops).toBe(5);
    expect(r.last?.measurements.map((m) => m.subsystem)).toEqual(['/proc/stat', '/proc/meminfo', '/proc/diskstats']);
  });

  it('reads back only a well-formed stored round', () => {
    expect(toStoredRound(null)).toBeUndefined();
    expect(toStoredRound({ timestamp: 'x', measurements: [] })).toBeUndefined();
    expect(
      toStoredRound({ timestamp: T, measurements: [{ subsystem: 1 }, { subsystem: 'a', measurement: 'b' }] }),
    ).toEqual({
      timestamp: T,
      measurements: [{ subsystem: 'a', measurement: 'b' }],
    });
  });
});

describe('parsePortalCsv', () => {
  it('turns rows into host samples and rejects malformed ones', () => {
    const csv = [
      'timestamp,cpu_user,cpu_system,cpu_idle,cpu_iowait,cpu_steal,mem_total_kb,mem_used_kb,mem_free_kb,mem_cached_kb,disk_read_bytes,disk_write_bytes,net_rx_bytes,net_tx_bytes',
      `${T + 5},1.5,0.5,97.5,0.5,0,100,40,50,10,512,1024,2048,4096`,
      `${T},1,1,98,0,0,100,40,50,10,0,0,0,0`,
      `${T + 10},1,1,oops,0,0,100,40,50,10,0,0,0,0`,
      `${T + 15},1,1`,
      '',
    ].join('\r\n');
    const { samples, rejected } = parsePortalCsv(csv);
    expect(rejected).toBe(2);
    expect(samples.map((s) => s.timestamp)).toEqual([T, T + 5]);
    expect(samples[1]).toEqual({
      timestamp: T + 5,
      interval_seconds: 5,
      host: {
        cpu_user: 1.5,
        cpu_system: 0.5,
        cpu_idle: 97.5,
        cpu_iowait: 0.5,
        cpu_steal: 0,
        cpu_busy: 2.5,
        mem_used_kb: 40,
        mem_free_kb: 50,
        mem_cached_kb: 10,
        disk_read_bps: 512,
        disk_write_bps: 1024,
        net_rx_bps: 2048,
        net_tx_bps: 4096,
      },
    });
  });
});
